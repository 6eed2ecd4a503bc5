package dev.lakehouse.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.devtools.bench.Comparison.Goal;
import dev.lakehouse.devtools.bench.Comparison.Measure;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  @TempDir Path directory;

  @Test
  void ratiosAreMeasuredOverBaselineAndGoalsBoundThem() {
    Comparison ingest = Comparison.of("ingest", "bronze vs raw", new Measure("bronze", 120_000, "records/s"),
        new Measure("raw", 400_000, "records/s"), Goal.atLeast(0.5), Map.of());
    Comparison views = Comparison.of("views", "incremental vs full", new Measure("incremental", 1.5, "s"),
        new Measure("full", 40, "s"), Goal.atMost(0.05), Map.of());
    Comparison latency = Comparison.absolute("latency", "p95", new Measure("p95", 80, "s"), Goal.atMost(75, "s"), Map.of());

    assertThat(ingest.ratio()).isEqualTo(0.3);
    assertThat(ingest.met()).isFalse();
    assertThat(views.ratio()).isEqualTo(0.0375);
    assertThat(views.met()).isTrue();
    assertThat(latency.ratio()).isEqualTo(80);
    assertThat(latency.met()).isFalse();
  }

  @Test
  void writesJsonHtmlAndMarkdownAfterEveryComparison() throws Exception {
    Report report = new Report(directory, Map.of("cores", 2));
    report.add(Comparison.of("gold", "30 dates vs one", new Measure("30 dates", 12.5, "s"), new Measure("one date", 5, "s"),
        Goal.atMost(3), Map.of("dates_built", 30)));

    JsonNode json = new ObjectMapper().readTree(Files.readString(report.json()));
    assertThat(json.get("environment").get("cores").asInt()).isEqualTo(2);
    assertThat(json.get("all_goals_met").asBoolean()).isTrue();
    JsonNode gold = json.get("comparisons").get(0);
    assertThat(gold.get("ratio").asDouble()).isEqualTo(2.5);
    assertThat(gold.get("goal").asText()).isEqualTo("≤ 3.00×");
    assertThat(gold.get("baseline").get("value").asDouble()).isEqualTo(5);
    assertThat(gold.get("data").get("dates_built").asInt()).isEqualTo(30);
    assertThat(Files.readString(report.markdown()))
        .contains("| gold | 30 dates vs one | 30 dates 12.5 s | one date 5.00 s | 2.50× | ≤ 3.00× | yes |");
    assertThat(Files.readString(report.html())).contains("<svg").contains("goal met");

    report.add(Comparison.absolute("latency", "p95 <under> \"load\"", new Measure("p95", 90, "s"), Goal.atMost(75, "s"),
        Map.of()));
    assertThat(new ObjectMapper().readTree(Files.readString(report.json())).get("all_goals_met").asBoolean()).isFalse();
    assertThat(Files.readString(report.html())).contains("p95 &lt;under&gt; &quot;load&quot;").contains("goal NOT met");
  }

  @Test
  void numbersAndCountsAreShortButExact() {
    assertThat(Report.number(61_234.4)).isEqualTo("61,234");
    assertThat(Report.number(58.14)).isEqualTo("58.1");
    assertThat(Report.number(3.271)).isEqualTo("3.27");
    assertThat(Report.number(0.04213)).isEqualTo("0.0421");
    assertThat(Report.count(10_000_000)).isEqualTo("10M");
    assertThat(Report.count(2_500_000)).isEqualTo("2.5M");
    assertThat(Report.count(100_000_000)).isEqualTo("100M");
    assertThat(Report.count(250_000)).isEqualTo("250k");
    assertThat(Report.count(4_001)).isEqualTo("4,001");
  }

  @Test
  void aMeasureMustBeAFiniteNonNegativeNumber() {
    assertThatThrownBy(() -> new Measure("rate", Double.NaN, "records/s"))
        .hasMessage("a measure must be a finite number >= 0, cannot be: NaN (rate)");
  }
}
