package dev.lakehouse.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.config.IngestConfig;
import dev.lakehouse.core.config.KafkaConfig;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.SchedulesConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.config.StorageConfig;
import dev.lakehouse.core.process.Ports;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.core.testing.KernelTableReader;
import dev.lakehouse.core.testing.TestSpark;
import dev.lakehouse.testing.TestKafka;
import dev.lakehouse.testing.generator.ClickstreamGenerator;
import dev.lakehouse.testing.generator.EventProducer;
import dev.lakehouse.testing.generator.ExpectedViews;
import dev.lakehouse.testing.generator.GeneratorSpec;
import dev.lakehouse.testing.generator.GroundTruth;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.views.ViewDefinition;
import dev.lakehouse.views.ViewDefinitions;
import dev.lakehouse.views.ViewSchedule;
import dev.lakehouse.views.ViewStatusLog;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The service with real Quartz, a real broker and short schedules (seconds). */
class LakehouseServiceIT {

  @TempDir Path root;

  @Test
  void viewsRefreshOnTheirOwnSchedulesWithoutOverlapAndCatchUpWithNewEvents() {
    SparkSession spark = TestSpark.session(ConfigLoader.defaultsOnly().s3());
    String topic = "service-" + UUID.randomUUID().toString().substring(0, 8);
    LakehouseConfig defaults = ConfigLoader.defaultsOnly();
    LakehouseConfig config = defaults
        .withStorage(new StorageConfig(root.resolve("lake").toString()))
        .withKafka(new KafkaConfig(TestKafka.bootstrapServers(), List.of(new SourceConfig("clickstream", topic))))
        .withIngest(new IngestConfig(Duration.ofSeconds(1), 0, true, Duration.ofSeconds(15)))
        .withSchedules(new SchedulesConfig("20s", "0 0 4 * * ?", "0 0 5 * * ?", Duration.ofDays(7)));
    Map<String, Duration> every = Map.of("live_kpis", Duration.ofSeconds(2), "hourly_trends", Duration.ofSeconds(20),
        "daily_summary", Duration.ofSeconds(45));
    List<ViewDefinition> views = ViewDefinitions.load(Optional.empty()).stream()
        .map(view -> new ViewDefinition(view.name(), view.description(), ViewSchedule.every(every.get(view.name())), view.refresh(),
            view.source(), view.bucket(), view.window(), view.sql(), view.origin()))
        .toList();
    GroundTruth truth = new GroundTruth(true);
    produce(topic, 600, 61, Instant.now().minus(Duration.ofMinutes(30)), truth);

    LakehouseService service = new LakehouseService(spark, config, SuiteLoader.load("silver_events", Optional.empty()), views);
    Instant started = Instant.now();
    service.start();
    Instant stopped;
    try {
      ViewStatusLog status = new ViewStatusLog(spark, new TableLocations(config.storage()));
      String kpis = new TableLocations(config.storage()).view("live_kpis");
      assertThat(Ports.await(() -> viewMatches(status, kpis, truth), Duration.ofMinutes(3), () -> false))
          .as("live_kpis caught up with the first events").isTrue();

      // more events while the service runs: the 1-minute view catches up without a manual step
      produce(topic, 300, 62, Instant.now().minus(Duration.ofMinutes(10)), truth);
      assertThat(Ports.await(() -> viewMatches(status, kpis, truth), Duration.ofMinutes(3), () -> false))
          .as("live_kpis caught up with the events produced while running").isTrue();

      // the first slots may find no bronze table yet (skipped); each view refreshes on a later slot
      assertThat(Ports.await(() -> views.stream().allMatch(view -> status.lastSucceeded(view.name()).isPresent()
          && lastRunSucceeded(service, "view-" + view.name())), Duration.ofMinutes(2), () -> false))
          .as("every view refreshed, and its last run succeeded").isTrue();
    } finally {
      service.stop();
      stopped = Instant.now();
    }

    Map<String, List<ServiceContext.Execution>> byJob = new HashMap<>();
    service.executions().forEach(execution -> byJob.computeIfAbsent(execution.job(), job -> new java.util.ArrayList<>()).add(execution));
    long seconds = Duration.between(started, stopped).toSeconds();
    for (ViewDefinition view : views) {
      List<ServiceContext.Execution> runs = byJob.getOrDefault("view-" + view.name(), List.of());
      assertThat(runs).as("refreshes of %s", view.name()).isNotEmpty();
      assertThat(runs.get(runs.size() - 1).succeeded()).as("last refresh of %s succeeded", view.name()).isTrue();
      // never two at once, and never more than its schedule allows
      for (int i = 1; i < runs.size(); i++) {
        assertThat(runs.get(i).startedAt()).as("%s refresh %d starts after %d ended", view.name(), i, i - 1)
            .isAfterOrEqualTo(runs.get(i - 1).endedAt());
      }
      assertThat((long) runs.size()).isLessThanOrEqualTo(seconds / every.get(view.name()).toSeconds() + 1);
    }
    assertThat(byJob.get("view-live_kpis").size()).isGreaterThan(byJob.get("view-daily_summary").size());
    assertThat(byJob.get("silver")).as("silver ran at start").isNotEmpty();
    assertThat(byJob).doesNotContainKey("maintenance"); // its cron slot is not in this window
    assertThat(KernelTableReader.local().readAll(new TableLocations(config.storage()).system(ViewStatusLog.TABLE)))
        .filteredOn(row -> row.get("view").equals("live_kpis") && row.get("mode").equals("incremental"))
        .as("live_kpis refreshed incrementally while the service ran").isNotEmpty();
  }

  private static boolean lastRunSucceeded(LakehouseService service, String job) {
    List<ServiceContext.Execution> runs = service.executions().stream().filter(execution -> execution.job().equals(job)).toList();
    return !runs.isEmpty() && runs.get(runs.size() - 1).succeeded();
  }

  /** The last successful refresh's window start, and the view equals the truth for it. */
  private static boolean viewMatches(ViewStatusLog status, String table, GroundTruth truth) {
    Optional<org.apache.spark.sql.Row> last = status.lastSucceeded("live_kpis");
    if (last.isEmpty()) {
      return false;
    }
    Instant windowStart = ((Timestamp) last.get().getAs("window_start")).toInstant();
    List<Map<String, Object>> expected = ExpectedViews.of("live_kpis", truth.events(), windowStart);
    List<Map<String, Object>> actual = KernelTableReader.local().readAll(table);
    return new java.util.HashSet<>(actual).equals(new java.util.HashSet<>(expected)) && actual.size() == expected.size();
  }

  private static void produce(String topic, long count, long seed, Instant base, GroundTruth truth) {
    new EventProducer(TestKafka.bootstrapServers(), topic)
        .send(new ClickstreamGenerator(GeneratorSpec.defaults(count, seed).withBaseTime(base)), 0, false, truth::record);
  }
}
