package dev.lakehouse.devtools;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.devtools.bench.Comparison;
import dev.lakehouse.devtools.bench.Comparison.Goal;
import dev.lakehouse.devtools.bench.Comparison.Measure;
import java.util.LinkedHashMap;
import dev.lakehouse.core.storage.DeltaVersions;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.testing.generator.ClickstreamGenerator;
import dev.lakehouse.testing.generator.EventProducer;
import dev.lakehouse.testing.generator.GeneratorSpec;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.scheduler.service.LakehouseService;
import dev.lakehouse.views.ViewStatusLog;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lakehouse bench latency}: the service as {@code lakehouse run} starts it, events produced
 * at a steady rate, and for each event the time from its hand-over to the Kafka client until the
 * first {@code live_kpis} commit that counts it. Read afterwards from the view's Delta history: the
 * k-th event of a minute is visible in the first version whose count for that minute reaches k.
 */
@Command(
    name = "latency",
    mixinStandardHelpOptions = true,
    description = {
      "Produce-to-view latency: runs the service (streams + schedules, as `lakehouse run`) on a fresh",
      "topic, produces --rate events/s for --minutes, and reports how long each event took to show in",
      "live_kpis (p50, p95, max), measured from live_kpis' commits."
    })
final class BenchLatencyCommand implements Callable<Integer> {

  private static final String VIEW = "live_kpis";
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(4);

  @ParentCommand BenchCommand bench;

  @Option(names = "--minutes", defaultValue = "5", description = "How long to produce (default: ${DEFAULT-VALUE}).")
  int minutes;

  @Option(names = "--rate", defaultValue = "20", description = "Events per second (default: ${DEFAULT-VALUE}).")
  int rate;

  @Mixin BenchOptions options;

  /** The p95 goal under the default schedule (ingest every 5 s, live_kpis every minute). */
  static final double P95_GOAL_SECONDS = 75;

  private record Sent(Instant minute, Instant at) {}

  @Override
  public Integer call() throws InterruptedException {
    Comparison comparison = options.reportAlone(bench.root.config(), measure(bench.root.config(), minutes, rate, options.keep));
    return comparison.data().get("visible").equals(comparison.data().get("sent_events")) ? 0 : 1;
  }

  static Comparison measure(LakehouseConfig base, int minutes, int rate, boolean keep) throws InterruptedException {
    if (minutes < 1 || rate < 1) {
      throw new LakehouseException("--minutes and --rate must be at least 1");
    }
    BenchRun run = BenchRun.fresh(base);
    // the stream needs the topic: one event before the service starts (counted in the baseline)
    run.produce(spec(1, rate));
    SparkSession spark = run.spark();
    TableLocations locations = new TableLocations(run.config().storage());
    String viewPath = locations.view(VIEW);
    LakehouseService service = new LakehouseService(spark, run.config(), SuiteLoader.load("silver_events", Optional.empty()),
        dev.lakehouse.views.ViewDefinitions.load(Optional.empty()));
    List<Sent> sent = new ArrayList<>();
    long baseVersion;
    service.start();
    try {
      awaitFirstRefresh(new ViewStatusLog(spark, locations));
      baseVersion = DeltaVersions.latest(spark, viewPath);
      System.out.printf("bench latency: service up, producing %d events/s for %d min to topic %s%n", rate, minutes,
          run.source().topic());
      new EventProducer(run.config().kafka().bootstrapServers(), run.source().topic())
          .send(new ClickstreamGenerator(spec((long) rate * minutes * 60, rate)), rate, false, message -> sent.add(
              new Sent(message.event().orElseThrow().eventTime().truncatedTo(ChronoUnit.MINUTES), Instant.now())));
      awaitAllVisible(spark, viewPath, baseVersion, sent);
    } finally {
      service.stop();
    }
    List<Double> latencies = latencies(spark, viewPath, baseVersion, sent).stream().sorted().toList();
    run.cleanUp(keep);
    if (latencies.isEmpty()) {
      throw new LakehouseException("bench latency: none of " + sent.size() + " events became visible in " + VIEW);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("sent_events", sent.size());
    data.put("visible", latencies.size());
    data.put("rate_per_second", rate);
    data.put("minutes", minutes);
    data.put("p50_seconds", percentile(latencies, 0.50));
    data.put("max_seconds", latencies.get(latencies.size() - 1));
    data.put("ingest_trigger", base.ingest().triggerInterval().toString());
    data.put("view_schedule", "every minute");
    System.out.printf("bench latency: %,d of %,d events visible in %s; produce-to-view latency p50 %.1f s, p95 %.1f s,"
        + " max %.1f s (%d events/s for %d min)%n", latencies.size(), sent.size(), VIEW, percentile(latencies, 0.50),
        percentile(latencies, 0.95), latencies.get(latencies.size() - 1), rate, minutes);
    return Comparison.absolute("latency", "produce → live_kpis, p95 under the default schedule",
        new Measure("p95", percentile(latencies, 0.95), "s"), Goal.atMost(P95_GOAL_SECONDS, "s"), data);
  }

  /** Valid, unique, on-time events from now on, spaced as they are sent. */
  private static GeneratorSpec spec(long count, int rate) {
    GeneratorSpec defaults = GeneratorSpec.defaults(count, System.nanoTime());
    return new GeneratorSpec(count, defaults.seed(), 0, 0, 0, 1, defaults.users(), defaults.products(),
        Optional.of(Instant.now()), Duration.ofSeconds(1).dividedBy(rate));
  }

  private static void awaitFirstRefresh(ViewStatusLog status) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
    while (status.lastSucceeded(VIEW).isEmpty()) {
      if (Instant.now().isAfter(deadline)) {
        throw new LakehouseException("bench latency: " + VIEW + " was not refreshed within 5 minutes of the service start");
      }
      Thread.sleep(1000);
    }
  }

  private static void awaitAllVisible(SparkSession spark, String viewPath, long baseVersion, List<Sent> sent)
      throws InterruptedException {
    Map<Instant, Long> expected = new HashMap<>(counts(spark, viewPath, baseVersion));
    sent.forEach(event -> expected.merge(event.minute(), 1L, Long::sum));
    Instant deadline = Instant.now().plus(DRAIN_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      Map<Instant, Long> now = counts(spark, viewPath, DeltaVersions.latest(spark, viewPath));
      if (expected.entrySet().stream().allMatch(entry -> now.getOrDefault(entry.getKey(), 0L) >= entry.getValue())) {
        return;
      }
      Thread.sleep(2000);
    }
    System.out.printf("bench latency: not every event was visible %s after the last was produced%n", DRAIN_TIMEOUT);
  }

  /** Seconds from hand-over to the first view commit that counts the event, for each event that became visible. */
  private static List<Double> latencies(SparkSession spark, String viewPath, long baseVersion, List<Sent> sent) {
    Map<Instant, Long> base = counts(spark, viewPath, baseVersion);
    Map<Instant, List<Instant>> byMinute = new TreeMap<>();
    sent.forEach(event -> byMinute.computeIfAbsent(event.minute(), minute -> new ArrayList<>()).add(event.at()));
    Map<Instant, Integer> visible = new HashMap<>();
    List<Double> latencies = new ArrayList<>();
    List<Row> commits = DeltaTable.forPath(spark, viewPath).history().where("version > " + baseVersion)
        .orderBy("version").select("version", "timestamp").collectAsList();
    for (Row commit : commits) {
      Instant committed = commit.getTimestamp(1).toInstant();
      Map<Instant, Long> counts = counts(spark, viewPath, commit.getLong(0));
      for (Map.Entry<Instant, List<Instant>> minute : byMinute.entrySet()) {
        long shown = counts.getOrDefault(minute.getKey(), 0L) - base.getOrDefault(minute.getKey(), 0L);
        int from = visible.getOrDefault(minute.getKey(), 0);
        int to = (int) Math.min(shown, minute.getValue().size());
        for (int k = from; k < to; k++) {
          latencies.add(Duration.between(minute.getValue().get(k), committed).toMillis() / 1000.0);
        }
        visible.put(minute.getKey(), Math.max(from, to));
      }
    }
    return latencies;
  }

  private static Map<Instant, Long> counts(SparkSession spark, String viewPath, long version) {
    Map<Instant, Long> counts = new HashMap<>();
    for (Row row : spark.read().format("delta").option("versionAsOf", version).load(viewPath).select("minute", "events")
        .collectAsList()) {
      counts.put(((Timestamp) row.get(0)).toInstant(), row.getLong(1));
    }
    return counts;
  }

  private static double percentile(List<Double> sorted, double share) {
    return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(share * sorted.size())));
  }
}
