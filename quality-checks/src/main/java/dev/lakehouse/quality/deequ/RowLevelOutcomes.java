package dev.lakehouse.quality.deequ;

import static org.apache.spark.sql.functions.col;

import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckResult;
import com.amazon.deequ.constraints.ConstraintResult;
import com.amazon.deequ.constraints.RowLevelAssertedConstraint;
import com.amazon.deequ.constraints.RowLevelConstraint;
import com.amazon.deequ.constraints.RowLevelGroupedConstraint;
import com.amazon.deequ.metrics.FullColumn;
import com.amazon.deequ.metrics.Metric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.collection.JavaConverters;

/**
 * The per-row outcome of each row-level check of a Deequ run, as the columns Deequ's
 * {@code VerificationResult.rowLevelResultsAsDataFrame} adds (named by check description, true
 * where a row passes). Deequ builds a row-level constraint's column from the check's definition
 * alone (completeness: the column is not null; compliance: its predicate), but hands it out only
 * with a computed metric. Kept from one run, the columns mark later batches of the same schema
 * without a metric pass over each: a projection instead of a Spark job. Grouped constraints
 * (uniqueness) are not kept: their column is a window over the batch.
 */
public final class RowLevelOutcomes {

  private final Map<String, Column> byCheck;

  private RowLevelOutcomes(Map<String, Column> byCheck) {
    this.byCheck = byCheck;
  }

  /**
   * The outcomes of {@code verification}'s row-level checks; empty when one cannot be kept: a
   * grouped constraint, or a row-level constraint that came without its column (a metric with
   * no state, as on an empty batch, where Deequ fails every row: an outcome of that batch's data
   * rather than of the check).
   */
  public static Optional<RowLevelOutcomes> of(VerificationResult verification) {
    Map<String, Column> byCheck = new LinkedHashMap<>();
    for (Map.Entry<Check, CheckResult> entry : JavaConverters.mapAsJavaMap(verification.checkResults()).entrySet()) {
      List<Column> outcomes = new ArrayList<>();
      for (ConstraintResult result : JavaConverters.seqAsJavaList(entry.getValue().constraintResults())) {
        if (result.constraint() instanceof RowLevelGroupedConstraint) {
          return Optional.empty();
        }
        if (!(result.constraint() instanceof RowLevelConstraint)) {
          continue; // a table-level constraint has no per-row outcome
        }
        Optional<Column> column = fullColumn(result);
        if (column.isEmpty()) {
          return Optional.empty();
        }
        outcomes.add(result.constraint() instanceof RowLevelAssertedConstraint asserted
            ? asserted.assertion().apply(JavaConverters.asScalaBuffer(List.of(column.get())).toSeq())
            : column.get());
      }
      if (!outcomes.isEmpty()) { // as Deequ: a check's outcome holds when all its constraints' do
        byCheck.put(entry.getKey().description(), outcomes.stream().reduce(Column::and).orElseThrow());
      }
    }
    return Optional.of(new RowLevelOutcomes(byCheck));
  }

  private static Optional<Column> fullColumn(ConstraintResult result) {
    if (result.metric().isEmpty()) {
      return Optional.empty();
    }
    // a failed metric may still carry its column (Deequ's for a row condition no row meets), and
    // Deequ marks rows by that column whatever the metric's outcome; so do the kept columns
    Metric<?> metric = result.metric().get();
    if (!(metric instanceof FullColumn full) || full.fullColumn().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(full.fullColumn().get());
  }

  /** {@code batch} plus a boolean column per row-level check, named by the check's description. */
  public Dataset<Row> addTo(Dataset<Row> batch) {
    List<Column> columns = new ArrayList<>(List.of(col("*")));
    byCheck.forEach((check, outcome) -> columns.add(outcome.as(check)));
    return batch.select(columns.toArray(Column[]::new));
  }
}
