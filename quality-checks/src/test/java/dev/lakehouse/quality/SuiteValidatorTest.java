package dev.lakehouse.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.testing.TestSpark;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.quality.suite.SuiteLoader;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SuiteValidatorTest {

  private static final String NOT_NULL_USER = "expect_column_values_to_not_be_null(user_id)";
  private static final String USER_LENGTH = "expect_column_value_lengths_to_be_between(user_id)";
  private static final String TYPE_IN_SET = "expect_column_values_to_be_in_set(event_type)";
  private static final String PURCHASE_AMOUNT_PRESENT = "expect_column_values_to_not_be_null(amount)";
  private static final String PURCHASE_AMOUNT_NON_NEGATIVE = "expect_column_values_to_be_between(amount)";

  /** The row rules each row of {@link #batch} breaks, by event id. */
  private static final Map<String, List<String>> BATCH_FAILURES = Map.of(
      "e1", List.of(),
      "e2", List.of(),
      "e3", List.of(NOT_NULL_USER),
      "e4", List.of(USER_LENGTH, TYPE_IN_SET),
      "e5", List.of(PURCHASE_AMOUNT_PRESENT),
      "e6", List.of(PURCHASE_AMOUNT_NON_NEGATIVE),
      "e7", List.of());

  private static SparkSession spark;
  private static Dataset<Row> batch;

  @BeforeAll
  static void batch() {
    spark = TestSpark.session(ConfigLoader.defaultsOnly().s3());
    StructType schema = new StructType()
        .add("event_id", DataTypes.StringType)
        .add("user_id", DataTypes.StringType)
        .add("event_type", DataTypes.StringType)
        .add("amount", DataTypes.DoubleType);
    List<Row> rows = List.of(
        RowFactory.create("e1", "u1", "page_view", null),
        RowFactory.create("e2", "u2", "purchase", 10.0),
        RowFactory.create("e3", null, "page_view", null),
        RowFactory.create("e4", "", "click", null),
        RowFactory.create("e5", "u5", "purchase", null),
        RowFactory.create("e6", "u6", "purchase", -1.0),
        RowFactory.create("e7", "u7", "search", -3.0));
    batch = spark.createDataFrame(rows, schema);
  }

  @Test
  void rowLevelExpectationsNameEveryRuleEachRowBreaks() {
    Validation validation = new SuiteValidator().validate(batch, suite(rowRules() + "," + tableRules(1)), "run-1");

    Map<String, List<String>> failures = new HashMap<>();
    validation.rows().collectAsList().forEach(row -> failures.put(row.getString(0), row.getList(row.fieldIndex(Validation.FAILED_EXPECTATIONS))));
    assertThat(failures).containsExactlyInAnyOrderEntriesOf(BATCH_FAILURES);
    assertThat(validation.rows().columns()).containsExactly("event_id", "user_id", "event_type", "amount", Validation.FAILED_EXPECTATIONS);
    // row-level failures quarantine rows; they do not gate the batch
    assertThat(validation.gatePassed()).isTrue();
  }

  @Test
  void annotateRowsKeepsDeequsRowChecksFromItsFirstRunAndMarksLaterBatchesWithoutASparkJob() throws Exception {
    SuiteValidator validator = new SuiteValidator();
    ExpectationSuite rows = suite(rowRules());
    assertThat(failures(validator.annotateRows(batch, rows))).containsExactlyInAnyOrderEntriesOf(BATCH_FAILURES);

    // a later batch: no purchase at all, so no row meets the amount rules' row condition
    Dataset<Row> later = spark.createDataFrame(List.of(
        RowFactory.create("e8", null, "search", -5.0),
        RowFactory.create("e9", "u9", "login", null),
        RowFactory.create("e10", "u10", "page_view", 3.0)), batch.schema());
    Dataset<Row> annotated = annotatedWithoutASparkJob(validator, later, rows);
    assertThat(failures(annotated)).containsOnly(
        Map.entry("e8", List.of(NOT_NULL_USER)),
        Map.entry("e9", List.of(TYPE_IN_SET)),
        Map.entry("e10", List.of()));
    assertThat(annotated.columns()).containsExactly("event_id", "user_id", "event_type", "amount", Validation.FAILED_EXPECTATIONS);
  }

  @Test
  void rowChecksKeptFromABatchNoRowOfWhichMeetsARowConditionMarkTheNextWithoutASparkJob() throws Exception {
    SuiteValidator validator = new SuiteValidator();
    ExpectationSuite rows = suite(rowRules());
    Dataset<Row> noPurchase = spark.createDataFrame(List.of(
        RowFactory.create("e8", "u8", "search", -5.0),
        RowFactory.create("e9", "u9", "login", null)), batch.schema());
    assertThat(failures(validator.annotateRows(noPurchase, rows))).containsOnly(
        Map.entry("e8", List.of()),
        Map.entry("e9", List.of(TYPE_IN_SET)));

    Dataset<Row> annotated = annotatedWithoutASparkJob(validator, batch, rows);
    assertThat(failures(annotated)).containsExactlyInAnyOrderEntriesOf(BATCH_FAILURES);
  }

  @Test
  void aSuiteWithAUniquenessCheckIsAnnotatedByDeequEachTime() {
    SuiteValidator validator = new SuiteValidator();
    ExpectationSuite withUniqueness = suite(rowRules() + ","
        + "{\"expectation_type\": \"expect_column_values_to_be_unique\", \"kwargs\": {\"column\": \"event_id\"}}");
    for (int run = 0; run < 2; run++) {
      Dataset<Row> annotated = validator.annotateRows(batch, withUniqueness);
      assertThat(failures(annotated)).containsEntry("e3", List.of(NOT_NULL_USER)).containsEntry("e1", List.of());
      assertThat(validator.annotatesWithoutARun(batch.schema(), withUniqueness)).isFalse();
    }
  }

  /** {@code validator.annotateRows(rows, suite)}, checking that building it started no Spark job. */
  private static Dataset<Row> annotatedWithoutASparkJob(SuiteValidator validator, Dataset<Row> rows, ExpectationSuite suite)
      throws java.util.concurrent.TimeoutException {
    String group = "annotate-" + java.util.UUID.randomUUID();
    spark.sparkContext().setJobGroup(group, "annotate rows", false);
    Dataset<Row> annotated;
    try {
      annotated = validator.annotateRows(rows, suite);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
    spark.sparkContext().listenerBus().waitUntilEmpty();
    assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup(group)).isEmpty();
    return annotated;
  }

  private static Map<String, List<String>> failures(Dataset<Row> annotated) {
    Map<String, List<String>> failures = new HashMap<>();
    annotated.collectAsList().forEach(row -> failures.put(row.getString(0), row.getList(row.fieldIndex(Validation.FAILED_EXPECTATIONS))));
    return failures;
  }

  @Test
  void reportHasGreatExpectationsValidationResultShape() {
    Validation validation = new SuiteValidator().validate(batch, suite(rowRules() + "," + tableRules(1)), "run-7");
    JsonNode report = validation.result();

    assertThat(report.get("success").asBoolean()).isFalse();
    JsonNode statistics = report.get("statistics");
    assertThat(statistics.get("evaluated_expectations").asInt()).isEqualTo(10);
    // failing: the five row rules and the warning on max(amount)
    assertThat(statistics.get("unsuccessful_expectations").asInt()).isEqualTo(6);
    assertThat(statistics.get("successful_expectations").asInt()).isEqualTo(4);
    assertThat(statistics.get("success_percent").asDouble()).isEqualTo(40.0);
    assertThat(report.at("/meta/expectation_suite_name").asText()).isEqualTo("test_suite");
    assertThat(report.at("/meta/run_id/run_name").asText()).isEqualTo("run-7");

    JsonNode notNull = report.get("results").get(0);
    assertThat(notNull.at("/expectation_config/expectation_type").asText()).isEqualTo("expect_column_values_to_not_be_null");
    assertThat(notNull.at("/expectation_config/kwargs/column").asText()).isEqualTo("user_id");
    assertThat(notNull.get("success").asBoolean()).isFalse();
    assertThat(notNull.at("/result/element_count").asLong()).isEqualTo(7);
    assertThat(notNull.at("/result/unexpected_count").asLong()).isEqualTo(1);
    assertThat(notNull.at("/result/unexpected_percent").asDouble()).isEqualTo(100.0 / 7);
    assertThat(notNull.at("/result/partial_unexpected_list").get(0).isNull()).isTrue();
    JsonNode inSet = report.get("results").get(2);
    assertThat(inSet.at("/result/partial_unexpected_list").toString()).isEqualTo("[\"click\"]");

    JsonNode maxAmount = report.get("results").get(8);
    assertThat(maxAmount.at("/expectation_config/expectation_type").asText()).isEqualTo("expect_column_max_to_be_between");
    assertThat(maxAmount.get("success").asBoolean()).isFalse();
    assertThat(maxAmount.at("/result/observed_value").asDouble()).isEqualTo(10.0);
    JsonNode unique = report.get("results").get(7);
    assertThat(unique.get("success").asBoolean()).isTrue();
  }

  @Test
  void samplesEveryFailingExpectationEvenWhenAnotherFailsFarMoreOften() {
    StructType schema = new StructType().add("event_id", DataTypes.StringType).add("user_id", DataTypes.StringType)
        .add("event_type", DataTypes.StringType).add("amount", DataTypes.DoubleType);
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < 200; i++) { // 150 rows without a user first, one bad type last
      rows.add(RowFactory.create("e" + i, i < 150 ? null : "u" + i, i == 199 ? "click" : "search", null));
    }
    Dataset<Row> skewed = spark.createDataFrame(rows, schema);
    JsonNode report = new SuiteValidator().validate(skewed, suite(rowRules()), "run-skewed").result();

    JsonNode notNull = report.get("results").get(0);
    assertThat(notNull.at("/result/unexpected_count").asLong()).isEqualTo(150);
    assertThat(notNull.at("/result/partial_unexpected_list")).hasSize(20).allMatch(JsonNode::isNull);
    JsonNode inSet = report.get("results").get(2);
    assertThat(inSet.at("/result/unexpected_count").asLong()).isEqualTo(1);
    assertThat(inSet.at("/result/partial_unexpected_list").toString()).isEqualTo("[\"click\"]");
    assertThat(report.get("results").get(1).at("/result/partial_unexpected_list")).as("no failures, no samples").isEmpty();
  }

  @Test
  void resultsAreKeptAsGeJsonAndAsOneDeltaRowPerRun(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root) throws Exception {
    dev.lakehouse.quality.store.QualityResultsStore store = new dev.lakehouse.quality.store.QualityResultsStore(
        spark, new dev.lakehouse.core.storage.TableLocations(new dev.lakehouse.core.config.StorageConfig(root.toString())));
    Validation validation = new SuiteValidator().validate(batch, suite(tableRules(100)), "run 9");

    store.save(validation, true);
    store.save(validation, true);

    java.nio.file.Path json = java.nio.file.Path.of(java.net.URI.create(store.jsonPath("test_suite", "run 9").replace("file:", "file://")));
    assertThat(json.getFileName().toString()).isEqualTo("run_9.json");
    JsonNode saved = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
    assertThat(saved.toString()).isEqualTo(validation.result().toString());
    List<Map<String, Object>> rows = dev.lakehouse.core.testing.KernelTableReader.local().readAll(store.table());
    assertThat(rows).singleElement().satisfies(row -> {
      assertThat(row).containsEntry("run_id", "run 9").containsEntry("suite", "test_suite")
          .containsEntry("gate_passed", false).containsEntry("success", false);
      assertThat(row.get("result_json")).isEqualTo(validation.result().toString());
    });
  }

  @Test
  void rowCountIsCheckedAgainstEarlierRunsInTheMetricsRepository(@org.junit.jupiter.api.io.TempDir java.nio.file.Path folder) {
    MetricsHistory history = new MetricsHistory(folder.resolve("metrics.json").toString(), 0.5, 2.0);
    SuiteValidator validator = new SuiteValidator();
    ExpectationSuite suite = suite(tableRules(1));

    JsonNode first = validator.validate(batch, suite, "h-1", java.util.Optional.of(history)).result();
    JsonNode same = validator.validate(batch, suite, "h-2", java.util.Optional.of(history)).result();
    Validation shrunk = validator.validate(batch.limit(2), suite, "h-3", java.util.Optional.of(history));

    assertThat(first.at("/meta/anomaly_checks/0/success").asBoolean()).as(first.get("meta").toString()).isTrue();
    assertThat(same.at("/meta/anomaly_checks/0/success").asBoolean()).isTrue();
    assertThat(shrunk.result().at("/meta/anomaly_checks/0/success").asBoolean()).isFalse();
    assertThat(shrunk.result().at("/meta/anomaly_checks/0/strategy").asText())
        .isEqualTo("RelativeRateOfChange(maxRateDecrease=0.5, maxRateIncrease=2.0)");
    // an anomaly warns; it does not stop the batch
    assertThat(shrunk.gatePassed()).isTrue();
    assertThat(folder.resolve("metrics.json")).exists();
  }

  /**
   * Each remaining translation on the same 7 rows, with outcomes worked out by hand: amounts are
   * 10, -1, -3 (others null), so min -3, mean 2; event_id is unique; user_id has 6 distinct
   * non-null values of 6; event_type has 4 distinct values in 7 rows.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0} -> {1}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "expect_column_values_to_match_regex|{\"column\": \"event_id\", \"regex\": \"^e[0-9]$\"}|true",
      "expect_column_values_to_match_regex|{\"column\": \"user_id\", \"regex\": \"^u[0-9]$\"}|false",
      "expect_column_values_to_match_regex|{\"column\": \"user_id\", \"regex\": \"^u[0-9]$\", \"mostly\": 0.8}|true",
      "expect_compound_columns_to_be_unique|{\"column_list\": [\"event_id\", \"user_id\"]}|true",
      "expect_compound_columns_to_be_unique|{\"column_list\": [\"event_type\", \"user_id\"]}|true",
      "expect_column_values_to_be_unique|{\"column\": \"event_type\"}|false",
      "expect_column_min_to_be_between|{\"column\": \"amount\", \"min_value\": -3, \"max_value\": 0}|true",
      "expect_column_min_to_be_between|{\"column\": \"amount\", \"min_value\": -3, \"strict_min\": true}|false",
      "expect_column_mean_to_be_between|{\"column\": \"amount\", \"min_value\": 1.9, \"max_value\": 2.1}|true",
      "expect_column_mean_to_be_between|{\"column\": \"amount\", \"min_value\": 3}|false",
      "expect_column_proportion_of_unique_values_to_be_between|{\"column\": \"event_id\", \"min_value\": 1.0}|true",
      "expect_column_proportion_of_unique_values_to_be_between|{\"column\": \"event_type\", \"max_value\": 0.6}|true",
      "expect_column_proportion_of_unique_values_to_be_between|{\"column\": \"event_type\", \"min_value\": 0.9}|false",
      "expect_column_values_to_be_between|{\"column\": \"amount\", \"min_value\": -3, \"max_value\": 10}|true",
      "expect_column_values_to_be_between|{\"column\": \"amount\", \"min_value\": -3, \"max_value\": 10, \"strict_max\": true}|false",
      "expect_column_value_lengths_to_be_between|{\"column\": \"event_type\", \"max_value\": 9}|true",
      "expect_column_value_lengths_to_be_between|{\"column\": \"event_type\", \"max_value\": 8}|false"})
  void eachExpectationTranslatesToTheRightDeequCheck(String type, String kwargs, boolean expected) {
    Validation validation = new SuiteValidator().validate(batch, suite(
        "{\"expectation_type\": \"" + type + "\", \"kwargs\": " + kwargs + "}"), "t");

    assertThat(validation.result().at("/results/0/success").asBoolean())
        .as(validation.result().at("/results/0").toString())
        .isEqualTo(expected);
  }

  @Test
  void failedTableExpectationAtSeverityErrorGatesTheBatch() {
    Validation tooFewRows = new SuiteValidator().validate(batch, suite(tableRules(100)), "run-2");

    assertThat(tooFewRows.gatePassed()).isFalse();
    assertThat(tooFewRows.gateFailures()).containsExactly("expect_table_row_count_to_be_between()");
    assertThat(tooFewRows.result().at("/results/0/result/observed_value").asDouble()).isEqualTo(7.0);
  }

  @Test
  void uniquenessOfTheKeyABatchIsBuiltUniqueOnIsReportedAsSuchAndOtherColumnsAreStillChecked() {
    Dataset<Row> twiceE1 = batch.union(batch.where("event_id = 'e1'"));
    String rules = "{\"expectation_type\": \"expect_column_values_to_be_unique\", \"kwargs\": {\"column\": \"event_id\"}},"
        + "{\"expectation_type\": \"expect_column_values_to_be_unique\", \"kwargs\": {\"column\": \"user_id\"}}";

    Validation computed = new SuiteValidator().validate(twiceE1, suite(rules), "run-8");
    assertThat(computed.gateFailures()).containsExactly("expect_column_values_to_be_unique(event_id)",
        "expect_column_values_to_be_unique(user_id)");

    // the caller vouches that the batch holds one row per event_id (as silver's first arrivals do)
    Validation known = new SuiteValidator().validate(batch.union(batch.where("event_id = 'e1'").withColumn("event_id",
        org.apache.spark.sql.functions.lit("e8"))), suite(rules), "run-9", java.util.Optional.empty(), List.of("event_id"));
    assertThat(known.result().at("/results/0/success").asBoolean()).isTrue();
    assertThat(known.result().at("/results/0/result/observed_value").asDouble()).isEqualTo(1.0);
    assertThat(known.result().at("/results/0/result/element_count").asLong()).isEqualTo(8);
    assertThat(known.result().at("/results/0/result/details").asText()).startsWith("unique by construction");
    // user_id repeats (u1 twice): still computed, still failing
    assertThat(known.gateFailures()).containsExactly("expect_column_values_to_be_unique(user_id)");
  }

  @Test
  void anEmptyBatchBreaksNoColumnExpectationOnlyARowCountOne() {
    Dataset<Row> empty = batch.limit(0);

    Validation nothingRequired = new SuiteValidator().validate(empty, suite(tableRules(0)), "run-4");
    assertThat(nothingRequired.gatePassed()).as(nothingRequired.result().toString()).isTrue();
    assertThat(nothingRequired.result().at("/results/2/result/details").asText()).isEqualTo("no rows to check");

    Validation rowsRequired = new SuiteValidator().validate(empty, suite(tableRules(1)), "run-5");
    assertThat(rowsRequired.gateFailures()).containsExactly("expect_table_row_count_to_be_between()");
  }

  @Test
  void missingColumnFailsItsExpectationsInsteadOfCrashing() {
    Validation validation = new SuiteValidator().validate(batch.drop("amount"), suite(
        "{\"expectation_type\": \"expect_column_to_exist\", \"kwargs\": {\"column\": \"amount\"}},"
            + "{\"expectation_type\": \"expect_column_sum_to_be_between\", \"kwargs\": {\"column\": \"amount\", \"min_value\": 0}}"), "run-3");

    assertThat(validation.gateFailures()).containsExactly(
        "expect_column_to_exist(amount)", "expect_column_sum_to_be_between(amount)");
    assertThat(validation.result().at("/results/1/result/details").asText()).isEqualTo("the batch has no column amount");
  }

  private static String rowRules() {
    return String.join(",", Arrays.asList(
        "{\"expectation_type\": \"expect_column_values_to_not_be_null\", \"kwargs\": {\"column\": \"user_id\"}}",
        "{\"expectation_type\": \"expect_column_value_lengths_to_be_between\", \"kwargs\": {\"column\": \"user_id\", \"min_value\": 1}}",
        "{\"expectation_type\": \"expect_column_values_to_be_in_set\", \"kwargs\": {\"column\": \"event_type\", \"value_set\": [\"page_view\", \"purchase\", \"search\"]}}",
        "{\"expectation_type\": \"expect_column_values_to_not_be_null\", \"kwargs\": {\"column\": \"amount\", \"row_condition\": \"event_type = 'purchase'\"}}",
        "{\"expectation_type\": \"expect_column_values_to_be_between\", \"kwargs\": {\"column\": \"amount\", \"min_value\": 0, \"row_condition\": \"event_type = 'purchase'\"}}"));
  }

  private static String tableRules(int minRows) {
    return String.join(",", Arrays.asList(
        "{\"expectation_type\": \"expect_table_row_count_to_be_between\", \"kwargs\": {\"min_value\": " + minRows + ", \"max_value\": 1000}}",
        "{\"expectation_type\": \"expect_column_to_exist\", \"kwargs\": {\"column\": \"event_id\"}}",
        "{\"expectation_type\": \"expect_column_values_to_be_unique\", \"kwargs\": {\"column\": \"event_id\"}}",
        "{\"expectation_type\": \"expect_column_max_to_be_between\", \"kwargs\": {\"column\": \"amount\", \"max_value\": 5}, \"meta\": {\"severity\": \"warning\"}}",
        "{\"expectation_type\": \"expect_column_sum_to_be_between\", \"kwargs\": {\"column\": \"amount\", \"min_value\": 0, \"max_value\": 1000}}"));
  }

  private static ExpectationSuite suite(String expectations) {
    return SuiteLoader.parse("{\"expectation_suite_name\": \"test_suite\", \"expectations\": [" + expectations + "]}", "test");
  }
}
