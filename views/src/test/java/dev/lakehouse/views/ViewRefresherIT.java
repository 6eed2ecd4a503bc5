package dev.lakehouse.views;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.bronze.BronzeIngest;
import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.config.KafkaConfig;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.config.StorageConfig;
import dev.lakehouse.core.definitions.BuiltInPipeline;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.core.testing.KernelTableReader;
import dev.lakehouse.core.testing.TestSpark;
import dev.lakehouse.testing.TestKafka;
import dev.lakehouse.testing.TestLake;
import dev.lakehouse.testing.generator.ClickstreamGenerator;
import dev.lakehouse.testing.generator.EventProducer;
import dev.lakehouse.testing.generator.ExpectedViews;
import dev.lakehouse.testing.generator.GeneratorSpec;
import dev.lakehouse.testing.generator.GroundTruth;
import dev.lakehouse.testing.generator.TruthEvent;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.silver.SilverRefine;
import dev.lakehouse.silver.TableRefiner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ViewRefresherIT {

  private static SparkSession spark;

  @TempDir Path root;

  @BeforeAll
  static void start() {
    TestKafka.bootstrapServers();
    spark = TestSpark.session(ConfigLoader.defaultsOnly().s3());
  }

  @Test
  void viewsEqualTheTruthAndIncrementalRefreshRewritesOnlyTouchedBuckets() {
    LakehouseConfig config = config();
    GroundTruth truth = new GroundTruth(true);
    Instant now = Instant.now();
    produce(config, 1_500, 51, now.minus(Duration.ofMinutes(50)), truth);
    ingest(config);
    new SilverRefine(spark, config, SuiteLoader.load("silver_events", Optional.empty())).run();
    ViewRefresher refresher = new ViewRefresher(spark, config, SuiteLoader.load("silver_events", Optional.empty()));
    Map<String, ViewDefinition> views = new HashMap<>();
    ViewDefinitions.load(Optional.empty()).forEach(view -> views.put(view.name(), view));

    for (ViewDefinition view : views.values()) {
      ViewRefresh first = refresher.refresh(view);
      assertThat(first.mode()).isEqualTo(ViewRefresh.FULL);
      assertThat(first.reason()).isEqualTo("first refresh");
      assertViewEqualsTruth(refresher, view, first.windowStart(), truth.events());
    }

    // new events reach bronze only: live_kpis shows them without a silver run, rewriting only their minutes
    ViewDefinition kpis = views.get("live_kpis");
    Map<String, Set<String>> filesBefore = KernelTableReader.local().filesByPartition(refresher.viewTable("live_kpis"), "minute");
    GroundTruth second = new GroundTruth(true);
    produce(config, 300, 52, now.minus(Duration.ofMinutes(20)), message -> {
      truth.record(message);
      second.record(message);
    });
    ingest(config);
    ViewRefresh incremental = refreshWhileReading(refresher, kpis);
    Set<Instant> touched = new TreeSet<>();
    second.events().stream().filter(event -> !event.eventTime().isBefore(incremental.windowStart()))
        .forEach(event -> touched.add(event.eventTime().truncatedTo(ChronoUnit.MINUTES)));
    assertThat(incremental.mode()).isEqualTo(ViewRefresh.INCREMENTAL);
    assertThat(incremental.reason()).as("the driver dedupes a short tail").contains("live tail merged in")
        .doesNotContain("deduped by Spark");
    assertThat(incremental.bucketsWritten()).isEqualTo(touched.size());
    assertViewEqualsTruth(refresher, kpis, incremental.windowStart(), truth.events());
    Map<String, Set<String>> filesAfter = KernelTableReader.local().filesByPartition(refresher.viewTable("live_kpis"), "minute");
    int rewritten = 0;
    for (Map.Entry<String, Set<String>> bucket : filesAfter.entrySet()) {
      if (!bucket.getValue().equals(filesBefore.get(bucket.getKey()))) {
        rewritten++;
      }
    }
    assertThat(rewritten).as("buckets with new files").isEqualTo(touched.size());
    assertThat(incremental.freshness()).hasValueSatisfying(age -> assertThat(age).isLessThan(Duration.ofMinutes(5)));

    // the same tail as Spark handles one too long for the driver (a window dedupes it; its partial
    // aggregates stay cached on the executors), by a second refresher: the same view
    ViewRefresher bySpark = new ViewRefresher(spark, new TableLocations(config.storage()),
        List.of(new TableRefiner(BuiltInPipeline.events(), SuiteLoader.load("silver_events", Optional.empty()))),
        new TailLimits(0, 0));
    ViewRefresh sparkSide = bySpark.refresh(kpis);
    assertThat(sparkSide.mode()).isEqualTo(ViewRefresh.INCREMENTAL);
    assertThat(sparkSide.reason()).contains("live tail merged in (deduped by Spark)");
    assertViewEqualsTruth(bySpark, kpis, sparkSide.windowStart(), truth.events());

    // the hourly silver run absorbs the tail; nothing changes in the view's contents
    new SilverRefine(spark, config, SuiteLoader.load("silver_events", Optional.empty())).run();
    ViewRefresh afterSilver = refresher.refresh(kpis);
    assertThat(afterSilver.mode()).isEqualTo(ViewRefresh.INCREMENTAL);
    assertViewEqualsTruth(refresher, kpis, afterSilver.windowStart(), truth.events());

    // a full refresh of the same view gives the same rows (over the full refresh's window, which may
    // have moved on by a minute)
    List<Map<String, Object>> incrementalRows = KernelTableReader.local().readAll(refresher.viewTable("live_kpis"));
    ViewDefinition full = new ViewDefinition(kpis.name(), kpis.description(), kpis.schedule(), RefreshPolicy.FULL, kpis.source(),
        kpis.bucket(), kpis.window(), kpis.sql(), kpis.origin());
    ViewRefresh fullRefresh = refreshWhileReading(refresher, full);
    assertThat(fullRefresh.mode()).isEqualTo(ViewRefresh.FULL);
    assertThat(KernelTableReader.local().readAll(refresher.viewTable("live_kpis"))).containsExactlyInAnyOrderElementsOf(
        incrementalRows.stream().filter(row -> !((Instant) row.get("minute")).isBefore(fullRefresh.windowStart())).toList());
    assertViewEqualsTruth(refresher, kpis, fullRefresh.windowStart(), truth.events());
  }

  /**
   * Refreshes {@code view} while another thread reads it over and over (Delta Kernel, as an outside
   * reader would): every read must be the whole view before or the whole view after the refresh.
   */
  private static ViewRefresh refreshWhileReading(ViewRefresher refresher, ViewDefinition view) {
    String path = refresher.viewTable(view.name());
    Map<Map<String, Object>, Long> before = multiset(KernelTableReader.local().readAll(path));
    List<Map<Map<String, Object>, Long>> reads = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.CompletableFuture<Void> reader = java.util.concurrent.CompletableFuture.runAsync(() -> {
      while (!done.get()) {
        reads.add(multiset(KernelTableReader.local().readAll(path)));
      }
    });
    ViewRefresh refresh;
    try {
      refresh = refresher.refresh(view);
    } finally {
      done.set(true);
    }
    reader.join(); // rethrows a failed read
    Map<Map<String, Object>, Long> after = multiset(KernelTableReader.local().readAll(path));
    assertThat(reads).as("reads during the refresh").isNotEmpty();
    for (Map<Map<String, Object>, Long> read : reads) {
      assertThat(read.equals(before) || read.equals(after)).as("a read during the refresh of %s is the view before or after it,"
          + " never a mix: %s", view.name(), read).isTrue();
    }
    return refresh;
  }

  private static Map<Map<String, Object>, Long> multiset(List<Map<String, Object>> rows) {
    Map<Map<String, Object>, Long> counts = new HashMap<>();
    rows.forEach(row -> counts.merge(row, 1L, Long::sum));
    return counts;
  }

  /** The view equals its definition computed in plain Java over the truth's events in the window. */
  private static void assertViewEqualsTruth(ViewRefresher refresher, ViewDefinition view, Instant windowStart,
      java.util.Collection<TruthEvent> events) {
    List<Map<String, Object>> actual = KernelTableReader.local().readAll(refresher.viewTable(view.name()));
    assertThat(actual).as("view %s (window from %s)", view.name(), windowStart)
        .containsExactlyInAnyOrderElementsOf(ExpectedViews.of(view.name(), events, windowStart));
  }

  private LakehouseConfig config() {
    return TestLake.config(root.resolve("lake"), "views");
  }

  private static void produce(LakehouseConfig config, long count, long seed, Instant base, GroundTruth truth) {
    produce(config, count, seed, base, truth::record);
  }

  private static void produce(LakehouseConfig config, long count, long seed, Instant base,
      java.util.function.Consumer<dev.lakehouse.testing.generator.GeneratedMessage> onMessage) {
    TestLake.produce(config, GeneratorSpec.defaults(count, seed).withBaseTime(base), false, onMessage);
  }

  private static void ingest(LakehouseConfig config) {
    new BronzeIngest(spark, config).runUntilCaughtUp(config.kafka().source("clickstream"));
  }
}
