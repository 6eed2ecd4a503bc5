package dev.lakehouse.silver;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.definitions.BuiltInPipeline;
import dev.lakehouse.core.definitions.SilverTableDefinition;
import dev.lakehouse.core.partition.DateRange;
import dev.lakehouse.core.runs.RunLog;
import dev.lakehouse.core.runs.RunRecord;
import dev.lakehouse.core.spark.JobPhase;
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
import java.time.LocalDate;
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
 * {@code lakehouse silver} for one table: refines the bronze rows that arrived since the
 * last successful run (a Delta stream of {@code bronze/<source>} with the table's own checkpoint,
 * AvailableNow) into {@code silver/<table>}, sending invalid rows to {@code quarantine/<table>}.
 *
 * <p>Exactly once: a batch's offsets are committed to the checkpoint only after its writes;
 * a crash before that re-runs the batch, and both writes are idempotent for it: the quarantine
 * append carries the Delta transaction id (txnAppId = the checkpoint's query id, version = the
 * batch id), the silver MERGE inserts only keys it does not have (append tables) or applies only
 * versions newer than what it holds ({@link CurrentStateWriter}, {@link HistoryWriter} for upsert
 * tables). A batch that fails the quality gate writes nothing and is retried by the next run.
 */
public final class SilverRefine {

  public static final String JOB = "silver";
  /** The local property Structured Streaming sets to the query's id (stable across restarts of one checkpoint). */
  private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";
  private static final Logger LOG = LoggerFactory.getLogger(SilverRefine.class);

  private final SparkSession spark;
  private final TableLocations locations;
  private final SilverTableDefinition table;
  private final ExpectationSuite tableSuite;
  private final TableRefiner refiner;
  private final SilverTableSchema schema;
  private final QualityResultsStore results;
  private final RunLog runs;
  /** Deequ metrics of published batches; their row count is checked against earlier ones. */
  private final MetricsHistory history;
  /** Upsert tables: how versions are applied; empty for append tables. */
  private final Optional<VersionWriter> versions;
  /** Totals of the run in progress; foreachBatch adds to them on the driver. */
  private RunTotals totals = new RunTotals();
  /** Scopes ("bronze batch N") of interrupted runs found at this run's start, with their run ids. */
  private java.util.Map<String, String> interrupted = java.util.Map.of();
  /** A restarted stream replays at most its first batch: only that one can have been published already. */
  private boolean firstBatchOfRun;

  /** The built-in {@code events} table (tests and tools). */
  public SilverRefine(SparkSession spark, LakehouseConfig config, ExpectationSuite suite) {
    this(spark, new TableLocations(config.storage()), BuiltInPipeline.events(), suite);
  }

  public SilverRefine(SparkSession spark, TableLocations locations, SilverTableDefinition table, ExpectationSuite suite) {
    this.spark = requireNonNull(spark, "spark is null");
    this.locations = requireNonNull(locations, "locations is null");
    this.table = requireNonNull(table, "table is null");
    this.tableSuite = new ExpectationSuite(suite.name(), suite.of(ExpectationType.Scope.TABLE));
    this.refiner = new TableRefiner(table, suite);
    this.schema = new SilverTableSchema(spark, table, locations.silver(table.name()));
    this.results = new QualityResultsStore(spark, locations);
    this.runs = new RunLog(spark, locations);
    this.history = new MetricsHistory(locations.system("deequ_metrics") + "/silver_" + table.name() + ".json", 0.2, 5.0);
    this.versions = table.isAppend() ? Optional.empty() : Optional.of(versionWriter(spark, locations, table, refiner, schema));
  }

  private static VersionWriter versionWriter(SparkSession spark, TableLocations locations, SilverTableDefinition table,
      TableRefiner refiner, SilverTableSchema schema) {
    DeleteLog deletes = new DeleteLog(spark, table, deleteLog(locations, table.name()));
    return table.isHistory()
        ? new HistoryWriter(refiner, locations.silver(table.name()), schema, deletes)
        : new CurrentStateWriter(refiner, locations.silver(table.name()), schema, deletes);
  }

  /** Where an upsert table's deletes are kept ({@link DeleteLog}). */
  public static String deleteLog(TableLocations locations, String table) {
    return locations.system("deletes_" + table);
  }

  public SilverTableDefinition table() {
    return table;
  }

  public String silverTable() {
    return locations.silver(table.name());
  }

  public String quarantineTable() {
    return locations.quarantine(table.name());
  }

  /** The streaming query's name, and its checkpoint's, of a silver table. */
  public static String queryName(String table) {
    return "silver_" + table;
  }

  /** The run log's scope prefix of this table's runs. */
  public static String scopePrefix(String table) {
    return table + ": ";
  }

  public SilverRunResult run() {
    String bronze = requireBronze();
    if (!table.isAppend()) { // before any batch: a changed key, sequence or history setting needs a rebuild
      schema.refuseIncompatible(refiner.emptySilver(spark).schema(), "`./lakehouse rerun silver --table " + table.name() + "`");
    }
    totals = new RunTotals();
    interrupted = new java.util.HashMap<>();
    firstBatchOfRun = true;
    for (RunLog.Leftover leftover : runs.abortLeftovers(JOB, scopePrefix(table.name()))) {
      interrupted.put(leftover.scope(), leftover.runId());
      LOG.warn("silver run {} ({}) was interrupted; marked aborted, its batch is redone now", leftover.runId(), leftover.scope());
    }
    long start = System.nanoTime();
    spark.sparkContext().setJobDescription("silver refine " + bronze + " -> " + silverTable());
    StreamingQuery query;
    try {
      query = spark.readStream().format("delta").load(bronze)
            .writeStream()
            .queryName(queryName(table.name()))
            .option("checkpointLocation", locations.checkpoint(queryName(table.name())))
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
    requireAppend();
    String bronze = requireBronze();
    long start = System.nanoTime();
    Instant started = Instant.now();
    String runId = "silver-rerun-" + started.toEpochMilli();
    String scope = scopePrefix(table.name()) + "event_date " + range;
    startRerun(runId, scope, started);
    spark.sparkContext().setJobDescription("silver rerun " + range);
    Dataset<Row> parsed = refiner.parse(spark.read().format("delta").load(bronze)).where(range.predicate("event_date")).cache();
    List<LocalDate> silverDates = silverDates();
    Dataset<Row> valid = null;
    Dataset<Row> unique = null;
    try {
      long in = parsed.count();
      TableRefiner.Refined refined = refiner.validate(parsed, runId);
      valid = refined.valid().cache();
      long validCount = valid.count();
      unique = refiner.firstArrivals(valid).select(refiner.silverColumns()).cache();
      long out = unique.count();
      Validation tableResult = gate(unique, firstArrivalKey(), refined, runId, scope, started, in);
      writeRebuild(unique, range, silverDates);
      keepPublished(refined, tableResult);
      runs.record(new RunRecord(runId, JOB + "-rerun", scope, started, Instant.now(), RunRecord.SUCCEEDED, in, out, 0, ""));
      LOG.info("silver rerun {} of {}: {} rows written from {} bronze rows of those dates", range, table.name(), out, in);
      return new SilverRunResult(1, in, out, 0, validCount - out, Duration.ofNanos(System.nanoTime() - start));
    } finally {
      release(parsed, valid, unique);
    }
  }

  /**
   * {@code rerun silver --table <upsert table>}: rebuilds the whole table from all of bronze (every
   * version, applied in sequence order) and replaces it in one commit, with the definition's
   * schema; the delete log is replaced with it. Safe to repeat. Quarantine is not rewritten.
   */
  public SilverRunResult rebuildWhole() {
    VersionWriter writer = versions.orElseThrow(() -> new LakehouseException("silver." + table.name()
        + " is an append table, partitioned by event_date: rebuild it with --from and --to"));
    String bronze = requireBronze();
    long start = System.nanoTime();
    Instant started = Instant.now();
    String runId = "silver-rerun-" + started.toEpochMilli();
    String scope = scopePrefix(table.name()) + "every version";
    startRerun(runId, scope, started);
    spark.sparkContext().setJobDescription("silver rerun " + table.name());
    Dataset<Row> parsed = refiner.parse(spark.read().format("delta").load(bronze)).cache();
    Dataset<Row> valid = null;
    try {
      long in = parsed.count();
      long tombstones = refiner.tombstones(parsed);
      TableRefiner.Refined refined = refiner.validate(parsed, runId);
      valid = refined.valid().cache();
      long validCount = valid.count();
      try (VersionWriter.Batch batch = writer.planRebuild(valid)) {
        Validation tableResult = gate(batch.published(), List.of(), refined, runId, scope, started, in);
        VersionWriter.Applied applied = batch.write(runId);
        keepPublished(refined, tableResult);
        runs.record(new RunRecord(runId, JOB + "-rerun", scope, started, Instant.now(), RunRecord.SUCCEEDED, in,
            applied.inserted(), 0, ""));
        LOG.info("silver rerun of {}: {} rows written from {} bronze rows ({} valid versions)", table.name(),
            applied.inserted(), in, validCount);
        return new SilverRunResult(1, in, applied.inserted(), 0, Math.max(0, validCount - applied.inserted()), 0, 0, tombstones,
            Duration.ofNanos(System.nanoTime() - start));
      }
    } finally {
      release(parsed, valid);
    }
  }

  /** Marks an interrupted earlier rerun of this table aborted, and this one running. */
  private void startRerun(String runId, String scope, Instant started) {
    runs.abortLeftovers(JOB + "-rerun", scopePrefix(table.name())).forEach(leftover ->
        LOG.warn("silver rerun {} ({}) was interrupted; marked aborted", leftover.runId(), leftover.scope()));
    runs.start(RunRecord.running(runId, JOB + "-rerun", scope, started));
  }

  /**
   * Replaces the range's partitions in one commit (replaceWhere). When the definition changed a
   * column's type, the key or the mode, only a rebuild of every date the table holds can apply
   * it: then the whole table is replaced in one commit, with the new schema.
   */
  private void writeRebuild(Dataset<Row> unique, DateRange range, List<LocalDate> silverDates) {
    Optional<String> incompatible = schema.incompatibility(unique.schema());
    if (incompatible.isEmpty()) {
      Dataset<Row> aligned = schema.prepare(unique, "");
      aligned.write().format("delta").mode("overwrite").partitionBy(SilverTableDefinition.EVENT_DATE)
          .option("replaceWhere", range.predicate(SilverTableDefinition.EVENT_DATE))
          .save(silverTable());
      return;
    }
    if (!silverDates.stream().allMatch(range::contains)) {
      throw new LakehouseException("silver." + table.name() + " does not match its definition: " + incompatible.get()
          + ". Such a change rebuilds every date at once: " + rebuildHint(silverDates));
    }
    unique.write().format("delta").mode("overwrite").partitionBy(SilverTableDefinition.EVENT_DATE)
        .option("overwriteSchema", "true")
        .save(silverTable());
    schema.setProperties();
    LOG.info("silver.{} rebuilt with its new definition ({})", table.name(), incompatible.get());
  }

  private String rebuildHint(List<LocalDate> silverDates) {
    if (silverDates.isEmpty()) {
      return "`./lakehouse rerun silver --table " + table.name() + " --from D --to D` over every date";
    }
    return "`./lakehouse rerun silver --table " + table.name() + " --from " + silverDates.get(0) + " --to "
        + silverDates.get(silverDates.size() - 1) + "`";
  }

  /** The event dates silver holds, in order (none before the first run, nor in a table that was an upsert table). */
  private List<LocalDate> silverDates() {
    if (!DeltaTable.isDeltaTable(spark, silverTable())) {
      return List.of();
    }
    Dataset<Row> silver = spark.read().format("delta").load(silverTable());
    if (!List.of(silver.columns()).contains(SilverTableDefinition.EVENT_DATE)) {
      return List.of();
    }
    return silver.select(SilverTableDefinition.EVENT_DATE).distinct()
        .collectAsList().stream().filter(row -> !row.isNullAt(0)).map(row -> row.getDate(0).toLocalDate()).sorted().toList();
  }

  private void requireAppend() {
    if (!table.isAppend()) {
      throw LakehouseException.of("cannot rebuild dates of silver." + table.name(), "it is an upsert table (" + table.origin()
          + "), which is not partitioned by date", "rebuild it whole with `./lakehouse rerun silver --table " + table.name() + "`");
    }
  }

  /** Silver rows on the dates of {@code range} now (0 before the first run); an upsert table's rows, all of them. */
  public long eventsIn(DateRange range) {
    if (!DeltaTable.isDeltaTable(spark, silverTable())) {
      return 0;
    }
    Dataset<Row> silver = spark.read().format("delta").load(silverTable());
    return table.isAppend() && List.of(silver.columns()).contains(SilverTableDefinition.EVENT_DATE)
        ? silver.where(range.predicate("event_date")).count() : silver.count();
  }

  /** Whether the bronze table exists yet (a fresh lake has none until the first ingest). */
  public boolean bronzeExists() {
    return DeltaTable.isDeltaTable(spark, locations.bronze(table.source()));
  }

  private String requireBronze() {
    String bronze = locations.bronze(table.source());
    if (!DeltaTable.isDeltaTable(spark, bronze)) {
      throw LakehouseException.of("cannot refine silver." + table.name(), bronze + " is not a Delta table yet",
          "ingest first: `./lakehouse ingest --once --source " + table.source() + "`");
    }
    return bronze;
  }

  /** The key an append table's first arrivals hold one row per value of, when no valid row lacks one; else none. */
  private List<String> firstArrivalKey() {
    return refiner.validRowsHaveKeys() ? table.key() : List.of();
  }

  /**
   * Validates what would be published and stops on a failed gate, keeping both results marked
   * unpublished. A passed gate's results are kept by {@link #keepPublished} once the batch is
   * committed, so a run killed before it published leaves no result that looks published.
   *
   * @param uniqueKey the key {@code unique} holds one row per value of (none: not known)
   */
  private Validation gate(Dataset<Row> unique, List<String> uniqueKey, TableRefiner.Refined refined, String runId,
      String scope, Instant started, long in) {
    Validation result = new SuiteValidator().validate(unique, tableSuite, runId + "-table", Optional.of(history), uniqueKey);
    if (!result.gatePassed()) {
      results.saveAll(List.of(refined.validation(), result), false);
      String message = "silver." + table.name() + " (" + scope.substring(scopePrefix(table.name()).length()) + ") failed the quality gate (" + String.join(", ", result.gateFailures())
          + "); nothing was published and bronze is untouched, so the next run retries it. Result: "
          + results.jsonPath(tableSuite.name(), runId + "-table");
      runs.record(new RunRecord(runId, JOB, scope, started, Instant.now(), RunRecord.FAILED, in, 0, 0, message));
      throw new QualityGateException(message);
    }
    return result;
  }

  private void keepPublished(TableRefiner.Refined refined, Validation tableResult) {
    results.saveAll(List.of(refined.validation(), tableResult), true);
  }

  private void refineBatch(Dataset<Row> bronzeBatch, Long batchId) {
    Instant started = Instant.now();
    String runId = "silver-" + started.toEpochMilli() + "-b" + batchId;
    String scope = scopePrefix(table.name()) + "bronze batch " + batchId;
    String queryId = spark.sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
    // a batch an earlier run worked on: one that succeeded but was killed before the stream
    // recorded the batch as done (the batch is replayed; that run's record counts its events), or
    // one that was killed mid-way (its row is "aborted" now)
    Optional<String> publishedBy = firstBatchOfRun ? runs.succeededRunOf(JOB, scope) : Optional.empty();
    firstBatchOfRun = false;
    Optional<String> interruptedRun = publishedBy.isPresent() ? publishedBy : Optional.ofNullable(interrupted.get(scope));
    SparkSession session = bronzeBatch.sparkSession();
    // the stream's own session: the batch's caches live for one batch only, and compressing
    // them cost more than reading them (1M rows parsed and cached: 16.9 s compressed, 10.3 s not)
    session.conf().set("spark.sql.inMemoryColumnarStorage.compressed", "false");
    String phase = "silver " + table.name() + ": ";
    JobPhase.begin(session, phase + "run records");
    runs.start(RunRecord.running(runId, JOB, scope, started));
    Dataset<Row> parsed = refiner.parse(bronzeBatch).cache();
    Dataset<Row> valid = null;
    Dataset<Row> unique = null;
    VersionWriter.Batch planned = null;
    try {
      JobPhase.begin(session, phase + "parse");
      long in = parsed.count();
      long tombstones = refiner.tombstones(parsed);
      JobPhase.begin(session, phase + "row expectations");
      TableRefiner.Refined refined = refiner.validate(parsed, runId);
      if (versions.isPresent()) {
        JobPhase.begin(session, phase + "valid rows");
        valid = refined.valid().cache();
        valid.count();
        JobPhase.begin(session, phase + "plan versions");
        planned = versions.get().plan(valid);
        unique = planned.published();
      } else {
        // not cached on its own: the valid rows are read once, by the window that keeps first arrivals
        unique = refiner.firstArrivals(refined.valid().select(refiner.silverColumnsWithArrival()))
            .select(refiner.silverColumns()).cache();
      }
      JobPhase.begin(session, phase + "table expectations");
      Validation tableResult = gate(unique, versions.isPresent() ? List.of() : firstArrivalKey(), refined, runId, scope,
          started, in);
      if (versions.isPresent()) {
        JobPhase.begin(session, phase + "quarantine");
        long quarantinedCount = appendQuarantine(refined.quarantined(), batchId, queryId, runId).appended();
        JobPhase.begin(session, phase + "apply versions");
        VersionWriter.Applied applied = planned.write(runId);
        JobPhase.begin(session, phase + "quality results and run records");
        keepPublished(refined, tableResult);
        recordUpsertBatch(runId, scope, started, batchId, in, valid, quarantinedCount, tombstones, applied,
            interruptedRun);
        return;
      }
      Recovered recovered = interruptedRun.isPresent() ? recovered(batchId, unique) : Recovered.NONE;
      JobPhase.begin(session, phase + "quarantine");
      Quarantined quarantined = appendQuarantine(refined.quarantined(), batchId, queryId, runId);
      long quarantinedCount = quarantined.appended();
      long validCount = in - quarantined.rows(); // an append table's parsed row is valid or quarantined
      JobPhase.begin(session, phase + "merge");
      long inserted = mergeIntoSilver(unique, runId);
      JobPhase.begin(session, phase + "quality results and run records");
      keepPublished(refined, tableResult);
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
        LOG.info("silver.{} batch {}: {} bronze rows -> {} new rows, {} quarantined, {} duplicates dropped",
            table.name(), batchId, in, inserted, quarantinedCount, duplicates);
      } else {
        LOG.info("silver.{} batch {}: {} bronze rows -> {} new rows, {} quarantined, {} duplicates dropped; {}",
            table.name(), batchId, in, inserted, quarantinedCount, duplicates, note);
      }
    } catch (RuntimeException e) {
      if (!(e instanceof QualityGateException)) { // the gate records its own failure
        recordFailure(runId, scope, started, e);
      }
      throw e;
    } finally {
      if (planned != null) {
        planned.close();
      }
      release(parsed, valid, unique);
      JobPhase.end(session);
    }
  }

  /**
   * An upsert batch's record and log line. A batch an interrupted run worked on is simply redone:
   * the versions that run applied are not newer than silver's any more, so they change nothing.
   * Versions that changed nothing: for the current state, every valid record but the one applied
   * per changed key (repeats, older versions); for a history, the versions it held already (an
   * inserted version is one row, its neighbour's new interval an update).
   */
  private void recordUpsertBatch(String runId, String scope, Instant started, long batchId, long in, Dataset<Row> valid,
      long quarantined, long tombstones, VersionWriter.Applied applied, Optional<String> interruptedRun) {
    long unchanged = table.isHistory()
        ? Math.max(0, valid.where(col(TableRefiner.DELETE).equalTo(false)).count() - applied.inserted())
        : Math.max(0, valid.count() - applied.inserted() - applied.updated() - applied.deleted());
    List<String> notes = new java.util.ArrayList<>();
    if (tombstones > 0) {
      notes.add(String.format("%,d tombstones skipped", tombstones));
    }
    interruptedRun.ifPresent(earlier -> notes.add("redid " + scope.substring(scopePrefix(table.name()).length())
        + " of interrupted run " + earlier + " (versions it had applied are not applied twice)"));
    String note = String.join("; ", notes);
    runs.record(new RunRecord(runId, JOB, scope, started, Instant.now(), RunRecord.SUCCEEDED, in,
        applied.inserted() + applied.updated() + applied.deleted(), quarantined, note));
    totals.add(in, applied.inserted(), quarantined, unchanged);
    totals.addUpserts(applied.updated(), applied.deleted(), tombstones);
    LOG.info("silver.{} batch {}: {} bronze rows -> {} inserted, {} updated, {} deleted, {} quarantined, {} versions changed"
        + " nothing{}", table.name(), batchId, in, applied.inserted(), applied.updated(), applied.deleted(), quarantined,
        unchanged, note.isEmpty() ? "" : "; " + note);
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
   * this run's is skipped) and the batch's rows silver holds from this very bronze batch (same
   * key and bronze ingest time: an earlier batch's copy of a record has an earlier ingest
   * time, so it is a true duplicate).
   */
  private Recovered recovered(long batchId, Dataset<Row> unique) {
    long quarantined = DeltaTable.isDeltaTable(spark, quarantineTable())
        ? spark.read().format("delta").load(quarantineTable())
            .where(col("run_id").startsWith("silver-").and(col("run_id").endsWith("-b" + batchId))).count()
        : 0;
    long merged = 0;
    if (DeltaTable.isDeltaTable(spark, silverTable())) {
      List<String> identity = new java.util.ArrayList<>(table.key());
      identity.add(SilverTableDefinition.EVENT_DATE);
      identity.add(SilverTableDefinition.INGESTED_AT);
      Column[] identityColumns = identity.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
      Dataset<Row> silver = spark.read().format("delta").load(silverTable()).select(identityColumns);
      merged = unique.select(identityColumns)
          .join(silver, scala.collection.JavaConverters.asScalaBuffer(identity).toSeq())
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
    private long updated;
    private long deleted;
    private long tombstones;

    void add(long in, long out, long quarantinedRows, long duplicateRows) {
      batches++;
      rowsIn += in;
      rowsOut += out;
      quarantined += quarantinedRows;
      duplicates += duplicateRows;
    }

    void addUpserts(long updatedRows, long deletedRows, long skippedTombstones) {
      updated += updatedRows;
      deleted += deletedRows;
      tombstones += skippedTombstones;
    }

    SilverRunResult result(Duration duration) {
      return new SilverRunResult(batches, rowsIn, rowsOut, quarantined, duplicates, updated, deleted, tombstones, duration);
    }
  }

  /**
   * Idempotent per batch: Delta skips an append whose (txnAppId, txnVersion) it has seen, so a
   * replayed batch adds nothing (then none count as appended). The app id is the checkpoint's query id,
   * which a reset checkpoint renews along with its batch ids, so batch 0 of a new checkpoint is not
   * mistaken for batch 0 of the old one. One writer per quarantine table (its silver run), so a
   * version that did not move means Delta skipped the append.
   */
  private Quarantined appendQuarantine(Dataset<Row> rows, long batchId, String queryId, String runId) {
    Dataset<Row> quarantine = refiner.quarantineRecords(rows)
        .withColumn("run_id", lit(runId))
        .withColumn("quarantined_at", current_timestamp())
        .select(columns(TableRefiner.QUARANTINE_COLUMNS))
        .cache();
    long count = quarantine.count();
    long versionBefore = dev.lakehouse.core.storage.DeltaVersions.latest(spark, quarantineTable());
    quarantine.write().format("delta").mode("append").partitionBy("ingest_date")
        .option("txnAppId", "quarantine_" + table.name() + "_" + (queryId == null ? "unknown" : queryId))
        .option("txnVersion", batchId)
        .save(quarantineTable());
    quarantine.unpersist();
    boolean committed = dev.lakehouse.core.storage.DeltaVersions.latest(spark, quarantineTable()) > versionBefore;
    return new Quarantined(count, committed || versionBefore < 0 ? count : 0);
  }

  /** A batch's failed rows, and how many of them this run appended (0 when an earlier run had). */
  private record Quarantined(long rows, long appended) {}

  /**
   * Insert-only MERGE on the key, pruned to the event dates the batch touches, so its cost
   * follows the batch. Idempotent: a re-run inserts nothing it inserted before. Returns the
   * number of rows inserted, as the MERGE itself reports it (not read from the table's history,
   * where the newest commit may be another writer's). The commit carries the run id as its user
   * metadata, so {@code DESCRIBE HISTORY} shows which run wrote it.
   */
  private long mergeIntoSilver(Dataset<Row> unique, String runId) {
    Dataset<Row> aligned = schema.prepare(unique, "rerun every date of the table with `./lakehouse rerun silver --table "
        + table.name() + " --from <first date> --to <last date>`");
    List<String> dates = aligned.select(SilverTableDefinition.EVENT_DATE).distinct().collectAsList().stream()
        .map(row -> "DATE'" + row.getDate(0) + "'").toList();
    if (dates.isEmpty()) {
      return 0;
    }
    // the batch's own session (foreachBatch hands over the stream's clone), which holds the temp view
    SparkSession session = aligned.sparkSession();
    String batchView = "silver_batch_" + table.name();
    aligned.createOrReplaceTempView(batchView);
    String keyMatch = table.key().stream().map(key -> "silver.`" + key + "` = batch.`" + key + "`")
        .collect(java.util.stream.Collectors.joining(" AND "));
    String metadataKey = "spark.databricks.delta.commitInfo.userMetadata";
    session.conf().set(metadataKey, runId);
    try {
      Row metrics = session.sql("MERGE INTO delta.`" + silverTable() + "` AS silver USING " + batchView + " AS batch ON silver."
          + SilverTableDefinition.EVENT_DATE + " IN (" + String.join(", ", dates) + ") AND " + keyMatch
          + " WHEN NOT MATCHED THEN INSERT *").first();
      return metrics.getLong(metrics.fieldIndex("num_inserted_rows"));
    } finally {
      session.conf().unset(metadataKey);
      session.catalog().dropTempView(batchView);
    }
  }

  private static Column[] columns(List<String> names) {
    return names.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }
}
