package dev.lakehouse.quality;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.checks.CheckResult;
import com.amazon.deequ.constraints.ConstraintResult;
import com.amazon.deequ.constraints.ConstraintStatus;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakehouse.quality.deequ.DeequRun;
import dev.lakehouse.quality.deequ.RowLevelOutcomes;
import dev.lakehouse.quality.suite.Expectation;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.quality.suite.ExpectationType;
import dev.lakehouse.quality.suite.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Runs an expectation suite on a batch with Deequ and reports in Great Expectations' shape.
 * The batch is read several times; cache it when it is expensive to compute.
 * One Deequ verification run computes every metric; Deequ's row-level results mark the rows that
 * fail row-level expectations.
 *
 * <p>The gate: a failed expectation at severity {@code error} stops publication if it is
 * table-level, or row-level with an explicit {@code mostly} (a batch-wide tolerance). Row-level
 * failures without {@code mostly} only send the failing rows to quarantine.
 */
public final class SuiteValidator {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PARTIAL_UNEXPECTED = 20;

  /** Row-level outcome columns by suite and batch schema, from the first run that gave them all. */
  private final Map<OutcomesKey, RowLevelOutcomes> keptOutcomes = new java.util.concurrent.ConcurrentHashMap<>();

  public Validation validate(Dataset<Row> batch, ExpectationSuite suite, String runId) {
    return validate(batch, suite, runId, Optional.empty());
  }

  /**
   * With {@code history}, Deequ also stores this run's metrics and checks the row count against
   * earlier runs; the outcome is reported under {@code meta.anomaly_checks} and never gates.
   */
  public Validation validate(Dataset<Row> batch, ExpectationSuite suite, String runId, Optional<MetricsHistory> history) {
    return validate(batch, suite, runId, history, List.of());
  }

  /**
   * As {@link #validate(Dataset, ExpectationSuite, String, Optional)}, for a batch built to hold
   * one row per non-null value of {@code uniqueKey} (e.g. the first arrival of each key, with
   * null keys quarantined before): an expectation that exactly those columns are unique holds by
   * construction, so it is reported as met, saying so, without Deequ grouping every row by the
   * key again (for 1M rows, a shuffle and ~1 s). Empty: nothing is known.
   */
  public Validation validate(Dataset<Row> batch, ExpectationSuite suite, String runId, Optional<MetricsHistory> history,
      List<String> uniqueKey) {
    requireNonNull(batch, "batch is null");
    Instant started = Instant.now();
    List<Expectation> expectations = suite.expectations();
    List<String> columns = Arrays.asList(batch.columns());
    java.util.Set<Integer> uniqueByConstruction = uniqueOn(expectations, uniqueKey);
    DeequRun run = DeequRun.of(batch, expectations, columns, uniqueByConstruction);
    VerificationResult verification =
        history.map(metrics -> run.execute(metrics, suite.name())).orElseGet(run::execute);

    // not cached here: callers cache the batch, and nothing here could release a cache later
    Dataset<Row> rowLevel = VerificationResult.rowLevelResultsAsDataFrame(batch.sparkSession(), verification, batch);
    RowCounts counts = RowCounts.of(rowLevel, run);
    Map<Integer, ArrayNode> samples = partialUnexpected(rowLevel, run, expectations, counts);

    ArrayNode results = JSON.createArrayNode();
    List<String> gateFailures = new ArrayList<>();
    int successful = 0;
    for (int i = 0; i < expectations.size(); i++) {
      Expectation expectation = expectations.get(i);
      ObjectNode entry = results.addObject();
      entry.set("expectation_config", config(expectation));
      boolean success = uniqueByConstruction.contains(i)
          ? fillUniqueByConstruction(entry.putObject("result"), counts, uniqueKey)
          : fillResult(entry.putObject("result"), i, expectation, run, verification, columns, counts, samples);
      entry.put("success", success);
      entry.putObject("exception_info").put("raised_exception", false);
      if (success) {
        successful++;
      } else if (gates(expectation)) {
        gateFailures.add(expectation.displayName());
      }
    }
    ObjectNode report = report(suite, runId, started, results, successful);
    history.ifPresent(metrics -> DeequRun.anomalyResult(verification)
        .ifPresent(anomaly -> reportAnomaly((ObjectNode) report.get("meta"), metrics, anomaly)));
    return new Validation(report, annotate(rowLevel, run, expectations), gateFailures);
  }

  /**
   * The batch plus {@code failed_expectations} only, without the report: for previews that
   * publish nothing (live views). Skips the count and sample queries the report needs; and once
   * a run of the suite over a batch of this schema gave every row-level check's outcome column,
   * later batches get those columns without a Deequ run of their own (a projection, no job).
   */
  public Dataset<Row> annotateRows(Dataset<Row> batch, ExpectationSuite suite) {
    requireNonNull(batch, "batch is null");
    DeequRun run = DeequRun.of(batch, suite.expectations(), Arrays.asList(batch.columns()));
    OutcomesKey key = new OutcomesKey(suite, batch.schema());
    Optional<RowLevelOutcomes> kept = Optional.ofNullable(keptOutcomes.get(key));
    if (kept.isEmpty()) {
      VerificationResult verification = run.execute();
      kept = RowLevelOutcomes.of(verification);
      if (kept.isEmpty()) { // this batch's own outcomes, as Deequ gives them
        return annotate(VerificationResult.rowLevelResultsAsDataFrame(batch.sparkSession(), verification, batch), run,
            suite.expectations());
      }
      keptOutcomes.put(key, kept.get());
    }
    return annotate(kept.get().addTo(batch), run, suite.expectations());
  }

  /** Whether {@link #annotateRows} marks a batch of this schema without a Deequ run (a metric pass over it). */
  public boolean annotatesWithoutARun(org.apache.spark.sql.types.StructType schema, ExpectationSuite suite) {
    return keptOutcomes.containsKey(new OutcomesKey(suite, schema));
  }

  private record OutcomesKey(ExpectationSuite suite, org.apache.spark.sql.types.StructType schema) {}

  /** The uniqueness expectations over exactly {@code key}'s columns. */
  private static java.util.Set<Integer> uniqueOn(List<Expectation> expectations, List<String> key) {
    java.util.Set<Integer> indexes = new java.util.HashSet<>();
    if (key.isEmpty()) {
      return indexes;
    }
    for (int i = 0; i < expectations.size(); i++) {
      Expectation expectation = expectations.get(i);
      boolean single = expectation.type() == ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_UNIQUE && key.size() == 1
          && expectation.column().filter(key.get(0)::equals).isPresent();
      boolean compound = expectation.type() == ExpectationType.EXPECT_COMPOUND_COLUMNS_TO_BE_UNIQUE
          && new java.util.HashSet<>(DeequRun.referencedColumns(expectation)).equals(new java.util.HashSet<>(key));
      if (single || compound) {
        indexes.add(i);
      }
    }
    return indexes;
  }

  private static boolean fillUniqueByConstruction(ObjectNode result, RowCounts counts, List<String> key) {
    result.put("element_count", counts.elements());
    result.put("observed_value", 1.0);
    result.put("details", "unique by construction: the batch was built to hold one row per value of "
        + String.join(", ", key) + ", none of them null, so it was not recomputed");
    return true;
  }

  /** Fills GE's {@code result} of expectation {@code i}; returns whether it succeeded. */
  private static boolean fillResult(ObjectNode result, int i, Expectation expectation, DeequRun run,
      VerificationResult verification, List<String> columns, RowCounts counts, Map<Integer, ArrayNode> samples) {
    if (expectation.type() == ExpectationType.EXPECT_COLUMN_TO_EXIST) {
      return columns.contains(expectation.column().orElseThrow());
    }
    if (!run.covers(i)) {
      result.put("details", "the batch has no column " + expectation.column().orElse(expectation.kwargs().path("column_list").toString()));
      return false;
    }
    CheckResult checkResult = run.result(verification, i);
    result.put("element_count", counts.elements());
    if (counts.isRowLevel(i)) {
      long unexpected = counts.unexpected(i);
      result.put("unexpected_count", unexpected);
      result.put("unexpected_percent", counts.elements() == 0 ? 0.0 : 100.0 * unexpected / counts.elements());
      result.set("partial_unexpected_list", samples.getOrDefault(i, JSON.createArrayNode()));
    } else {
      observedValue(checkResult).ifPresent(value -> result.put("observed_value", value));
    }
    Optional<String> message = firstMessage(checkResult);
    if (counts.elements() == 0 && expectation.type() != ExpectationType.EXPECT_TABLE_ROW_COUNT_TO_BE_BETWEEN
        && message.filter(text -> text.startsWith("Empty state")).isPresent()) {
      // Deequ has no state on zero rows and fails; as in Great Expectations, an empty batch breaks
      // no column expectation (only a row-count one can object), so it must not gate the batch
      result.put("details", "no rows to check");
      return true;
    }
    message.ifPresent(text -> result.put("details", text));
    return checkResult.status() == com.amazon.deequ.checks.CheckStatus.Success();
  }

  /**
   * The batch plus {@code failed_expectations}, without Deequ's per-check outcome columns. The
   * list is a concatenation of one-name-or-empty arrays rather than a null-dropping filter: a
   * filter is a lambda, which Spark only interprets, and interpreted it cost ~6 s per 1M rows.
   */
  private static Dataset<Row> annotate(Dataset<Row> rowLevel, DeequRun run, List<Expectation> expectations) {
    Column none = array().cast("array<string>");
    Column[] failed = run.rowLevelIndexes().stream()
        .map(i -> when(col(run.description(i)).equalTo(false), array(lit(expectations.get(i).displayName()))).otherwise(none))
        .toArray(Column[]::new);
    return rowLevel
        .withColumn(Validation.FAILED_EXPECTATIONS, failed.length == 0 ? none : concat(failed))
        .drop(run.descriptions().toArray(String[]::new));
  }

  private static void reportAnomaly(ObjectNode meta, MetricsHistory metrics, CheckResult anomaly) {
    ObjectNode entry = meta.putArray("anomaly_checks").addObject();
    entry.put("metric", "row_count");
    entry.put("strategy", metrics.strategy());
    entry.put("repository", metrics.repositoryPath());
    Optional<String> message = firstMessage(anomaly);
    // Deequ fails the check when there is no earlier run; that is not an anomaly
    boolean firstRun = message.filter(text -> text.contains("have to be previous results")).isPresent();
    entry.put("success", firstRun || anomaly.status() == com.amazon.deequ.checks.CheckStatus.Success());
    observedValue(anomaly).ifPresent(value -> entry.put("observed_value", value));
    entry.put("details", firstRun ? "no earlier runs to compare with yet" : message.orElse(""));
  }

  /** Row count and, per row-level expectation, failing rows, in one aggregation. */
  private record RowCounts(Row counts, List<Integer> rowLevel) {

    static RowCounts of(Dataset<Row> rowLevel, DeequRun run) {
      List<Integer> indexes = run.rowLevelIndexes();
      Column[] failures = indexes.stream()
          .map(i -> sum(when(col(run.description(i)).equalTo(false), 1).otherwise(0)))
          .toArray(Column[]::new);
      return new RowCounts(rowLevel.agg(count(lit(1)), failures).first(), indexes);
    }

    long elements() {
      return counts.getLong(0);
    }

    boolean isRowLevel(int expectation) {
      return rowLevel.contains(expectation);
    }

    long unexpected(int expectation) {
      int column = rowLevel.indexOf(expectation) + 1;
      return counts.isNullAt(column) ? 0 : counts.getLong(column);
    }
  }

  private static boolean gates(Expectation expectation) {
    return expectation.severity() == Severity.ERROR
        && (expectation.type().scope() == ExpectationType.Scope.TABLE || expectation.kwargs().has("mostly"));
  }

  private static ObjectNode report(ExpectationSuite suite, String runId, Instant started, ArrayNode results, int successful) {
    ObjectNode report = JSON.createObjectNode();
    int evaluated = results.size();
    report.put("success", successful == evaluated);
    ObjectNode statistics = report.putObject("statistics");
    statistics.put("evaluated_expectations", evaluated);
    statistics.put("successful_expectations", successful);
    statistics.put("unsuccessful_expectations", evaluated - successful);
    statistics.put("success_percent", evaluated == 0 ? 100.0 : 100.0 * successful / evaluated);
    report.set("results", results);
    ObjectNode meta = report.putObject("meta");
    meta.put("expectation_suite_name", suite.name());
    meta.putObject("run_id").put("run_name", runId).put("run_time", started.toString());
    meta.put("validation_time", Instant.now().toString());
    meta.put("great_expectations_version", "0.18 (format); executed by Deequ 2.1.0");
    report.putObject("evaluation_parameters");
    return report;
  }

  private static ObjectNode config(Expectation expectation) {
    ObjectNode config = JSON.createObjectNode();
    config.put("expectation_type", expectation.type().geName());
    config.set("kwargs", expectation.kwargs().deepCopy());
    config.set("meta", expectation.meta().deepCopy());
    return config;
  }

  /**
   * Up to {@link #PARTIAL_UNEXPECTED} failing values of every row-level expectation with failures,
   * from one query over the rows failing any of them rather than one per expectation (each query
   * is a job over the batch, planned and compiled on the driver). An expectation whose failures
   * that query's rows did not reach (rare ones among many others) gets a query of its own.
   */
  private static Map<Integer, ArrayNode> partialUnexpected(Dataset<Row> rowLevel, DeequRun run, List<Expectation> expectations,
      RowCounts counts) {
    List<Integer> failing = run.rowLevelIndexes().stream().filter(i -> counts.unexpected(i) > 0).toList();
    Map<Integer, ArrayNode> samples = new HashMap<>();
    if (failing.isEmpty()) {
      return samples;
    }
    Column failsAny = lit(false);
    List<Column> columns = new ArrayList<>();
    for (int i : failing) {
      Column fails = coalesce(col(run.description(i)).equalTo(false), lit(false));
      failsAny = failsAny.or(fails);
      columns.add(fails);
      columns.add(col(expectations.get(i).column().orElseThrow()).cast("string"));
    }
    List<Row> rows = rowLevel.where(failsAny).select(columns.toArray(Column[]::new))
        .limit(PARTIAL_UNEXPECTED * failing.size()).collectAsList();
    for (int n = 0; n < failing.size(); n++) {
      int i = failing.get(n);
      ArrayNode values = JSON.createArrayNode();
      for (Row row : rows) {
        if (values.size() < PARTIAL_UNEXPECTED && row.getBoolean(2 * n)) {
          addValue(values, row, 2 * n + 1);
        }
      }
      boolean reachedAll = values.size() >= Math.min(PARTIAL_UNEXPECTED, counts.unexpected(i));
      samples.put(i, reachedAll ? values : partialUnexpected(rowLevel, run.description(i), expectations.get(i)));
    }
    return samples;
  }

  private static void addValue(ArrayNode values, Row row, int field) {
    if (row.isNullAt(field)) {
      values.addNull();
    } else {
      values.add(row.getString(field));
    }
  }

  private static ArrayNode partialUnexpected(Dataset<Row> rowLevel, String description, Expectation expectation) {
    ArrayNode values = JSON.createArrayNode();
    String column = expectation.column().orElseThrow();
    rowLevel.where(col(description).equalTo(false)).select(col(column).cast("string")).limit(PARTIAL_UNEXPECTED)
        .collectAsList().forEach(row -> addValue(values, row, 0));
    return values;
  }

  private static Optional<Double> observedValue(CheckResult result) {
    if (result.constraintResults().isEmpty()) {
      return Optional.empty();
    }
    ConstraintResult constraint = result.constraintResults().head();
    if (constraint.metric().isEmpty() || constraint.metric().get().value().isFailure()) {
      return Optional.empty();
    }
    Object value = constraint.metric().get().value().get();
    return value instanceof Number number ? Optional.of(number.doubleValue()) : Optional.empty();
  }

  private static Optional<String> firstMessage(CheckResult result) {
    if (result.constraintResults().isEmpty()) {
      return Optional.empty();
    }
    ConstraintResult constraint = result.constraintResults().head();
    return constraint.status() == ConstraintStatus.Success() || constraint.message().isEmpty()
        ? Optional.empty()
        : Optional.of(constraint.message().get());
  }

}
