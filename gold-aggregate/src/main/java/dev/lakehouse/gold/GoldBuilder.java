package dev.lakehouse.gold;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakehouse.core.spark.TrustedSessions;
import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.partition.DateRange;
import dev.lakehouse.core.runs.RunLog;
import dev.lakehouse.core.runs.RunRecord;
import dev.lakehouse.core.storage.ConflictRetry;
import dev.lakehouse.core.storage.TableLocations;
import io.delta.tables.DeltaTable;
import java.sql.Date;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds gold tables from the silver tables, one event date at a time: each definition's query
 * runs over that date's rows of the append tables it reads and over the upsert tables it reads
 * whole (each read at one pinned version; which tables a query reads comes from its parsed plan)
 * and replaces the date's
 * partition in one commit (replaceWhere), so a rebuild is idempotent and readers see the old or
 * the new partition, never a mix. Other dates' files are not touched. A date is rebuilt when any
 * append table its query reads changed on that date after the build; a change to an upsert table
 * (a dimension) rebuilds nothing: an as-of join on its history keeps past dates stable, and
 * {@code rerun gold} rebuilds on demand.
 *
 * <p>Concurrent builds of the same date (a rerun while the daily job runs) are safe: Delta
 * refuses the commit that lost the race and it is retried; {@link GoldBuildLog} keeps the record
 * of the data that landed last. An instance is not thread-safe; use one per thread.
 */
public final class GoldBuilder {

  public static final String JOB = "gold";
  public static final String RERUN_JOB = "gold-rerun";
  private static final Logger LOG = LoggerFactory.getLogger(GoldBuilder.class);
  private static final int WRITERS = 2;

  /** A session of its own, so the {@code silver_events} view of one build is not another's. */
  private final SparkSession session;
  private final TableLocations locations;
  private final List<GoldDefinition> definitions;
  /** Silver table → its history; only the tables some definition reads. */
  private final Map<String, SilverHistory> silver = new TreeMap<>();
  /** Gold table → the silver tables its query reads. */
  private final Map<String, List<SilverInput>> reads = new LinkedHashMap<>();
  /** The upsert tables among them, read whole. */
  private final Set<String> wholeTables = new HashSet<>();
  /** During a build: each upsert table read, with the version it was read at. */
  private final Map<String, Map.Entry<Long, Dataset<Row>>> wholeRows = new TreeMap<>();
  private final GoldBuildLog builds;
  private final RunLog runs;

  /** Over the built-in {@code events} table (tests and tools). */
  public GoldBuilder(SparkSession spark, LakehouseConfig config, List<GoldDefinition> definitions) {
    this(spark, new TableLocations(config.storage()), definitions,
        List.of(new SilverInput("events", new TableLocations(config.storage()).silver("events"), null)));
  }

  /** @param inputs the append silver tables gold queries may read */
  public GoldBuilder(SparkSession spark, TableLocations locations, List<GoldDefinition> definitions, List<SilverInput> inputs) {
    this.session = TrustedSessions.newSession(requireNonNull(spark, "spark is null"));
    this.locations = requireNonNull(locations, "locations is null");
    this.definitions = List.copyOf(definitions);
    for (GoldDefinition definition : this.definitions) {
      List<SilverInput> read = readsOf(definition, inputs);
      reads.put(definition.table(), read);
      read.forEach(input -> silver.computeIfAbsent(input.table(), table -> new SilverHistory(session, input.path())));
      read.stream().filter(SilverInput::whole).forEach(input -> wholeTables.add(input.table()));
    }
    this.builds = new GoldBuildLog(session, locations);
    this.runs = new RunLog(session, locations);
  }

  /** The silver tables a gold query reads: the relations of its parsed plan that name a silver input. */
  public static List<SilverInput> readsOf(GoldDefinition definition, List<SilverInput> inputs) {
    java.util.Set<String> relations;
    try {
      relations = dev.lakehouse.core.definitions.SqlRelations.of(definition.sql());
    } catch (org.apache.spark.sql.catalyst.parser.ParseException e) {
      throw new LakehouseException("gold definition " + definition.table() + " (" + definition.origin()
          + ") is not valid SQL: " + firstLine(e));
    } catch (IllegalArgumentException e) { // a command would run, not compile: never accepted as a definition
      throw new LakehouseException("gold definition " + definition.table() + " (" + definition.origin() + ") " + e.getMessage());
    }
    List<SilverInput> read = inputs.stream()
        .filter(input -> input.viewNames().stream().anyMatch(relations::contains)).toList();
    if (!read.isEmpty() && read.stream().allMatch(SilverInput::whole)) {
      throw new LakehouseException("gold definition " + definition.table() + " (" + definition.origin()
          + ") reads only upsert tables " + read.stream().map(SilverInput::table).toList() + "; gold is built per event_date"
          + " of the append tables it reads, so it must read at least one "
          + (inputs.stream().noneMatch(input -> !input.whole()) ? "(the pipeline has none: declare one with mode: append)"
              : "of " + inputs.stream().filter(input -> !input.whole()).map(SilverInput::table).toList()));
    }
    if (read.isEmpty()) {
      boolean qualified = relations.stream().anyMatch(name -> name.startsWith("silver."));
      throw new LakehouseException("gold definition " + definition.table() + " (" + definition.origin()
          + ") reads no silver table; it reads " + relations + ", the silver tables are "
          + inputs.stream().map(SilverInput::table).toList()
          + (qualified ? " (write FROM <table>, not silver.<table>: gold sees each table's rows of the date being built)" : ""));
    }
    return read;
  }

  /** Silver table → the gold tables that read it. */
  public Map<String, List<String>> readers() {
    Map<String, List<String>> readers = new TreeMap<>();
    reads.forEach((gold, inputs) -> inputs.forEach(input ->
        readers.computeIfAbsent(input.table(), table -> new ArrayList<>()).add(gold)));
    return readers;
  }

  public List<GoldDefinition> definitions() {
    return definitions;
  }

  public String goldTable(String table) {
    return locations.gold(table);
  }

  public String goldFolder() {
    return locations.folder(dev.lakehouse.core.storage.Layer.GOLD);
  }

  /**
   * The dates that need a build: dates never built, and dates on which a silver table the gold
   * table reads changed (late events, silver reruns) after their gold was built, per table.
   */
  public GoldPlan plan() {
    requireSilver();
    Map<String, Long> versions = currentVersions();
    Map<String, Map<LocalDate, Map<String, Long>>> built = builds.silverVersions();
    Map<String, java.util.Set<LocalDate>> silverDates = new TreeMap<>();
    Map<String, Optional<Map<LocalDate, Long>>> changes = new TreeMap<>();
    for (Map.Entry<String, SilverHistory> entry : silver.entrySet()) {
      String table = entry.getKey();
      if (wholeTables.contains(table)) {
        continue; // an upsert table decides no date
      }
      long version = versions.get(table);
      silverDates.put(table, version < 0 ? Set.of() : entry.getValue().dates(version));
      OptionalLong oldestBuild = built.values().stream().flatMap(dates -> dates.values().stream())
          .map(read -> read.get(table)).filter(java.util.Objects::nonNull).mapToLong(Long::longValue).min();
      changes.put(table, oldestBuild.isPresent() && version >= 0
          ? entry.getValue().changesAfter(oldestBuild.getAsLong(), version) : Optional.of(Map.of()));
    }
    Map<LocalDate, Map<String, String>> reasons = new TreeMap<>();
    for (GoldDefinition definition : definitions) {
      List<SilverInput> inputs = reads.get(definition.table()).stream().filter(input -> !input.whole()).toList();
      Map<LocalDate, Map<String, Long>> tableBuilt = built.getOrDefault(definition.table(), Map.of());
      Set<LocalDate> candidates = new HashSet<>(tableBuilt.keySet());
      inputs.forEach(input -> candidates.addAll(silverDates.get(input.table())));
      for (LocalDate date : candidates) {
        staleness(inputs, tableBuilt.get(date), date, changes, versions)
            .ifPresent(reason -> reasons.computeIfAbsent(date, d -> new TreeMap<>()).put(definition.table(), reason));
      }
    }
    return new GoldPlan(versions, reasons.entrySet().stream().map(entry -> new DatePlan(entry.getKey(), entry.getValue())).toList());
  }

  private static Optional<String> staleness(List<SilverInput> inputs, Map<String, Long> builtFrom, LocalDate date,
      Map<String, Optional<Map<LocalDate, Long>>> changes, Map<String, Long> versions) {
    if (builtFrom == null) {
      return Optional.of("never built");
    }
    for (SilverInput input : inputs) {
      // one input keeps the words of the single-table days: "silver changed in version …"
      String name = inputs.size() == 1 ? "silver" : "silver." + input.table();
      Long from = builtFrom.get(input.table());
      if (from == null) {
        return Optional.of("never built from " + name);
      }
      Optional<Map<LocalDate, Long>> tableChanges = changes.get(input.table());
      if (tableChanges.isEmpty() && from < versions.get(input.table())) {
        return Optional.of("built from " + name + " version " + from + ", whose later history Delta no longer keeps");
      }
      Optional<String> changed = tableChanges.flatMap(map -> Optional.ofNullable(map.get(date))).filter(version -> version > from)
          .map(version -> name + " changed in version " + version + ", after the build from version " + from);
      if (changed.isPresent()) {
        return changed;
      }
    }
    return Optional.empty();
  }

  /** Every table for every date of {@code range}, whatever its state ({@code gold --date}, reruns). */
  public GoldPlan planRange(DateRange range) {
    requireSilver();
    Map<String, Map<LocalDate, Map<String, Long>>> built = builds.silverVersions();
    List<DatePlan> dates = new ArrayList<>();
    for (LocalDate date : range.dates()) {
      Map<String, String> reasons = new TreeMap<>();
      for (GoldDefinition definition : definitions) {
        Map<String, Long> from = built.getOrDefault(definition.table(), Map.of()).get(date);
        reasons.put(definition.table(), from == null ? "requested; never built"
            : "requested; last built from silver version " + GoldPlan.versionText(from));
      }
      dates.add(new DatePlan(date, reasons));
    }
    return new GoldPlan(currentVersions(), dates);
  }

  private Map<String, Long> currentVersions() {
    Map<String, Long> versions = new TreeMap<>();
    silver.forEach((table, history) -> versions.put(table, history.currentVersion()));
    return versions;
  }

  /** Builds the plan's dates in order, telling {@code progress} after each date. */
  public GoldRunResult build(GoldPlan plan, String job, Consumer<DateBuild> progress) {
    long start = System.nanoTime();
    // per-date builds are replaceWhere overwrites: redoing an interrupted one is all it needs
    runs.abortLeftovers(job).forEach(leftover ->
        LOG.warn("{} run {} ({}) was interrupted; marked aborted", job, leftover.runId(), leftover.scope()));
    if (plan.isEmpty()) {
      Instant now = Instant.now();
      runs.record(new RunRecord(job + "-" + now.toEpochMilli() + "-" + UUID.randomUUID().toString().substring(0, 8), job,
          "no date to build: up to date with silver version " + plan.silverVersion(), now, now, RunRecord.SUCCEEDED, 0, 0, 0, ""));
    }
    List<DateBuild> done = new ArrayList<>();
    try {
      for (DatePlan date : plan.dates()) {
        DateBuild build = buildDate(date, job);
        done.add(build);
        progress.accept(build);
      }
    } finally {
      wholeRows.values().forEach(rows -> rows.getValue().unpersist());
      wholeRows.clear();
    }
    return new GoldRunResult(done, Duration.ofNanos(System.nanoTime() - start));
  }

  private DateBuild buildDate(DatePlan plan, String job) {
    Instant started = Instant.now();
    long start = System.nanoTime();
    LocalDate date = plan.date();
    String runId = job + "-" + date + "-" + started.toEpochMilli() + "-" + UUID.randomUUID().toString().substring(0, 8);
    String scope = "event_date " + date + " (" + plan.reason() + ")";
    Map<String, SilverInput> inputs = new TreeMap<>();
    plan.tables().forEach(table -> reads.get(table).forEach(input -> inputs.put(input.table(), input)));
    Map<String, Long> versions = new TreeMap<>();
    inputs.keySet().forEach(table -> versions.put(table, silver.get(table).currentVersion()));
    runs.start(RunRecord.running(runId, job, scope, started));
    session.sparkContext().setJobDescription(JOB + " " + date + " from silver version " + GoldPlan.versionText(versions));
    List<Dataset<Row>> cached = new ArrayList<>();
    List<String> views = new ArrayList<>();
    try {
      long silverRows = 0;
      for (SilverInput input : inputs.values()) {
        Dataset<Row> rows;
        if (input.whole()) {
          rows = wholeRows(input, versions.get(input.table())); // kept for the build's other dates
        } else {
          rows = dateRows(input, versions.get(input.table()), date).cache();
          cached.add(rows);
        }
        silverRows += rows.count();
        for (String view : input.viewNames()) {
          rows.createOrReplaceTempView(view);
          views.add(view);
        }
      }
      Map<String, Long> written = new LinkedHashMap<>();
      List<GoldBuildLog.Build> recorded = new ArrayList<>();
      Map<String, Commit> commits = writeTables(plan.tables(), date, runId);
      commits.forEach((table, commit) -> {
        written.put(table, commit.rows());
        Map<String, Long> read = new TreeMap<>();
        reads.get(table).forEach(input -> read.put(input.table(), versions.get(input.table())));
        recorded.add(new GoldBuildLog.Build(table, date, read, commit.version(), runId, Instant.now()));
      });
      builds.record(recorded);
      long rowsOut = written.values().stream().mapToLong(Long::longValue).sum();
      runs.record(new RunRecord(runId, job, scope, started, Instant.now(), RunRecord.SUCCEEDED, silverRows, rowsOut, 0, ""));
      LOG.debug("gold {}: {} silver rows (versions {}) -> {}", date, silverRows, versions, written);
      return new DateBuild(date, plan.reason(), versions, silverRows, written, Duration.ofNanos(System.nanoTime() - start));
    } catch (RuntimeException e) {
      runs.record(new RunRecord(runId, job, scope, started, Instant.now(), RunRecord.FAILED, 0, 0, 0,
          String.valueOf(e.getMessage())));
      throw e;
    } finally {
      views.forEach(view -> session.catalog().dropTempView(view));
      cached.forEach(Dataset::unpersist);
    }
  }

  /** An upsert table at a version, read once per build (each date reads it whole). */
  private Dataset<Row> wholeRows(SilverInput input, long version) {
    Map.Entry<Long, Dataset<Row>> kept = wholeRows.get(input.table());
    if (kept != null && kept.getKey() == version) {
      return kept.getValue();
    }
    if (kept != null) {
      kept.getValue().unpersist();
    }
    Dataset<Row> rows = dateRows(input, version, null).cache();
    wholeRows.put(input.table(), Map.entry(version, rows));
    return rows;
  }

  /**
   * The date's rows of one append table (an upsert table's rows, all of them) at a pinned
   * version; none when the table does not exist yet.
   */
  private Dataset<Row> dateRows(SilverInput input, long version, LocalDate date) {
    SilverHistory history = silver.get(input.table());
    if (version < 0) {
      return input.schema() == null
          ? session.emptyDataFrame().selectExpr("CAST(NULL AS DATE) AS " + GoldDefinition.PARTITION_COLUMN).limit(0)
          : session.createDataFrame(List.of(), input.schema());
    }
    Dataset<Row> rows = session.read().format("delta").option("versionAsOf", version).load(history.path());
    return input.whole() ? rows : rows.where(col(GoldDefinition.PARTITION_COLUMN).equalTo(lit(Date.valueOf(date))));
  }

  /**
   * Writes the tables two at a time: each commit is small and mostly waits on Delta's log, so
   * two in flight use the cores better. The queries are checked before anything is written.
   */
  private Map<String, Commit> writeTables(List<String> tables, LocalDate date, String runId) {
    Map<String, Dataset<Row>> results = new LinkedHashMap<>();
    for (String table : tables) {
      results.put(table, query(definition(table)));
    }
    ExecutorService writers = Executors.newFixedThreadPool(WRITERS, runnable -> {
      Thread thread = new Thread(runnable, "gold-writer-" + date);
      thread.setDaemon(true);
      return thread;
    });
    try {
      Map<String, Future<Commit>> pending = new LinkedHashMap<>();
      results.forEach((table, result) -> pending.put(table, writers.submit(() -> ConflictRetry.onConflict(
          "gold/" + table + " " + date, () -> replacePartition(definition(table), result, date, runId)))));
      Map<String, Commit> commits = new LinkedHashMap<>();
      for (Map.Entry<String, Future<Commit>> entry : pending.entrySet()) {
        commits.put(entry.getKey(), await(entry.getValue()));
      }
      return commits;
    } finally {
      writers.shutdownNow();
    }
  }

  private static Commit await(Future<Commit> commit) {
    try {
      return commit.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new LakehouseException("gold write failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakehouseException("interrupted while writing gold", e);
    }
  }

  /** A gold commit: its version and the rows it wrote. */
  private record Commit(long version, long rows) {}

  /**
   * Atomic per date: the partition's old files are removed and the new ones added in one Delta
   * commit. The commit carries a token in its user metadata so its version can be found even
   * when other writers commit right after it.
   */
  private Commit replacePartition(GoldDefinition definition, Dataset<Row> result, LocalDate date, String runId) {
    String path = locations.gold(definition.table());
    String token = runId + "/" + definition.table();
    try {
      result.write().format("delta").mode("overwrite").partitionBy(GoldDefinition.PARTITION_COLUMN)
          .option("replaceWhere", GoldDefinition.PARTITION_COLUMN + " = DATE'" + date + "'")
          .option("userMetadata", token)
          .save(path);
    } catch (Exception e) { // AnalysisException is checked in Java's eyes, but Scala code throws it undeclared
      if (!(e instanceof AnalysisException)) {
        throw e;
      }
      throw new LakehouseException("cannot write gold/" + definition.table() + " for " + date + ": " + firstLine(e)
          + ". If its columns changed (" + definition.origin() + "), the existing table " + path
          + " no longer matches; move it away and rebuild it with `./lakehouse rerun gold`", e);
    }
    if (!DeltaTable.isDeltaTable(session, path)) {
      return new Commit(-1, 0); // an empty result for a table that does not exist yet: nothing to create
    }
    List<Row> history = DeltaTable.forPath(session, path).history(100).select("version", "operationMetrics", "userMetadata")
        .collectAsList();
    for (Row commit : history) {
      if (token.equals(commit.getString(2))) {
        scala.collection.Map<String, String> metrics = commit.getMap(1);
        return new Commit(commit.getLong(0), Long.parseLong(metrics.get("numOutputRows").getOrElse(() -> "0")));
      }
    }
    // Delta makes no commit for an empty result replacing an empty partition: nothing changed
    return new Commit(history.isEmpty() ? -1 : history.get(0).getLong(0), 0);
  }

  private Dataset<Row> query(GoldDefinition definition) {
    Dataset<Row> result;
    try {
      result = session.sql(definition.sql());
    } catch (Exception e) {
      if (!(e instanceof AnalysisException)) {
        throw e;
      }
      throw new LakehouseException("gold definition " + definition.table() + " (" + definition.origin()
          + ") is not a valid query over the silver tables " + reads.get(definition.table()).stream()
          .map(SilverInput::table).toList() + ": " + firstLine(e), e);
    }
    boolean hasDate = false;
    for (StructField field : result.schema().fields()) {
      hasDate |= field.name().equals(GoldDefinition.PARTITION_COLUMN) && field.dataType().equals(DataTypes.DateType);
    }
    if (!hasDate) {
      throw new LakehouseException("gold definition " + definition.table() + " (" + definition.origin() + ") must return an "
          + GoldDefinition.PARTITION_COLUMN + " DATE column (the partition column); it returns " + result.schema().simpleString());
    }
    return result;
  }

  private GoldDefinition definition(String table) {
    return definitions.stream().filter(definition -> definition.table().equals(table)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no gold definition " + table));
  }

  /** Gold needs at least one silver table it reads to exist. */
  private void requireSilver() {
    if (silver.values().stream().noneMatch(SilverHistory::exists)) {
      throw LakehouseException.of("cannot build gold", "no silver table it reads exists yet ("
          + silver.values().stream().map(SilverHistory::path).toList() + ")", "refine silver first: `./lakehouse silver`");
    }
  }

  private static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
