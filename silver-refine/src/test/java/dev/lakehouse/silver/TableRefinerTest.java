package dev.lakehouse.silver;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.core.definitions.BuiltInPipeline;
import dev.lakehouse.core.definitions.SilverTableDefinition;
import dev.lakehouse.core.definitions.SilverTableLoader;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.quality.suite.SuiteLoader;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When silver may take a batch's first arrivals as unique on the key (no valid row without one). */
class TableRefinerTest {

  private static SilverTableDefinition readings(boolean keyRequired) {
    return SilverTableLoader.parse("readings", """
        mode: append
        key: [reading_id]
        event_time: measured_at
        columns:
          reading_id:  {type: string, required: %s}
          measured_at: {type: timestamp, required: true}
        """.formatted(keyRequired), "readings.yaml").table().orElseThrow();
  }

  private static ExpectationSuite suite(String expectations) {
    return SuiteLoader.parse("{\"expectation_suite_name\": \"silver_readings\", \"expectations\": [" + expectations + "]}", "test");
  }

  @Test
  void aRequiredKeyColumnOrAnUnconditionalNotNullExpectationKeepsNullKeysOutOfValidRows() {
    assertThat(new TableRefiner(readings(true), suite("")).validRowsHaveKeys()).isTrue();
    assertThat(new TableRefiner(readings(false), suite(
        "{\"expectation_type\": \"expect_column_values_to_not_be_null\", \"kwargs\": {\"column\": \"reading_id\"}}"))
        .validRowsHaveKeys()).isTrue();
    // the built-in events table: event_id is not `required`, its suite quarantines a null one
    assertThat(new TableRefiner(BuiltInPipeline.events(), SuiteLoader.load("silver_events", Optional.empty()))
        .validRowsHaveKeys()).isTrue();
  }

  @Test
  void aKeyThatMayBeNullOrIsCheckedOnlyUnderAConditionIsNotVouchedFor() {
    assertThat(new TableRefiner(readings(false), suite("")).validRowsHaveKeys()).isFalse();
    assertThat(new TableRefiner(readings(false), suite(
        "{\"expectation_type\": \"expect_column_values_to_not_be_null\", \"kwargs\": {\"column\": \"reading_id\","
            + " \"row_condition\": \"measured_at IS NOT NULL\", \"condition_parser\": \"spark\"}}"))
        .validRowsHaveKeys()).isFalse();
  }
}
