package dev.lakehouse.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.core.LakehouseException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViewDefinitionsTest {

  @TempDir Path folder;

  private static final String VALID = """
      name: my_view
      schedule: 30s
      source: silver.events
      bucket: {column: hour, expression: "date_trunc('HOUR', event_time)", unit: hour}
      window: 6h
      sql: SELECT date_trunc('HOUR', event_time) AS hour, COUNT(*) AS events FROM source GROUP BY 1
      """;

  @Test
  void builtInsAreTheThreeViewsOfTheDesignWithTheirSchedules() {
    var views = ViewDefinitions.load(Optional.empty());

    assertThat(views).extracting(ViewDefinition::name).containsExactly("daily_summary", "hourly_trends", "live_kpis");
    assertThat(views).extracting(view -> view.schedule().every().orElseThrow())
        .containsExactly(Duration.ofMinutes(15), Duration.ofMinutes(5), Duration.ofMinutes(1));
    assertThat(views).extracting(ViewDefinition::windowBuckets).containsExactly(30L, 24L, 60L);
    assertThat(views).allSatisfy(view -> assertThat(view.refresh()).isEqualTo(RefreshPolicy.AUTO));
  }

  @Test
  void aUserFileDefinesAViewWithACronScheduleAndDefaults() throws Exception {
    Files.writeString(folder.resolve("my_view.yaml"), VALID.replace("schedule: 30s", "schedule: \"0 0/10 * * * ?\""));

    ViewDefinition view = ViewDefinitions.load(Optional.of(folder)).stream()
        .filter(definition -> definition.name().equals("my_view")).findFirst().orElseThrow();

    assertThat(view.schedule().cron()).contains("0 0/10 * * * ?");
    assertThat(view.refresh()).isEqualTo(RefreshPolicy.AUTO);
    assertThat(view.bucket().unit()).isEqualTo(ChronoUnit.HOURS);
    assertThat(view.windowBuckets()).isEqualTo(6);
  }

  @Test
  void theWindowStartsAFullWindowOfBucketsBeforeTheCurrentOne() {
    ViewDefinition view = ViewDefinitions.parse(VALID.getBytes(StandardCharsets.UTF_8), "test");

    assertThat(ViewRefresher.windowStart(view, Instant.parse("2026-11-23T14:37:12Z"))).isEqualTo(Instant.parse("2026-11-23T09:00:00Z"));
  }

  @Test
  void badFilesFailWithTheFileAndTheProblem() {
    assertThatThrownBy(() -> parse(VALID.replace("source: silver.events", "source: gold.users")))
        .isInstanceOf(LakehouseException.class)
        .hasMessageStartingWith("view definition bad.yaml: source must be silver.<table> or live.<table>")
        .hasMessageEndingWith("cannot be: gold.users");
    assertThatThrownBy(() -> parse(VALID.replace("schedule: 30s", "schedule: \"every five minutes\"")))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("view definition bad.yaml: schedule 'every five minutes' is not a Quartz cron expression");
    assertThatThrownBy(() -> parse(VALID.replace("unit: hour", "unit: week")))
        .isInstanceOf(LakehouseException.class)
        .hasMessage("view definition bad.yaml: bucket.unit must be minute, hour or day, cannot be: week");
    // that the bucket truncates the source table's event time is checked against the table (PipelineValidatorTest)
    assertThatThrownBy(() -> parse(VALID.replace("window: 6h", "window: 10m")))
        .isInstanceOf(LakehouseException.class)
        .hasMessage("view definition bad.yaml: window 10m is shorter than one bucket");
    assertThatThrownBy(() -> parse(VALID.replace("name: my_view\n", "")))
        .isInstanceOf(LakehouseException.class)
        .hasMessage("view definition bad.yaml needs name");
    assertThatThrownBy(() -> parse(VALID + "refresh: sometimes\n"))
        .isInstanceOf(LakehouseException.class)
        .hasMessage("view definition bad.yaml: refresh must be auto, incremental or full, cannot be: sometimes");
    assertThatThrownBy(() -> parse(VALID + "colour: blue\n"))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("view definition bad.yaml is not valid: Unrecognized field \"colour\"");
  }

  private static ViewDefinition parse(String yaml) {
    return ViewDefinitions.parse(yaml.getBytes(StandardCharsets.UTF_8), "bad.yaml");
  }
}
