package dev.lakehouse.devtools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakehouse.silver.parse.StrictJson;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * {@code bench silver}'s baseline: the hand-written clickstream parser that the schema-driven
 * one replaced (nine fixed fields, the same rules), kept only to measure the new parser against
 * it in the same run. Not used by the pipeline.
 */
final class BaselineClickstreamParser {

  private BaselineClickstreamParser() {}

  /** The same row the generic parser gives for the built-in table: nine fields, event_date, parse_errors. */
  static Row parse(byte[] value) {
    StrictJson.Result json = StrictJson.parseObject(value);
    if (json.error().isPresent()) {
      return RowFactory.create(null, null, null, null, null, null, null, null, null, null, new String[] {json.error().get()});
    }
    ObjectNode node = json.object().orElseThrow();
    List<String> errors = new ArrayList<>();
    Instant time = time(node, errors);
    BigDecimal amount = amount(node, errors);
    return RowFactory.create(string(node, "event_id", errors), time, string(node, "user_id", errors),
        string(node, "session_id", errors), string(node, "event_type", errors), string(node, "page", errors),
        string(node, "product_id", errors), amount == null ? null : amount.doubleValue(), string(node, "currency", errors),
        time == null ? null : time.atOffset(java.time.ZoneOffset.UTC).toLocalDate(), errors.toArray(String[]::new));
  }

  private static String string(JsonNode node, String field, List<String> errors) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      errors.add("parse: " + field + " is not a string");
      return null;
    }
    return value.asText();
  }

  private static Instant time(JsonNode node, List<String> errors) {
    String text = string(node, "event_time", errors);
    if (text == null) {
      return null;
    }
    try {
      Instant instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      if (instant.isBefore(Instant.parse("0001-01-01T00:00:00Z")) || !instant.isBefore(Instant.parse("+10000-01-01T00:00:00Z"))) {
        errors.add("parse: event_time is outside 0001-01-01 .. 9999-12-31 UTC");
        return null;
      }
      return instant;
    } catch (DateTimeParseException e) {
      errors.add("parse: event_time is not an ISO-8601 time with a zone");
      return null;
    }
  }

  private static BigDecimal amount(JsonNode node, List<String> errors) {
    JsonNode value = node.get("amount");
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber()) {
      errors.add("parse: amount is not a number");
      return null;
    }
    if (value.isDouble() && !Double.isFinite(value.doubleValue())) {
      errors.add("parse: amount is out of range for a double");
      return null;
    }
    BigDecimal amount = value.decimalValue();
    double asDouble = amount.doubleValue();
    if (Double.isInfinite(asDouble) || (asDouble == 0.0 && amount.signum() != 0)) {
      errors.add("parse: amount is out of range for a double");
      return null;
    }
    return amount;
  }
}
