package dev.lakehouse.scheduler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.core.process.Ports;
import dev.lakehouse.testing.HeadlessBrowser;
import dev.lakehouse.testing.generator.GroundTruth;
import dev.lakehouse.testing.generator.MessageKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web console checked against the generator's truth: its JSON API over HTTP, and its pages
 * as a real browser (headless Chromium) draws them.
 */
final class ConsoleChecks {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private static final Duration SETTLE = Duration.ofSeconds(30);

  private ConsoleChecks() {}

  /** While {@code run --ui} runs: every number the console shows for silver equals the truth once silver caught up. */
  static void assertConsoleShowsTheTruth(String base, String topic, GroundTruth truth, Process run, Path log) {
    long unique = truth.validUniqueEvents();
    long malformed = truth.count(MessageKind.MALFORMED);
    long duplicates = truth.count(MessageKind.DUPLICATE);
    assertThat(malformed).as("the quarantine page shows 50 records a page; the test keeps them on one").isBetween(1L, 50L);
    // silver runs every 20 s: wait until it has taken in every message, then read each number once more
    boolean caughtUp = Ports.await(() -> {
      JsonNode silver = node(get(base + "/api/overview"), "silver:events");
      return silver.path("rows").asLong(-1) == unique && silver.path("quarantined").asLong(-1) == malformed
          && sum(succeededRuns(base), "rowsIn") == truth.messages();
    }, Duration.ofMinutes(3), () -> !run.isAlive());
    assertThat(caughtUp).as("the console's silver node reaches the truth (%,d rows, %,d quarantined); last overview %s; log:%n%s",
        unique, malformed, get(base + "/api/overview"), read(log)).isTrue();

    JsonNode overview = get(base + "/api/overview");
    assertThat(node(overview, "silver:events").path("state").asText()).isEqualTo("ok");
    assertThat(node(overview, "bronze:clickstream").path("rows").asLong()).isEqualTo(truth.messages());
    assertThat(node(overview, "kafka:" + topic).path("layer").asText()).isEqualTo("kafka");
    assertThat(overview.toString()).doesNotContainIgnoringCase("secret").doesNotContainIgnoringCase("password");

    List<JsonNode> runs = succeededRuns(base);
    assertThat(sum(runs, "rowsOut")).as("rows out of silver's runs").isEqualTo(unique);
    assertThat(sum(runs, "quarantined")).as("rows quarantined by silver's runs").isEqualTo(malformed);
    assertThat(sum(runs, "dropped")).as("duplicates dropped by silver's runs").isEqualTo(duplicates);

    JsonNode records = get(base + "/api/quarantine/records?table=events&size=500").get("records");
    assertThat(records).hasSize((int) malformed);
    assertThat(records).allSatisfy(record -> {
      assertThat(record.path("topic").asText()).isEqualTo(topic);
      assertThat(record.path("failedExpectations")).isNotEmpty();
    });
    JsonNode reasons = get(base + "/api/quarantine?table=events").get("reasons");
    long reasonRows = 0;
    for (JsonNode reason : reasons) {
      reasonRows += reason.path("rows").asLong();
      String name = reason.path("reason").asText();
      long failing = 0;
      for (JsonNode record : records) {
        failing += contains(record.path("failedExpectations"), name) ? 1 : 0;
      }
      assertThat(reason.path("rows").asLong()).as("records failing %s", name).isEqualTo(failing);
    }
    assertThat(reasonRows).as("every quarantined record has at least one reason").isGreaterThanOrEqualTo(malformed);

    JsonNode validations = get(base + "/api/quality?suite=silver_events").get("validations");
    assertThat(validations).isNotEmpty();
    JsonNode report = get(base + "/api/quality/report?suite=silver_events&run=" + validations.get(0).path("runId").asText());
    assertThat(report.path("results")).isNotEmpty().allSatisfy(result -> assertThat(result.has("expectation_config")).isTrue());

    JsonNode refreshes = get(base + "/api/views?view=live_kpis").get("refreshes");
    assertThat(refreshes).isNotEmpty().allSatisfy(refresh -> assertThat(refresh.path("view").asText()).isEqualTo("live_kpis"));

    assertThat(status("POST", base + "/api/overview")).as("the console is read-only").isEqualTo(405);
    assertThat(status("GET", base + "/api/quarantine?table=no_such_table")).isEqualTo(404);
    assertThat(status("GET", base + "/api/quarantine/records?table=events&size=100000")).isEqualTo(400);

    String page = HeadlessBrowser.render(base + "/", SETTLE);
    assertThat(page).contains("data-ready=\"overview\"", "data-id=\"silver:events\" data-state=\"ok\" data-rows=\"" + unique + "\"",
        "data-id=\"view:live_kpis\"");
    String quarantine = HeadlessBrowser.render(base + "/#/quarantine/events", SETTLE);
    assertThat(quarantine).contains("data-ready=\"quarantine\"");
    assertThat(count(quarantine, "<tr class=\"record\">")).as("quarantined records on the page").isEqualTo(malformed);
    String table = HeadlessBrowser.render(base + "/#/table/silver/events", SETTLE);
    assertThat(table).contains("data-ready=\"table\"", "<svg class=\"plot\"");
    assertThat(count(table, "<tr class=\"run\" data-status=\"succeeded\">")).isGreaterThanOrEqualTo(runs.size());
    String quality = HeadlessBrowser.render(base + "/#/quality/silver_events", SETTLE);
    assertThat(quality).contains("data-ready=\"quality\"", "<tr class=\"validation\">");
  }

  /** {@code status --html}: one page that draws the overview with no server behind it. */
  static void assertStaticOverview(Path page) {
    assertThat(page).exists();
    String drawn = HeadlessBrowser.render(page.toUri().toString(), SETTLE);
    assertThat(drawn).contains("data-ready=\"overview\"", "data-id=\"silver:events\" data-state=\"ok\"",
        "data-id=\"view:live_kpis\" data-state=\"ok\"", "data-id=\"gold:daily_event_metrics\" data-state=\"stale\"");
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode element : array) {
      if (element.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static List<JsonNode> succeededRuns(String base) {
    List<JsonNode> runs = new ArrayList<>();
    get(base + "/api/runs?layer=silver&name=events").get("runs").forEach(run -> {
      if (run.path("status").asText().equals("succeeded")) {
        runs.add(run);
      }
    });
    return runs;
  }

  private static long sum(List<JsonNode> runs, String field) {
    return runs.stream().mapToLong(run -> run.path(field).asLong()).sum();
  }

  private static JsonNode node(JsonNode overview, String id) {
    for (JsonNode node : overview.get("nodes")) {
      if (node.path("id").asText().equals(id)) {
        return node;
      }
    }
    throw new AssertionError("no node " + id + " in " + overview);
  }

  private static long count(String text, String what) {
    Matcher matcher = Pattern.compile(Pattern.quote(what)).matcher(text);
    long found = 0;
    while (matcher.find()) {
      found++;
    }
    return found;
  }

  private static JsonNode get(String url) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
      return JSON.readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static int status(String method, String url) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log) : "(no log)";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
