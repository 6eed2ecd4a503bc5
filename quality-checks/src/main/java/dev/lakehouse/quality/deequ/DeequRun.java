package dev.lakehouse.quality.deequ;

import com.amazon.deequ.AnomalyCheckConfig;
import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.anomalydetection.RelativeRateOfChangeStrategy;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.repository.ResultKey;
import dev.lakehouse.quality.MetricsHistory;
import scala.Option;
import com.amazon.deequ.VerificationSuite;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckResult;
import dev.lakehouse.quality.suite.Expectation;
import dev.lakehouse.quality.suite.ExpectationType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One Deequ verification run for a suite: a check per expectation (except column existence,
 * which is a schema question), named {@code e<index>} so results map back to expectations.
 */
public final class DeequRun {

  private final Dataset<Row> batch;
  private final Map<Integer, Check> checks;
  private final List<Integer> rowLevel;

  private DeequRun(Dataset<Row> batch, Map<Integer, Check> checks, List<Integer> rowLevel) {
    this.batch = batch;
    this.checks = checks;
    this.rowLevel = rowLevel;
  }

  /** Expectations on columns the batch lacks are left out: their column-exists check reports it. */
  public static DeequRun of(Dataset<Row> batch, List<Expectation> expectations, List<String> columns) {
    return of(batch, expectations, columns, java.util.Set.of());
  }

  /** As {@link #of(Dataset, List, List)}, without the expectations at {@code skipped} (known outcomes). */
  public static DeequRun of(Dataset<Row> batch, List<Expectation> expectations, List<String> columns,
      java.util.Set<Integer> skipped) {
    Map<Integer, Check> checks = new LinkedHashMap<>();
    List<Integer> rowLevel = new ArrayList<>();
    for (int i = 0; i < expectations.size(); i++) {
      Expectation expectation = expectations.get(i);
      boolean columnsExist = referencedColumns(expectation).stream().allMatch(columns::contains);
      if (expectation.type() == ExpectationType.EXPECT_COLUMN_TO_EXIST || !columnsExist || skipped.contains(i)) {
        continue;
      }
      checks.put(i, DeequChecks.toCheck(expectation, checkName(i)));
      if (expectation.type().scope() == ExpectationType.Scope.ROW) {
        rowLevel.add(i);
      }
    }
    return new DeequRun(batch, checks, rowLevel);
  }

  public static final String ANOMALY_CHECK = "row count vs previous runs";

  public VerificationResult execute() {
    return new VerificationSuite().onData(batch).addChecks(Scala.seq(new ArrayList<>(checks.values()))).run();
  }

  /**
   * The same run, also saving its metrics to the repository and checking the batch's row count
   * against the previous runs of the same suite (a warning-level Deequ anomaly check).
   */
  public VerificationResult execute(MetricsHistory history, String suiteName) {
    scala.collection.immutable.Map<String, String> tags =
        new scala.collection.immutable.Map.Map1<>("suite", suiteName);
    return new VerificationSuite().onData(batch)
        .addChecks(Scala.seq(new ArrayList<>(checks.values())))
        .useRepository(new RetainedMetricsRepository(batch.sparkSession(), history.repositoryPath(),
            RetainedMetricsRepository.RETAINED_RUNS))
        .saveOrAppendResult(new ResultKey(System.currentTimeMillis(), tags))
        .<com.amazon.deequ.analyzers.NumMatches>addAnomalyCheck(
            new RelativeRateOfChangeStrategy(Option.apply(history.maxRateDecrease()), Option.apply(history.maxRateIncrease()), 1),
            rowCount(),
            Option.apply(new AnomalyCheckConfig(CheckLevel.Warning(), ANOMALY_CHECK, tags, Scala.none(), Scala.none())))
        .run();
  }

  /** Deequ's Size analyzer; Scala's {@code Metric[Double]} needs a cast to fit Java's generics. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static com.amazon.deequ.analyzers.Analyzer<com.amazon.deequ.analyzers.NumMatches, com.amazon.deequ.metrics.Metric<Object>> rowCount() {
    return (com.amazon.deequ.analyzers.Analyzer) new Size(Scala.none());
  }

  /** The anomaly check's outcome in a result of {@link #execute(MetricsHistory, String)}. */
  public static java.util.Optional<CheckResult> anomalyResult(VerificationResult verification) {
    return scala.collection.JavaConverters.mapAsJavaMap(verification.checkResults()).entrySet().stream()
        .filter(entry -> entry.getKey().description().equals(ANOMALY_CHECK))
        .map(java.util.Map.Entry::getValue)
        .findFirst();
  }

  public CheckResult result(VerificationResult verification, int expectationIndex) {
    return verification.checkResults().apply(checks.get(expectationIndex));
  }

  /** Indexes of the row-level expectations, whose per-row outcome Deequ adds as a column. */
  public List<Integer> rowLevelIndexes() {
    return List.copyOf(rowLevel);
  }

  public List<String> descriptions() {
    return checks.values().stream().map(Check::description).toList();
  }

  /** False when the expectation is not run by Deequ (column existence, or a missing column). */
  public boolean covers(int expectationIndex) {
    return checks.containsKey(expectationIndex);
  }

  public String description(int expectationIndex) {
    return checkName(expectationIndex);
  }

  private static String checkName(int index) {
    return "e" + index;
  }

  public static List<String> referencedColumns(Expectation expectation) {
    List<String> referenced = new ArrayList<>();
    expectation.column().ifPresent(referenced::add);
    expectation.kwargs().path("column_list").forEach(column -> referenced.add(column.asText()));
    return referenced;
  }
}
