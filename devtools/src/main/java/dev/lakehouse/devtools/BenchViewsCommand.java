package dev.lakehouse.devtools;

import dev.lakehouse.scheduler.cli.ViewsCommand;
import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.devtools.bench.Comparison;
import dev.lakehouse.devtools.bench.Comparison.Goal;
import dev.lakehouse.devtools.bench.Comparison.Measure;
import dev.lakehouse.devtools.bench.Report;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.lakehouse.core.storage.DeltaVersions;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.testing.generator.GeneratorSpec;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.core.definitions.BuiltInPipeline;
import dev.lakehouse.silver.TableRefiner;
import dev.lakehouse.views.RefreshPolicy;
import dev.lakehouse.views.ViewDefinition;
import dev.lakehouse.views.ViewDefinitions;
import dev.lakehouse.views.ViewRefresh;
import dev.lakehouse.views.ViewRefresher;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.metrics.source.CodegenMetrics;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lakehouse bench views}: an incremental vs a full refresh of one view over a large history.
 * The history is written straight into silver (the refresh is what is measured, not how silver
 * got there); the new events go the real way, Kafka to bronze, and reach the view through
 * {@code live.events}.
 */
@Command(
    name = "views",
    mixinStandardHelpOptions = true,
    description = {
      "Incremental vs full refresh of a view (default hourly_trends): writes --history events straight",
      "into silver, spread over the view's window except its last hour; refreshes once (full);",
      "produces --new-share as many generated events in the last hour through Kafka into bronze;",
      "then times an incremental refresh and a full refresh of that same state and compares their rows."
    })
final class BenchViewsCommand implements Callable<Integer> {

  private static final long WARM_UP_EVENTS = 20_000;

  @ParentCommand BenchCommand bench;

  @Option(names = "--history", defaultValue = "10000000", description = "Events of history in silver (default: ${DEFAULT-VALUE}).")
  long history;

  @Option(names = "--new-share", defaultValue = "0.01", description = "New events, as a share of the history (default: ${DEFAULT-VALUE}).")
  double newShare;

  @Option(names = "--view", defaultValue = "hourly_trends", description = "View to refresh (default: ${DEFAULT-VALUE}).")
  String viewName;

  @Mixin BenchOptions options;

  @Override
  public Integer call() {
    Comparison comparison = options.reportAlone(bench.root.config(),
        measure(bench.root.config(), history, newShare, viewName, options.keep));
    return Boolean.TRUE.equals(comparison.data().get("same_rows")) ? 0 : 1;
  }

  /** The comparison; its data says whether both refreshes gave the same rows ({@code same_rows}). */
  static Comparison measure(LakehouseConfig base, long history, double newShare, String viewName, boolean keep) {
    if (history < 1 || newShare <= 0 || newShare >= 1) {
      throw new LakehouseException("--history must be positive and --new-share in (0, 1), cannot be: " + history + ", " + newShare);
    }
    ViewDefinition view = ViewsCommand.named(ViewDefinitions.load(Optional.empty()), viewName);
    BenchRun run = BenchRun.fresh(base);
    SparkSession spark = run.spark();
    Instant now = Instant.now();
    Instant recent = now.minus(Duration.ofHours(1));
    Instant windowStart = ViewRefresher.windowStart(view, now);

    long started = System.nanoTime();
    ExpectationSuite suite = SuiteLoader.load("silver_events", Optional.empty());
    org.apache.spark.sql.types.StructType silverSchema = new TableRefiner(BuiltInPipeline.events(), suite).emptySilver(spark).schema();
    writeHistory(spark, new TableLocations(run.config().storage()).silver("events"), silverSchema, history, windowStart, recent);
    System.out.printf("bench views: wrote %,d events of history into silver (%s .. %s) in %.1f s%n", history, windowStart,
        recent, seconds(System.nanoTime() - started));

    ViewRefresher refresher = new ViewRefresher(spark, run.config(), suite);
    print("first refresh", refresher.refresh(view));

    // a service refreshes every few minutes, its code long warm: one small incremental refresh
    // first, so the timed one does not pay for the JVM's first use of the live tail's code
    // (20,000 events, as bench silver's warm-up: enough for the JIT to compile the parse)
    long newEvents = Math.max(1, Math.round(history * newShare));
    long warmUpEvents = Math.min(WARM_UP_EVENTS, newEvents);
    run.produceUncounted(newEvents(warmUpEvents, 2, recent));
    run.ingest();
    print("warm-up refresh", refresher.refresh(view));

    run.produce(newEvents(newEvents, 1, recent));
    run.ingest();

    JobTimeline timeline = JobTimeline.listenTo(spark);
    ViewRefresh incremental;
    long compiled; // classes of query code compiled during the timed refresh (a warm service compiles few)
    try (DriverSampler sampler = DriverSampler.ofCurrentThread()) {
      long compiledBefore = CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
      incremental = print("incremental refresh", refresher.refresh(view));
      compiled = CodegenMetrics.METRIC_COMPILATION_TIME().getCount() - compiledBefore;
    } finally {
      timeline.stopListening(spark);
    }
    timeline.print("views, incremental refresh", 12);
    System.out.printf("bench views: the incremental refresh compiled %d classes of query code%n", compiled);
    long incrementalVersion = DeltaVersions.latest(spark, refresher.viewTable(view.name()));
    ViewDefinition fullView = new ViewDefinition(view.name(), view.description(), view.schedule(), RefreshPolicy.FULL,
        view.source(), view.bucket(), view.window(), view.sql(), view.origin());
    ViewRefresh full;
    try (ViewRefresher fullRefresher = new ViewRefresher(spark, run.config(), suite)) {
      full = print("full refresh", fullRefresher.refresh(fullView));
    }

    boolean same = sameRows(spark, refresher.viewTable(view.name()), incrementalVersion);
    System.out.printf("bench views: %s over %,d events of history + %,d new: incremental %.1f s (%d buckets), full %.1f s;"
            + " same rows: %s%n", view.name(), history, newEvents, seconds(incremental.duration().toNanos()),
        incremental.bucketsWritten(), seconds(full.duration().toNanos()), same ? "yes" : "NO");
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("view", view.name());
    data.put("history_events", history);
    data.put("new_events_sent", run.sizes().summary());
    data.put("warm_up_events_sent_before", warmUpEvents);
    data.put("incremental_buckets", incremental.bucketsWritten());
    data.put("incremental_reason", incremental.reason());
    data.put("incremental_classes_compiled", compiled);
    data.put("same_rows", same);
    data.put("incremental_jobs_by_call_site", timeline.top(10));
    refresher.close(); // its background work, before the bench's tables go
    run.cleanUp(keep);
    return Comparison.of("views", view.name() + " incremental vs full refresh, " + Report.count(history) + " history + "
            + Math.round(newShare * 100) + "% new", new Measure("incremental", seconds(incremental.duration().toNanos()), "s"),
        new Measure("full", seconds(full.duration().toNanos()), "s"), Goal.atMost(0.05), data);
  }

  /** {@code count} generated events in the hour from {@code from}, none late. */
  private static GeneratorSpec newEvents(long count, long seed, Instant from) {
    GeneratorSpec defaults = GeneratorSpec.defaults(count, seed);
    return new GeneratorSpec(count, seed, defaults.duplicateRatio(), 0.0, defaults.malformedRatio(), 1, defaults.users(),
        defaults.products(), Optional.of(from), Duration.ofHours(1).dividedBy(count), defaults.hugeGarbageRatio());
  }

  /** {@code count} plausible silver events spread evenly over [from, to). */
  private static void writeHistory(SparkSession spark, String path, org.apache.spark.sql.types.StructType schema, long count,
      Instant from, Instant to) {
    long fromMicros = from.toEpochMilli() * 1000;
    double stepMicros = (to.toEpochMilli() - from.toEpochMilli()) * 1000.0 / count;
    Dataset<Row> events = spark.range(count).selectExpr(
        "concat('history-', id) AS event_id",
        "timestamp_micros(" + fromMicros + " + CAST(id * " + stepMicros + "D AS BIGINT)) AS event_time",
        "concat('user-', id % 5000) AS user_id",
        "concat('session-', id % 400000) AS session_id",
        "element_at(array('page_view', 'product_view', 'add_to_cart', 'purchase', 'search'), CAST(id % 5 AS INT) + 1) AS event_type",
        "concat('/page/', id % 50) AS page",
        "concat('product-', id % 200) AS product_id",
        "CASE WHEN id % 5 = 3 THEN CAST((id % 10000) / 100.0 AS DOUBLE) END AS amount",
        "CASE WHEN id % 5 = 3 THEN 'EUR' END AS currency")
        .selectExpr("*", "to_date(event_time) AS event_date", "hour(event_time) AS event_hour",
            "event_time + INTERVAL 5 SECONDS AS ingested_at");
    Column[] columns = java.util.Arrays.stream(schema.fields())
        .map(field -> events.col(field.name()).cast(field.dataType()).as(field.name())).toArray(Column[]::new);
    // one file per hour of event time, as silver's hourly runs leave it
    int hours = (int) Math.max(1, Duration.between(from, to).toHours());
    events.select(columns).repartitionByRange(hours, events.col("event_time"))
        .write().format("delta").mode("overwrite").partitionBy("event_date").save(path);
  }

  private static boolean sameRows(SparkSession spark, String path, long version) {
    Dataset<Row> before = spark.read().format("delta").option("versionAsOf", version).load(path);
    Dataset<Row> after = spark.read().format("delta").load(path);
    return before.exceptAll(after).isEmpty() && after.exceptAll(before).isEmpty();
  }

  private static ViewRefresh print(String what, ViewRefresh refresh) {
    System.out.printf("bench views: %s: %s (%s), %d buckets, %,d rows, %.1f s%n", what, refresh.mode(), refresh.reason(),
        refresh.bucketsWritten(), refresh.rows(), seconds(refresh.duration().toNanos()));
    return refresh;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
