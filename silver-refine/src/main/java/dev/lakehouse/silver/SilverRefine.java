package dev.lakehouse.silver;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.partition.DateRange;
import dev.lakehouse.core.runs.RunLog;
import dev.lakehouse.core.runs.RunRecord;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.quality.MetricsHistory;
import dev.lakehouse.quality.SuiteValidator;
import dev.lakehouse.quality.Validation;
import dev.lakehouse.quality.store.QualityResultsStore;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.quality.suite.ExpectationType;
import io.delta.tables.DeltaTable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lakehouse silver}: refines the bronze rows that arrived since the last successful run
 * (a Delta stream of bronze with its own checkpoint, AvailableNow) into silver.events, sending
 * invalid rows to quarantine.events.
 *
 * <p>Exactly once: a batch's offsets are committed to the checkpoint only after its writes;
 * a crash before that re-runs the batch, and both writes are idempotent for it: the quarantine
 * append carries the Delta transaction id (txnAppId, batch id), the silver MERGE inserts only
 * event ids it does not have. A batch that fails the quality gate writes nothing and is retried
 * by the next run.
 */
public final class SilverRefine {

  public static final String JOB = "silver";
  private static final Logger LOG = LoggerFactory.getLogger(SilverRefine.class);

  private final SparkSession spark;
  private final TableLocations locations;
  private final SourceConfig source;
  private final ExpectationSuite tableSuite;
  private final EventRefiner refiner;
  private final QualityResultsStore results;
  private final RunLog runs;
  /** Deequ metrics of published batches; their row count is checked against earlier ones. */
  private final MetricsHistory history;
  /** Totals of the run in progress; foreachBatch adds to them on the driver. */
  private RunTotals totals = new RunTotals();
  /** Scopes ("bronze batch N") of interrupted runs found at this run's start, with their run ids. */
  private java.util.Map<String, String> interrupted = java.util.Map.of();
  /** A restarted stream replays at most its first batch: only that one can have been published already. */
  private boolean firstBatchOfRun;

  public SilverRefine(SparkSession spark, LakehouseConfig config, ExpectationSuite suite) {
    this.spark = requireNonNull(spark, "spark is null");
    this.locations = new TableLocations(config.storage());
    this.source = config.kafka().source("clickstream");
    this.tableSuite = new ExpectationSuite(suite.name(), suite.of(ExpectationType.Scope.TABLE));
    this.refiner = new EventRefiner(spark, suite);
    this.results = new QualityResultsStore(spark, locations);
    this.runs = new RunLog(spark, locations);
    this.history = new MetricsHistory(locations.system("deequ_metrics") + "/" + suite.name() + ".json", 0.2, 5.0);
  }

  public String silverTable() {
    return locations.silver(SilverSchema.EVENTS);
  }

  public String quarantineTable() {
    return locations.quarantine(SilverSchema.EVENTS);
  }

  public SilverRunResult run() {
    String bronze = requireBronze();
    totals = new RunTotals();
    interrupted = new java.util.HashMap<>();
    firstBatchOfRun = true;
    for (RunLog.Leftover leftover : runs.abortLeftovers(JOB)) {
      interrupted.put(leftover.scope(), leftover.runId());
      LOG.warn("silver run {} ({}) was interrupted; marked aborted, its batch is redone now", leftover.runId(), leftover.scope());
    }
    long start = System.nanoTime();
    spark.sparkContext().setJobDescription("silver refine " + bronze + " -> " + silverTable());
    StreamingQuery query;
    try {
      query = spark.readStream().format("delta").load(bronze)
            .writeStream()
            .queryName("silver_" + SilverSchema.EVENTS)
            .option("checkpointLocation", locations.checkpoint("silver_" + SilverSchema.EVENTS))
            .trigger(Trigger.AvailableNow())
            .foreachBatch((VoidFunction2<Dataset<Row>, Long>) this::refineBatch)
            .start();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new LakehouseException("the silver query did not start: " + e.getMessage(), e);
    }
    try {
      query.awaitTermination();
    } catch (StreamingQueryException e) {
      Throwable cause = e.getCause();
      while (cause != null && !(cause instanceof LakehouseException)) {
        cause = cause.getCause();
      }
      if (cause instanceof LakehouseException lakehouse) {
        throw lakehouse;
      }
      throw new LakehouseException("silver refine failed: " + e.getMessage(), e);
    }
    return totals.result(Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * {@code rerun silver --from --to}: rebuilds exactly those event_date partitions from all of
   * bronze with the same rules, and swaps them in one commit (replaceWhere), so it is safe to
   * repeat and readers see the old or the new partitions. Quarantine is not rewritten.
   */
  public SilverRunResult rebuild(DateRange range) {
    String bronze = requireBronze();
    long start = System.nanoTime();
    Instant started = Instant.now();
    String runId = "silver-rerun-" + started.toEpochMilli();
    String scope = "event_date " + range;
    runs.abortLeftovers(JOB + "-rerun").forEach(leftover ->
        LOG.warn("silver rerun {} ({}) was interrupted; marked aborted", leftover.runId(), leftover.scope()));
    runs.start(RunRecord.running(runId, JOB + "-rerun", scope, started));
    spark.sparkContext().setJobDescription("silver rerun " + range);
    Dataset<Row> parsed = refiner.parse(spark.read().format("delta").load(bronze)).where(range.predicate("event_date")).cache();
    Dataset<Row> valid = null;
    Dataset<Row> unique = null;
    try {
      long in = parsed.count();
      EventRefiner.Refined refined = refiner.validate(parsed, runId);
      valid = refined.valid().cache();
      long validCount = valid.count();
      unique = EventRefiner.firstArrivals(valid).select(columns(SilverSchema.EVENT_COLUMNS)).cache();
      long out = unique.count();
      Validation table = gate(unique, refined, runId, scope, started, in);
      unique.write().format("delta").mode("overwrite").partitionBy("event_date")
          .option("replaceWhere", range.predicate("event_date"))
          .save(silverTable());
      keepPublished(refined, table);
      runs.record(new RunRecord(runId, JOB + "-rerun", scope, started, Instant.now(), RunRecord.SUCCEEDED, in, out, 0, ""));
      LOG.info("silver rerun {}: {} events written from {} bronze rows of those dates", range, out, in);
      return new SilverRunResult(1, in, out, 0, validCount - out, Duration.ofNanos(System.nanoTime() - start));
    } finally {
      release(parsed, valid, unique);
    }
  }

  /** Silver events on the dates of {@code range} now (0 before the first run). */
  public long eventsIn(DateRange range) {
    if (!DeltaTable.isDeltaTable(spark, silverTable())) {
      return 0;
    }
    return spark.read().format("delta").load(silverTable()).where(range.predicate("event_date")).count();
  }

  /** Whether the bronze table exists yet (a fresh lake has none until the first ingest). */
  public boolean bronzeExists() {
    return DeltaTable.isDeltaTable(spark, locations.bronze(source.name()));
  }

  private String requireBronze() {
    String bronze = locations.bronze(source.name());
    if (!DeltaTable.isDeltaTable(spark, bronze)) {
      throw LakehouseException.of("cannot refine silver", bronze + " is not a Delta table yet",
          "ingest first: `./lakehouse ingest --once`");
    }
    return bronze;
  }

  /**
   * Validates what would be published and stops on a failed gate, keeping both results marked
   * unpublished. A passed gate's results are kept by {@link #keepPublished} once the batch is
   * committed, so a run killed before it published leaves no result that looks published.
   */
  private Validation gate(Dataset<Row> unique, EventRefiner.Refined refined, String runId, String scope, Instant started, long in) {
    Validation table = new SuiteValidator().validate(unique, tableSuite, runId + "-table", Optional.of(history));
    if (!table.gatePassed()) {
      results.save(refined.validation(), false);
      results.save(table, false);
      String message = "silver (" + scope + ") failed the quality gate (" + String.join(", ", table.gateFailures())
          + "); nothing was published and bronze is untouched, so the next run retries it. Result: "
          + results.jsonPath(tableSuite.name(), runId + "-table");
      runs.record(new RunRecord(runId, JOB, scope, started, Instant.now(), RunRecord.FAILED, in, 0, 0, message));
      throw new QualityGateException(message);
    }
    return table;
  }

  private void keepPublished(EventRefiner.Refined refined, Validation table) {
    results.save(refined.validation(), true);
    results.save(table, true);
  }

  private void refineBatch(Dataset<Row> bronzeBatch, Long batchId) {
    Instant started = Instant.now();
    String runId = "silver-" + started.toEpochMilli() + "-b" + batchId;
    String scope = "bronze batch " + batchId;
    // a batch an earlier run worked on: one that succeeded but was killed before the stream
    // recorded the batch as done (the batch is replayed; that run's record counts its events), or
    // one that was killed mid-way (its row is "aborted" now)
    Optional<String> publishedBy = firstBatchOfRun ? runs.succeededRunOf(JOB, scope) : Optional.empty();
    firstBatchOfRun = false;
    Optional<String> interruptedRun = publishedBy.isPresent() ? publishedBy : Optional.ofNullable(interrupted.get(scope));
    runs.start(RunRecord.running(runId, JOB, scope, started));
    Dataset<Row> parsed = refiner.parse(bronzeBatch).cache();
    Dataset<Row> valid = null;
    Dataset<Row> unique = null;
    try {
      long in = parsed.count();
      EventRefiner.Refined refined = refiner.validate(parsed, runId);
      valid = refined.valid().cache();
      long validCount = valid.count();
      unique = EventRefiner.firstArrivals(valid).select(columns(SilverSchema.EVENT_COLUMNS)).cache();
      Validation table = gate(unique, refined, runId, scope, started, in);
      Recovered recovered = interruptedRun.isPresent() ? recovered(batchId, unique) : Recovered.NONE;
      long quarantinedCount = recovered.quarantined() > 0 ? 0 : appendQuarantine(refined.quarantined(), batchId, runId);
      long inserted = mergeIntoSilver(unique);
      keepPublished(refined, table);
      long duplicates = validCount - inserted - recovered.merged();
      String note = publishedBy.map(earlier -> String.format("replayed %s, published by run %s already: %,d of its events"
              + " and %,d quarantined rows are that run's", scope, earlier, recovered.merged(), recovered.quarantined()))
          .or(() -> interruptedRun.map(earlier -> String.format("recovered %s of interrupted run %s: %,d events already"
              + " merged and %,d rows already quarantined by it", scope, earlier, recovered.merged(), recovered.quarantined())))
          .orElse("");
      runs.record(new RunRecord(runId, JOB, scope, started, Instant.now(), RunRecord.SUCCEEDED,
          in, inserted, quarantinedCount, note));
      totals.add(in, inserted, quarantinedCount, duplicates);
      if (note.isEmpty()) {
        LOG.info("silver batch {}: {} bronze rows -> {} new events, {} quarantined, {} duplicates dropped",
            batchId, in, inserted, quarantinedCount, duplicates);
      } else {
        LOG.info("silver batch {}: {} bronze rows -> {} new events, {} quarantined, {} duplicates dropped; {}",
            batchId, in, inserted, quarantinedCount, duplicates, note);
      }
    } catch (RuntimeException e) {
      if (!(e instanceof QualityGateException)) { // the gate records its own failure
        recordFailure(runId, scope, started, e);
      }
      throw e;
    } finally {
      release(parsed, valid, unique);
    }
  }

  /** Best effort: when storage is what failed, the record cannot be written either (the next run then aborts it). */
  private void recordFailure(String runId, String scope, Instant started, RuntimeException failure) {
    try {
      runs.record(new RunRecord(runId, JOB, scope, started, Instant.now(), RunRecord.FAILED, 0, 0, 0,
          String.valueOf(failure.getMessage()).lines().findFirst().orElse("")));
    } catch (RuntimeException e) {
      LOG.debug("could not record the failure of {}: {}", runId, e.toString());
    }
  }

  /** What an interrupted run of the same batch had already written. */
  private record Recovered(long merged, long quarantined) {
    static final Recovered NONE = new Recovered(0, 0);
  }

  /**
   * Counts what earlier runs of this batch wrote: its quarantine rows (their run ids end in
   * {@code -b<batch id>}, unique per checkpoint; the quarantine append is all or nothing, so then
   * this run's is skipped) and the batch's events silver holds from this very bronze batch (same
   * event id and bronze ingest time: an earlier batch's copy of an event has an earlier ingest
   * time, so it is a true duplicate).
   */
  private Recovered recovered(long batchId, Dataset<Row> unique) {
    long quarantined = DeltaTable.isDeltaTable(spark, quarantineTable())
        ? spark.read().format("delta").load(quarantineTable())
            .where(col("run_id").startsWith("silver-").and(col("run_id").endsWith("-b" + batchId))).count()
        : 0;
    long merged = 0;
    if (DeltaTable.isDeltaTable(spark, silverTable())) {
      Dataset<Row> silver = spark.read().format("delta").load(silverTable()).select("event_id", "event_date", "ingested_at");
      merged = unique.select("event_id", "event_date", "ingested_at")
          .join(silver, scala.collection.JavaConverters.asScalaBuffer(List.of("event_id", "event_date", "ingested_at")).toSeq())
          .count();
    }
    return new Recovered(merged, quarantined);
  }

  private static void release(Dataset<?>... cached) {
    for (Dataset<?> dataset : cached) {
      if (dataset != null) {
        dataset.unpersist();
      }
    }
  }

  /** Adds up a run's batches. */
  private static final class RunTotals {
    private int batches;
    private long rowsIn;
    private long rowsOut;
    private long quarantined;
    private long duplicates;

    void add(long in, long out, long quarantinedRows, long duplicateRows) {
      batches++;
      rowsIn += in;
      rowsOut += out;
      quarantined += quarantinedRows;
      duplicates += duplicateRows;
    }

    SilverRunResult result(Duration duration) {
      return new SilverRunResult(batches, rowsIn, rowsOut, quarantined, duplicates, duration);
    }
  }

  /** Idempotent per batch: Delta skips an append whose (txnAppId, txnVersion) it has seen. */
  private long appendQuarantine(Dataset<Row> rows, long batchId, String runId) {
    Dataset<Row> quarantine = rows
        .withColumn("run_id", lit(runId))
        .withColumn("quarantined_at", current_timestamp())
        .select(columns(SilverSchema.QUARANTINE_COLUMNS))
        .cache();
    long count = quarantine.count();
    quarantine.write().format("delta").mode("append").partitionBy("ingest_date")
        .option("txnAppId", "quarantine_" + SilverSchema.EVENTS).option("txnVersion", batchId)
        .save(quarantineTable());
    quarantine.unpersist();
    return count;
  }

  /**
   * Insert-only MERGE on event_id, pruned to the event dates the batch touches, so its cost
   * follows the batch. Idempotent: a re-run inserts nothing it inserted before. Returns the
   * number of rows inserted.
   */
  private long mergeIntoSilver(Dataset<Row> unique) {
    if (!DeltaTable.isDeltaTable(spark, silverTable())) {
      unique.limit(0).write().format("delta").partitionBy("event_date").save(silverTable());
    }
    List<String> dates = unique.select("event_date").distinct().collectAsList().stream()
        .map(row -> "DATE'" + row.getDate(0) + "'").toList();
    if (dates.isEmpty()) {
      return 0;
    }
    DeltaTable silver = DeltaTable.forPath(spark, silverTable());
    long versionBefore = silver.history(1).select("version").first().getLong(0);
    silver.as("silver")
        .merge(unique.as("batch"), "silver.event_date IN (" + String.join(", ", dates) + ") AND silver.event_id = batch.event_id")
        .whenNotMatched().insertAll()
        .execute();
    // a MERGE that inserts nothing makes no commit: then the last entry is someone else's
    Row last = silver.history(1).select("version", "operationMetrics").first();
    if (last.getLong(0) == versionBefore) {
      return 0;
    }
    scala.collection.Map<String, String> metrics = last.getMap(1);
    return Long.parseLong(metrics.get("numTargetRowsInserted").getOrElse(() -> "0"));
  }

  private static Column[] columns(List<String> names) {
    return names.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }
}
