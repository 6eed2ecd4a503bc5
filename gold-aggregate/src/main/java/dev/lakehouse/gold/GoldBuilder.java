package dev.lakehouse.gold;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import dev.lakehouse.core.spark.TrustedSessions;
import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.partition.DateRange;
import dev.lakehouse.core.runs.RunLog;
import dev.lakehouse.core.runs.RunRecord;
import dev.lakehouse.core.storage.TableLocations;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
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
 * Builds gold tables from the silver tables, by event date: each definition's query gives a
 * date's rows from that date's rows of the append tables it reads and the upsert tables it reads
 * whole (each read at one pinned version; which tables a query reads comes from its parsed plan).
 * Dates are built in batches of up to {@value #DATES_PER_BATCH}: a query that keeps dates apart
 * ({@link DateLocalQuery}) runs once over the batch's rows, any other once per date; a table's
 * results for the batch are written in one commit that replaces exactly the batch's date
 * partitions (replaceWhere on {@code event_date IN (...)}), so a batch is atomic per table
 * (readers see the old or the new partitions, never a mix), a rebuild is idempotent, and the commits and jobs a date costs are
 * shared by its batch. Other dates' files are not touched. A date is rebuilt when any append
 * table its query reads changed on that date after the build; a change to an upsert table (a
 * dimension) rebuilds nothing: an as-of join on its history keeps past dates stable, and
 * {@code rerun gold} rebuilds on demand.
 *
 * <p>Each date keeps its own run record ({@code _system/runs}) and build records; a batch that
 * fails marks all its dates failed and records no build for them, so they look stale and are
 * rebuilt, which is safe.
 *
 * <p>Concurrent builds of the same date (a rerun while the daily job runs) are safe: Delta
 * refuses the commit that lost the race and it is retried; {@link GoldBuildLog} keeps the record
 * of the data that landed last. An instance is not thread-safe; use one per thread.
 */
public final class GoldBuilder {

  public static final String JOB = "gold";
  public static final String RERUN_JOB = "gold-rerun";
  private static final Logger LOG = LoggerFactory.getLogger(GoldBuilder.class);
  /**
   * The dates built together: a quarter of daily dates in one commit per table. A date-local
   * query runs once per batch, but other queries are planned once per date of the batch, so a
   * bound keeps that planning and each commit's file list small; a batch's fixed cost (commits,
   * records, snapshots: several seconds) is what a bound that is too low costs — 33 dates cut as
   * 31 + 2 took twice the time of 33 in one.
   */
  static final int DATES_PER_BATCH = 92;
  /**
   * The most rows of append tables a batch of several dates holds: its rows are cached, and each
   * of its dates is built in one task. A date with more is built alone, with the parallelism of
   * its rows.
   */
  static final long BATCH_ROWS = 1_000_000;

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
  /** Gold tables already logged as built one date at a time. */
  private final Set<String> perDateLogged = new HashSet<>();
  private final GoldWrites writes;
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
    this.writes = new GoldWrites(session, locations);
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

  /**
   * Builds the plan's dates in order, a batch of consecutive dates at a time, telling {@code
   * progress} about each date once its batch is written.
   */
  public GoldRunResult build(GoldPlan plan, String job, Consumer<DateBuild> progress) {
    long start = System.nanoTime();
    // batches are replaceWhere overwrites: redoing an interrupted one is all it needs
    runs.abortLeftovers(job).forEach(leftover ->
        LOG.warn("{} run {} ({}) was interrupted; marked aborted", job, leftover.runId(), leftover.scope()));
    if (plan.isEmpty()) {
      Instant now = Instant.now();
      runs.record(new RunRecord(job + "-" + now.toEpochMilli() + "-" + UUID.randomUUID().toString().substring(0, 8), job,
          "no date to build: up to date with silver version " + plan.silverVersion(), now, now, RunRecord.SUCCEEDED, 0, 0, 0, ""));
      return new GoldRunResult(List.of(), Duration.ofNanos(System.nanoTime() - start));
    }
    // one version of each silver table for the whole build: a date changed meanwhile is stale, rebuilt by the next run
    Map<String, SilverInput> inputs = inputsOf(plan.dates());
    Map<String, Long> versions = new TreeMap<>();
    inputs.keySet().forEach(table -> versions.put(table, silver.get(table).currentVersion()));
    List<DateBuild> done = new ArrayList<>();
    try {
      Map<LocalDate, Map<String, Long>> silverRows = silverRows(plan.dates(), inputs.values(), versions);
      for (List<DatePlan> batch : batches(plan.dates(), silverRows)) {
        for (DateBuild build : buildBatch(batch, job, versions, silverRows)) {
          done.add(build);
          progress.accept(build);
        }
      }
    } finally {
      wholeRows.values().forEach(rows -> rows.getValue().unpersist());
      wholeRows.clear();
    }
    return new GoldRunResult(done, Duration.ofNanos(System.nanoTime() - start));
  }

  /** Silver table → input, for the tables the dates' gold tables read. */
  private Map<String, SilverInput> inputsOf(List<DatePlan> dates) {
    Map<String, SilverInput> inputs = new TreeMap<>();
    dates.forEach(date -> date.tables().forEach(table -> reads.get(table).forEach(input -> inputs.put(input.table(), input))));
    return inputs;
  }

  /** The silver tables a date's gold tables read. */
  private Set<String> readBy(DatePlan date) {
    Set<String> tables = new TreeSet<>();
    date.tables().forEach(table -> reads.get(table).forEach(input -> tables.add(input.table())));
    return tables;
  }

  /**
   * Consecutive dates, up to {@value #DATES_PER_BATCH} of them and {@value #BATCH_ROWS} rows of
   * append tables; a date with more rows is a batch of its own.
   */
  private List<List<DatePlan>> batches(List<DatePlan> dates, Map<LocalDate, Map<String, Long>> silverRows) {
    List<List<DatePlan>> batches = new ArrayList<>();
    List<DatePlan> batch = new ArrayList<>();
    long batchRows = 0;
    for (DatePlan date : dates) {
      long rows = readBy(date).stream().filter(table -> !wholeTables.contains(table))
          .mapToLong(table -> silverRows.get(date.date()).get(table)).sum();
      if (!batch.isEmpty() && (batch.size() == DATES_PER_BATCH || batchRows + rows > BATCH_ROWS)) {
        batches.add(batch);
        batch = new ArrayList<>();
        batchRows = 0;
      }
      batch.add(date);
      batchRows += rows;
    }
    batches.add(batch);
    return batches;
  }

  /**
   * Builds a batch of dates: a run record per date (so {@code status} and reruns still speak of
   * dates), but one commit per gold table for the whole batch and one per log, since a commit's
   * fixed cost, not its rows, is what a small date costs.
   */
  private List<DateBuild> buildBatch(List<DatePlan> batch, String job, Map<String, Long> versions,
      Map<LocalDate, Map<String, Long>> silverRows) {
    Instant started = Instant.now();
    long start = System.nanoTime();
    String dates = GoldWrites.datesText(batch.stream().map(DatePlan::date).toList());
    String batchId = job + "-" + dates + "-" + started.toEpochMilli() + "-" + UUID.randomUUID().toString().substring(0, 8);
    Map<LocalDate, RunRecord> running = new LinkedHashMap<>();
    for (DatePlan date : batch) {
      String runId = job + "-" + date.date() + "-" + started.toEpochMilli() + "-" + UUID.randomUUID().toString().substring(0, 8);
      running.put(date.date(), RunRecord.running(runId, job, "event_date " + date.date() + " (" + date.reason() + ")", started));
    }
    runs.start(List.copyOf(running.values()));
    Map<String, SilverInput> inputs = inputsOf(batch);
    Map<String, Long> read = new TreeMap<>(versions);
    read.keySet().retainAll(inputs.keySet());
    session.sparkContext().setJobDescription(JOB + " " + dates + " from silver version " + GoldPlan.versionText(read));
    List<Dataset<Row>> cached = new ArrayList<>();
    try {
      Map<String, GoldWrites.Commit> commits = writes.write(queries(batch, inputs.values(), versions, cached), batchId);
      // the dates were built together, not one after another: each gets an even share of the batch's time
      Duration duration = Duration.ofNanos(System.nanoTime() - start).dividedBy(batch.size());
      Instant ended = Instant.now();
      List<DateBuild> built = new ArrayList<>();
      List<GoldBuildLog.Build> recorded = new ArrayList<>();
      List<RunRecord> outcomes = new ArrayList<>();
      for (DatePlan date : batch) {
        String runId = running.get(date.date()).runId();
        Map<String, Long> written = new LinkedHashMap<>();
        for (String table : date.tables()) {
          Map<String, Long> tableRead = new TreeMap<>();
          reads.get(table).forEach(input -> tableRead.put(input.table(), versions.get(input.table())));
          GoldWrites.Commit commit = commits.get(table);
          written.put(table, commit.rows().getOrDefault(date.date(), 0L));
          recorded.add(new GoldBuildLog.Build(table, date.date(), tableRead, commit.version(), runId, ended));
        }
        Map<String, Long> dateRead = new TreeMap<>(versions);
        dateRead.keySet().retainAll(readBy(date));
        long rowsIn = dateRead.keySet().stream().mapToLong(table -> silverRows.get(date.date()).get(table)).sum();
        long rowsOut = written.values().stream().mapToLong(Long::longValue).sum();
        outcomes.add(new RunRecord(runId, job, running.get(date.date()).scope(), started, ended, RunRecord.SUCCEEDED,
            rowsIn, rowsOut, 0, ""));
        built.add(new DateBuild(date.date(), date.reason(), dateRead, rowsIn, written, duration));
      }
      builds.record(recorded);
      runs.record(outcomes);
      LOG.debug("gold {} from silver versions {}: {}", dates, read, commits);
      return built;
    } catch (RuntimeException e) {
      Instant failed = Instant.now();
      runs.record(running.values().stream().map(run -> new RunRecord(run.runId(), job, run.scope(), started, failed,
          RunRecord.FAILED, 0, 0, 0, String.valueOf(e.getMessage()))).toList());
      throw e;
    } finally {
      cached.forEach(Dataset::unpersist);
    }
  }

  /**
   * Date → silver table → its rows the date's queries see: an append table's rows of the date,
   * counted for all dates in one aggregate query; an upsert table's rows, all of them.
   */
  private Map<LocalDate, Map<String, Long>> silverRows(List<DatePlan> plan, Collection<SilverInput> inputs,
      Map<String, Long> versions) {
    List<LocalDate> dates = plan.stream().map(DatePlan::date).toList();
    Map<LocalDate, Map<String, Long>> counts = new TreeMap<>();
    dates.forEach(date -> counts.put(date, new TreeMap<>()));
    for (SilverInput input : inputs) {
      long version = versions.get(input.table());
      Map<LocalDate, Long> byDate = new HashMap<>();
      if (input.whole()) {
        long rows = wholeRows(input, version).count();
        dates.forEach(date -> byDate.put(date, rows));
      } else if (version >= 0) {
        for (Row row : datesRows(input, version, dates).groupBy(GoldDefinition.PARTITION_COLUMN).count().collectAsList()) {
          byDate.put(row.getDate(0).toLocalDate(), row.getLong(1));
        }
      }
      dates.forEach(date -> counts.get(date).put(input.table(), byDate.getOrDefault(date, 0L)));
    }
    return counts;
  }

  /**
   * Gold table → its query's result for the batch's dates that need it. The queries are checked
   * before anything is written.
   *
   * <p>An append table's rows of the batch are read once and cached ({@code cached} gets them):
   * a Delta scan per date would list and prune the table's files once per date. A query that is
   * date-local ({@link DateLocalQuery}: its result over several dates is the union of its results
   * per date) runs once over all its dates' rows, with the parallelism of those rows. Any other
   * query runs once per date over that date's rows, and the results are unioned: each is analyzed
   * when it is made, so it keeps the rows the views held then. In a batch of several dates each
   * such date's rows are one partition, so its query runs as a few one-task stages (see {@link
   * GoldWrites#write}); the batch's row bound keeps them small, and the dates, run side by side,
   * give the parallelism. A date alone keeps the parallel plan: its data may be big.
   */
  private Map<GoldDefinition, GoldWrites.Result> queries(List<DatePlan> batch, Collection<SilverInput> inputs,
      Map<String, Long> versions, List<Dataset<Row>> cached) {
    List<LocalDate> dates = batch.stream().map(DatePlan::date).toList();
    Map<String, Dataset<Row>> batchRows = new TreeMap<>();
    for (SilverInput input : inputs) {
      long version = versions.get(input.table());
      if (!input.whole() && version >= 0) {
        Dataset<Row> rows = datesRows(input, version, dates).cache();
        cached.add(rows);
        rows.count(); // filled here, once: adaptive execution would fill it in a job per scan of it
        batchRows.put(input.table(), rows);
      }
    }
    Map<GoldDefinition, List<LocalDate>> datesOf = new LinkedHashMap<>();
    batch.forEach(date -> date.tables().forEach(table ->
        datesOf.computeIfAbsent(definition(table), definition -> new ArrayList<>()).add(date.date())));
    Map<GoldDefinition, GoldWrites.Result> results = new LinkedHashMap<>();
    Set<String> views = new TreeSet<>();
    try {
      for (Map.Entry<GoldDefinition, List<LocalDate>> entry : datesOf.entrySet()) {
        GoldDefinition definition = entry.getKey();
        List<LocalDate> tableDates = entry.getValue();
        if (tableDates.size() > 1) {
          registerViews(inputs, tableDates, versions, batchRows, dates.size(), views);
          Dataset<Row> atOnce = query(definition);
          Optional<String> whyNot = DateLocalQuery.whyNot(atOnce.queryExecution().analyzed(),
              viewNames(inputs, false), viewNames(inputs, true));
          if (whyNot.isEmpty()) {
            // one file per date, as a date built alone writes
            results.put(definition, new GoldWrites.Result(tableDates,
                atOnce.repartition(col(GoldDefinition.PARTITION_COLUMN)), false));
            continue;
          }
          if (perDateLogged.add(definition.table())) {
            LOG.info("gold {} is built one date at a time in a batch: {}", definition.table(), whyNot.get());
          }
        }
        List<Dataset<Row>> perDate = new ArrayList<>();
        for (LocalDate date : tableDates) {
          registerViews(inputs, List.of(date), versions, batchRows, dates.size(), views);
          perDate.add(GoldWrites.ownDateOnly(query(definition), definition, date));
        }
        results.put(definition, new GoldWrites.Result(tableDates, unionByName(perDate), dates.size() > 1));
      }
    } finally {
      // the session catalog's drop: Catalog.dropTempView would also uncache an upsert table's
      // rows, which are registered as they are and cached for every batch of the build
      views.forEach(view -> session.sessionState().catalog().dropTempView(view));
    }
    return results;
  }

  /**
   * Registers every input under its view names: an append table's rows of {@code dates} (of the
   * batch's cached rows; in one partition for a date of a batch of several), an upsert table whole.
   */
  private void registerViews(Collection<SilverInput> inputs, List<LocalDate> dates, Map<String, Long> versions,
      Map<String, Dataset<Row>> batchRows, int batchDates, Set<String> views) {
    for (SilverInput input : inputs) {
      Dataset<Row> rows;
      if (input.whole()) {
        rows = wholeRows(input, versions.get(input.table()));
      } else if (!batchRows.containsKey(input.table())) {
        rows = rows(input, -1);
      } else if (dates.size() == batchDates) {
        rows = batchRows.get(input.table());
      } else {
        rows = batchRows.get(input.table()).where(col(GoldDefinition.PARTITION_COLUMN).isin(GoldWrites.sqlDates(dates)));
        rows = dates.size() == 1 && batchDates > 1 ? rows.coalesce(1) : rows;
      }
      for (String view : input.viewNames()) {
        rows.createOrReplaceTempView(view);
        views.add(view);
      }
    }
  }

  private static Set<String> viewNames(Collection<SilverInput> inputs, boolean whole) {
    Set<String> names = new HashSet<>();
    inputs.stream().filter(input -> input.whole() == whole)
        .forEach(input -> input.viewNames().forEach(name -> names.add(name.toLowerCase(Locale.ROOT))));
    return names;
  }

  /**
   * All of them, unioned by column name in a balanced tree: each union analyzes its whole plan
   * again, so unioning one at a time would cost the square of the dates.
   */
  private static Dataset<Row> unionByName(List<Dataset<Row>> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    int half = parts.size() / 2;
    return unionByName(parts.subList(0, half)).unionByName(unionByName(parts.subList(half, parts.size())));
  }

  /** The rows of some dates of an append table at a pinned version. */
  private Dataset<Row> datesRows(SilverInput input, long version, List<LocalDate> dates) {
    return rows(input, version).where(col(GoldDefinition.PARTITION_COLUMN).isin(GoldWrites.sqlDates(dates)));
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
    Dataset<Row> rows = rows(input, version).cache();
    wholeRows.put(input.table(), Map.entry(version, rows));
    return rows;
  }

  /** A silver table's rows at a pinned version; none when the table does not exist yet. */
  private Dataset<Row> rows(SilverInput input, long version) {
    if (version < 0) {
      return input.schema() == null
          ? session.emptyDataFrame().selectExpr("CAST(NULL AS DATE) AS " + GoldDefinition.PARTITION_COLUMN).limit(0)
          : session.createDataFrame(List.of(), input.schema());
    }
    return session.read().format("delta").option("versionAsOf", version).load(silver.get(input.table()).path());
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

  static String firstLine(Exception e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
