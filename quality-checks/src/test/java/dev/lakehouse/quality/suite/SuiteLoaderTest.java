package dev.lakehouse.quality.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteLoaderTest {

  @TempDir Path folder;

  @Test
  void readsTheZeroXShape() {
    ExpectationSuite suite =
        SuiteLoader.parse(
            """
            {"expectation_suite_name": "orders",
             "expectations": [
               {"expectation_type": "expect_column_values_to_not_be_null",
                "kwargs": {"column": "id", "mostly": 0.95}, "meta": {"severity": "warning"}},
               {"expectation_type": "expect_table_row_count_to_be_between",
                "kwargs": {"min_value": 1, "max_value": null}}
             ]}
            """,
            "orders.json");

    assertThat(suite.name()).isEqualTo("orders");
    assertThat(suite.expectations()).hasSize(2);
    Expectation notNull = suite.expectations().get(0);
    assertThat(notNull.type()).isEqualTo(ExpectationType.EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL);
    assertThat(notNull.column()).contains("id");
    assertThat(notNull.mostly()).isEqualTo(0.95);
    assertThat(notNull.severity()).isEqualTo(Severity.WARNING);
    assertThat(notNull.displayName()).isEqualTo("expect_column_values_to_not_be_null(id)");
    Expectation rowCount = suite.expectations().get(1);
    assertThat(rowCount.severity()).isEqualTo(Severity.ERROR);
    assertThat(rowCount.mostly()).isEqualTo(1.0);
    assertThat(suite.of(ExpectationType.Scope.ROW)).containsExactly(notNull);
    assertThat(suite.of(ExpectationType.Scope.TABLE)).containsExactly(rowCount);
  }

  @Test
  void readsTheOneXShape() {
    ExpectationSuite suite =
        SuiteLoader.parse(
            """
            {"name": "orders", "id": "5b9…", "meta": {"great_expectations_version": "1.3.0"},
             "expectations": [
               {"type": "expect_column_values_to_be_in_set", "id": "a1",
                "kwargs": {"column": "status", "value_set": ["new", "paid"]}, "meta": {}},
               {"type": "expect_compound_columns_to_be_unique",
                "kwargs": {"column_list": ["order_id", "line"]}}
             ]}
            """,
            "orders.json");

    assertThat(suite.name()).isEqualTo("orders");
    assertThat(suite.expectations()).extracting(Expectation::type)
        .containsExactly(ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET, ExpectationType.EXPECT_COMPOUND_COLUMNS_TO_BE_UNIQUE);
    assertThat(suite.expectations().get(1).displayName())
        .isEqualTo("expect_compound_columns_to_be_unique([\"order_id\",\"line\"])");
  }

  @Test
  void theShippedSilverSuiteLoadsFromTheClasspath() {
    ExpectationSuite suite = SuiteLoader.load("silver_events", Optional.empty());

    assertThat(suite.name()).isEqualTo("silver_events");
    assertThat(suite.of(ExpectationType.Scope.ROW)).isNotEmpty();
    assertThat(suite.of(ExpectationType.Scope.TABLE)).isNotEmpty();
  }

  @Test
  void aUserFolderSuiteWinsOverTheClasspath() throws IOException {
    Files.writeString(folder.resolve("silver_events.json"),
        "{\"name\": \"mine\", \"expectations\": []}");

    assertThat(SuiteLoader.load("silver_events", Optional.of(folder)).name()).isEqualTo("mine");
    assertThatThrownBy(() -> SuiteLoader.load("nope", Optional.of(folder)))
        .isInstanceOf(InvalidSuiteException.class)
        .hasMessage("no expectation suite 'nope': neither " + folder.resolve("nope.json")
            + " nor classpath:expectations/nope.json exists");
  }

  @Test
  void badSuitesNameTheFileAndTheExpectation() {
    assertRejected("{\"name\": \"s\", \"expectations\": [{\"type\": \"expect_the_moon\", \"kwargs\": {}}]}",
        "s.json expectation #1 (expect_the_moon): unknown expectation type; supported: [expect_column_to_exist");
    assertRejected("{\"name\": \"s\", \"expectations\": [{\"type\": \"expect_column_values_to_not_be_null\", \"kwargs\": {}}]}",
        "s.json expectation #1 (expect_column_values_to_not_be_null): kwargs.column is required");
    assertRejected("{\"name\": \"s\", \"expectations\": [{\"type\": \"expect_column_to_exist\", \"kwargs\": {\"column\": \"a\", \"mostly\": 0.5}}]}",
        "s.json expectation #1 (expect_column_to_exist): kwargs.mostly is not supported for this expectation");
    assertRejected("{\"name\": \"s\", \"expectations\": [{\"type\": \"expect_column_values_to_not_be_null\", \"kwargs\": {\"column\": \"a\", \"mostly\": 2}}]}",
        "kwargs.mostly must be a number in [0, 1], cannot be: 2");
    assertRejected("{\"name\": \"s\", \"expectations\": [{\"type\": \"expect_column_mean_to_be_between\", \"kwargs\": {\"column\": \"a\", \"min_value\": 5, \"max_value\": 1}}]}",
        "kwargs.min_value 5 is greater than max_value 1");
    assertRejected("{\"name\": \"s\", \"expectations\": [{\"type\": \"expect_column_values_to_match_regex\", \"kwargs\": {\"column\": \"a\", \"regex\": \"([\"}}]}",
        "kwargs.regex is not a valid regular expression");
    assertRejected("{\"name\": \"s\", \"expectations\": [{\"type\": \"expect_column_to_exist\", \"kwargs\": {\"column\": \"a\"}, \"meta\": {\"severity\": \"fatal\"}}]}",
        "meta.severity must be \"error\" or \"warning\", cannot be: fatal");
    assertRejected("{\"name\": \"s\", \"expectations\": [{\"type\": \"expect_table_row_count_to_be_between\", \"kwargs\": {\"row_condition\": \"x > 1\"}}]}",
        "kwargs.row_condition is not supported for this expectation");
    assertRejected("{\"expectations\": []}", "suite s.json has no name");
    assertRejected("{\"name\": \"s\"}", "suite s.json has no \"expectations\" list");
    assertRejected("{\"name\": ", "suite s.json is not valid JSON");
  }

  private static void assertRejected(String json, String message) {
    assertThatThrownBy(() -> SuiteLoader.parse(json, "s.json"))
        .isInstanceOf(InvalidSuiteException.class)
        .hasMessageContaining(message);
  }
}
