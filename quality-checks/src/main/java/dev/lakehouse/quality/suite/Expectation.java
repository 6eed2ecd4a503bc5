package dev.lakehouse.quality.suite;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * One expectation of a suite, as written in Great Expectations' JSON.
 *
 * @param type what is expected
 * @param kwargs GE's arguments ({@code column}, {@code value_set}, {@code mostly}…), validated
 * @param meta GE's free-form meta; {@code meta.severity} is read into {@code severity}
 * @param severity {@code error} (default) gates; {@code warning} only reports
 */
public record Expectation(ExpectationType type, ObjectNode kwargs, ObjectNode meta, Severity severity) {

  public Expectation {
    requireNonNull(type, "type is null");
    requireNonNull(kwargs, "kwargs is null");
    requireNonNull(meta, "meta is null");
    requireNonNull(severity, "severity is null");
  }

  public Optional<String> column() {
    return Optional.ofNullable(kwargs.get("column")).map(JsonNode::asText);
  }

  /** GE's {@code mostly}: the share of rows that must pass; 1.0 when absent. */
  public double mostly() {
    return kwargs.path("mostly").asDouble(1.0);
  }

  /** A readable name for quarantine reasons and messages, e.g. {@code expect_column_values_to_not_be_null(user_id)}. */
  public String displayName() {
    String argument =
        column().orElseGet(() -> kwargs.has("column_list") ? kwargs.get("column_list").toString() : "");
    return type.geName() + "(" + argument + ")";
  }
}
