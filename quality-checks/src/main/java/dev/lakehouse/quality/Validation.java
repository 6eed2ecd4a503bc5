package dev.lakehouse.quality;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The outcome of validating one batch against a suite.
 *
 * @param result Great Expectations' validation-result JSON
 * @param rows the batch plus {@code failed_expectations}: the names of the row-level expectations
 *     each row fails (empty for good rows)
 * @param gateFailures the expectations at severity error whose failure stops publication
 */
public record Validation(ObjectNode result, Dataset<Row> rows, List<String> gateFailures) {

  public static final String FAILED_EXPECTATIONS = "failed_expectations";

  public Validation {
    requireNonNull(result, "result is null");
    requireNonNull(rows, "rows is null");
    gateFailures = List.copyOf(gateFailures);
  }

  public boolean gatePassed() {
    return gateFailures.isEmpty();
  }

  public boolean success() {
    return result.path("success").asBoolean();
  }
}
