package dev.lakehouse.views;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.lakehouse.core.spark.TrustedSessions;
import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.spark.JobPhase;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.storage.DeltaVersions;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.core.definitions.BuiltInPipeline;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.silver.TableRefiner;
import io.delta.tables.DeltaTable;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refreshes materialized views. A view whose query decomposes ({@link PartialAggregates}) keeps
 * per-group partial aggregates ({@link ViewState}) and applies only silver's changes since its
 * last refresh, plus the live tail, to them; only buckets whose rows changed are rewritten. Any
 * other view is refreshed incrementally by recomputing the buckets touched by the source rows
 * that changed since its last refresh (Delta change data between the source versions recorded
 * then and now). Either way buckets that left the window are dropped in the same Delta commit
 * (replaceWhere on the bucket column); a full refresh replaces the table in one commit. Readers
 * see the old or the new view, never a mix.
 *
 * <p>Not thread-safe; refresh one view at a time per instance (the scheduler never overlaps a
 * view with itself). After a commit, a background thread of the instance has Delta compute the
 * view table's new file state in the same session; {@link #close} waits for it.
 */
public final class ViewRefresher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ViewRefresher.class);
  private static final String ADAPTIVE_EXECUTION = "spark.sql.adaptive.enabled";
  private static final String SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions";
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  /** A session of its own, so the {@code source} view of a refresh is not another's. */
  private final SparkSession session;
  private final TableLocations locations;
  private final ViewSources sources;
  private final ViewStatusLog status;
  private final ViewState state;
  private final TailLimits tailLimits;
  /** Each view's query taken apart, by definition hash (analysis only, no data read). */
  private final Map<String, PartialAggregates.Decomposition> decompositions = new java.util.HashMap<>();
  /** Per view, what this instance's last kept-aggregate refresh wrote (its tail's buckets may change as the tail moves on). */
  private final Map<String, LastWrite> lastWrites = new java.util.HashMap<>();
  /** Computes a view table's file state after a commit, off the next refresh's path. */
  private final SnapshotWarmer snapshotWarmer;

  /** Over the built-in {@code events} table (tests and tools). */
  public ViewRefresher(SparkSession spark, LakehouseConfig config, ExpectationSuite silverSuite) {
    this(spark, new TableLocations(config.storage()), List.of(new TableRefiner(BuiltInPipeline.events(), silverSuite)));
  }

  /** @param tables the refine rules of every silver table a view may read */
  public ViewRefresher(SparkSession spark, TableLocations locations, List<TableRefiner> tables) {
    this(spark, locations, tables, TailLimits.DEFAULT);
  }

  /** @param tailLimits how much of a live tail is handled in the driver */
  ViewRefresher(SparkSession spark, TableLocations locations, List<TableRefiner> tables, TailLimits tailLimits) {
    this.session = TrustedSessions.newSession(requireNonNull(spark, "spark is null"));
    this.locations = requireNonNull(locations, "locations is null");
    this.tailLimits = requireNonNull(tailLimits, "tailLimits is null");
    this.sources = new ViewSources(session, locations, tables, tailLimits);
    this.status = new ViewStatusLog(session, locations);
    this.state = new ViewState(session, locations, sources);
    this.snapshotWarmer = new SnapshotWarmer(session);
  }

  /** Waits for the background work of the last commit (see {@link SnapshotWarmer}); refreshes no more after. */
  @Override
  public void close() {
    snapshotWarmer.close();
  }

  public String viewTable(String view) {
    return locations.view(view);
  }

  public ViewStatusLog status() {
    return status;
  }

  /** The views' kept partial aggregates. */
  ViewState state() {
    return state;
  }

  /** Whether any table behind the view's source exists yet (a fresh lake has none until the first ingest). */
  public boolean sourceExists(ViewDefinition view) {
    return sources.versions(view.source()).values().stream().anyMatch(version -> version >= 0);
  }

  /** Refreshes {@code view} now, as its policy allows, and records the outcome in {@code _system/view_status}. */
  public ViewRefresh refresh(ViewDefinition view) {
    return refresh(view, Instant.now());
  }

  /** As {@link #refresh(ViewDefinition)}, with the window ending at {@code now} (tests move the window). */
  ViewRefresh refresh(ViewDefinition view, Instant now) {
    Instant started = Instant.now();
    String refreshId = view.name() + "-" + started.toEpochMilli() + "-" + UUID.randomUUID().toString().substring(0, 8);
    Instant windowStart = windowStart(view, now);
    JobPhase.begin(session, "view " + view.name() + ": source versions and plan");
    // the refresh's session is the thread's active one while it runs: Spark's physical plans (a
    // cache's compression, for one) and Delta take their settings from the active session
    scala.Option<SparkSession> active = SparkSession.getActiveSession();
    SparkSession.setActiveSession(session);
    try {
      return runRefresh(view, refreshId, started, windowStart);
    } finally {
      JobPhase.end(session);
      if (active.isDefined()) {
        SparkSession.setActiveSession(active.get());
      } else {
        SparkSession.clearActiveSession();
      }
    }
  }

  private ViewRefresh runRefresh(ViewDefinition view, String refreshId, Instant started, Instant windowStart) {
    Map<String, Long> versions = sources.versions(view.source());
    try {
      if (versions.values().stream().allMatch(version -> version < 0)) {
        throw LakehouseException.of("cannot refresh view " + view.name(), "its source " + view.source() + " has no table yet",
            "ingest and refine first: `./lakehouse ingest --once && ./lakehouse silver`");
      }
      Optional<PartialAggregates> aggregates = view.refresh() == RefreshPolicy.FULL ? Optional.empty()
          : decomposition(view).aggregates();
      ViewRefresh refresh;
      if (aggregates.isPresent()) {
        refresh = refreshKept(view, aggregates.get(), refreshId, started, windowStart, versions);
      } else {
        Plan plan = plan(view, versions, windowStart);
        JobPhase.begin(session, "view " + view.name() + ": " + plan.mode() + " refresh");
        refresh = execute(view, plan, refreshId, started, windowStart, versions);
      }
      JobPhase.begin(session, "view " + view.name() + ": status record");
      status.record(refresh);
      LOG.debug("view {}: {} ({}), {} buckets, {} rows", view.name(), refresh.mode(), refresh.reason(), refresh.bucketsWritten(),
          refresh.rows());
      return refresh;
    } catch (RuntimeException e) {
      status.record(new ViewRefresh(view.name(), refreshId, started, Instant.now(), ViewRefresh.FAILED, "-", "-", versions,
          windowStart, 0, 0, Optional.empty(), view.definitionHash(), String.valueOf(e.getMessage())));
      throw e;
    }
  }

  /** Whether and how the view's query decomposes into partial aggregates (why not, when it does not). */
  PartialAggregates.Decomposition decomposition(ViewDefinition view) {
    return decompositions.computeIfAbsent(view.definitionHash(),
        hash -> PartialAggregates.of(session, view, sources.emptyRows(view.source())));
  }

  /**
   * A refresh through kept partial aggregates: the state follows silver's changes since the last
   * refresh, the live tail (if any) is aggregated fresh and merged in, the view's rows are
   * finished from that, and only buckets whose rows differ from the table's are written (one
   * commit, with the buckets that left the window). The cost follows the new rows and the
   * state's size, not the size of the touched buckets.
   */
  private ViewRefresh refreshKept(ViewDefinition view, PartialAggregates aggregates, String refreshId, Instant started,
      Instant windowStart, Map<String, Long> versions) {
    Object windowStartBucket = bucketValue(view, windowStart);
    String path = viewTable(view.name());
    // this instance's own last write, while nothing else has written the view since; else the status table's
    long viewVersion = DeltaVersions.latest(session, path);
    Optional<LastWrite> mine = Optional.ofNullable(lastWrites.get(view.name())).filter(last -> viewVersion == last.viewVersion());
    Optional<LastWrite> previous = mine.isPresent() ? mine : lastSucceeded(view, path);
    Optional<ViewState.Prior> prior = Optional.empty();
    String why = null;
    if (previous.isEmpty()) {
      why = "first refresh";
    } else if (!previous.get().definitionHash().equals(view.definitionHash())) {
      why = fallBack(view, "the definition changed since the last refresh").reason();
    } else {
      Map<String, Long> before = previous.get().sourceVersions();
      if (before.containsKey(ViewState.VERSION_KEY)) {
        prior = Optional.of(new ViewState.Prior(before.getOrDefault(ViewSources.SILVER, -1L), before.get(ViewState.VERSION_KEY)));
      } else {
        why = fallBack(view, "no partial aggregates kept yet").reason();
      }
    }
    JobPhase.begin(session, "view " + view.name() + ": kept partial aggregates");
    ViewState.Updated kept = state.update(view, aggregates, prior, versions.get(ViewSources.SILVER), windowStart,
        windowStartBucket, reason -> fallBack(view, reason));
    // from here on a refresh is a dozen queries over small data (the tail, the touched buckets):
    // adaptive execution would run each shuffle stage as a job of its own and plan again between
    // them (~100 ms each, twice the jobs), more than it saves here; silver-sized work above keeps it
    String adaptive = session.conf().get(ADAPTIVE_EXECUTION);
    // and small shuffles need no more partitions than there are cores (each is a task to launch)
    String shufflePartitions = session.conf().get(SHUFFLE_PARTITIONS);
    Optional<Dataset<Row>> livePartial = Optional.empty();
    try {
      session.conf().set(ADAPTIVE_EXECUTION, "false");
      session.conf().set(SHUFFLE_PARTITIONS, String.valueOf(Math.max(1,
          Math.min(Integer.parseInt(shufflePartitions), session.sparkContext().defaultParallelism()))));
      JobPhase.begin(session, "view " + view.name() + ": live tail");
      Column bucket = expr(view.bucket().expression());
      Optional<ViewSources.Tail> tail = sources.keptLiveRows(view.source(), versions, windowStart.atZone(ZoneOffset.UTC).toLocalDate());
      Optional<Dataset<Row>> live = tail.map(rows -> rows.rows().where(bucket.geq(lit(windowStartBucket))));
      // the tail's partial aggregates hold no more values than the tail has rows: for a tail of a
      // few minutes, taken into the driver and handed back as a local relation, they need no cache
      // and give their buckets without another job; a longer tail's stay on the executors, cached
      boolean smallTail = tail.map(rows -> rows.atMostRows() <= tailLimits.localPartialRows()).orElse(true);
      livePartial = live.map(aggregates::partial).map(partial -> smallTail ? local(partial) : partial.cache());
      boolean full = why != null || kept.rebuilt();
      String bucketColumn = view.bucket().column();
      // the buckets that can differ from the table's: those silver's changes touched, and those the
      // live tail covers now or covered at the last refresh, if this instance made it (else: all)
      List<Object> tailBuckets = livePartial.map(partial -> bucketsOf(partial, PartialAggregates.BUCKET)).orElse(List.of());
      Optional<java.util.Set<Object>> scope = full || (live.isPresent() && mine.isEmpty()) ? Optional.empty()
          : kept.touched().map(touched -> {
            java.util.Set<Object> buckets = new java.util.HashSet<>(touched);
            buckets.addAll(tailBuckets);
            mine.ifPresent(last -> buckets.addAll(last.tailBuckets()));
            return buckets;
          });
      JobPhase.begin(session, "view " + view.name() + ": finish and write changed buckets");
      Dataset<Row> state = within(kept.rows(), PartialAggregates.BUCKET, scope);
      Dataset<Row> finished = aggregates.finish(livePartial.map(partial -> aggregates.merge(state.unionByName(partial))).orElse(state));
      Optional<Instant> newest = java.util.stream.Stream.of(kept.newestAdded(), tail.flatMap(ViewSources.Tail::newestArrival))
          .flatMap(Optional::stream).max(Instant::compareTo);
      // the view's new rows, compared with the table's in the driver; written from that copy when
      // a view's size is modest, else recomputed by the write (a large local relation would travel
      // inside the tasks)
      List<Row> fresh = finished.collectAsList();
      org.apache.spark.sql.types.StructType schema = finished.schema();
      int bucketIndex = schema.fieldIndex(bucketColumn);
      Dataset<Row> toWrite = fresh.size() <= LastWrite.MAX_KEPT_ROWS ? session.createDataFrame(fresh, schema) : finished;
      Written written = full ? replaceAll(toWrite, fresh, bucketIndex, bucketColumn, refreshId, path)
          : replaceChanged(toWrite, fresh, bucketIndex, bucketColumn, refreshId, path, mine, scope, windowStartBucket);
      List<Object> changed = written.buckets();
      java.util.Set<Object> replaced = new java.util.HashSet<>(changed);
      long rowsWritten = fresh.stream().filter(row -> replaced.contains(row.get(bucketIndex))).count();
      Map<String, Long> recorded = new java.util.LinkedHashMap<>(versions);
      recorded.put(ViewState.VERSION_KEY, kept.version());
      Optional<Instant> newestSourceAt = newest.or(() -> previous.flatMap(LastWrite::newestSourceAt));
      // remembered only when no other writer committed since the version read at the start
      long committed = DeltaVersions.latest(session, path);
      if (committed == viewVersion
          || (committed == viewVersion + 1 && DeltaVersions.committedWith(session, path, committed, refreshId))) {
        lastWrites.put(view.name(), new LastWrite(committed, view.definitionHash(), recorded, newestSourceAt,
            tailBuckets, written.viewAfter()));
        snapshotWarmer.warm("view " + view.name() + ": file state of the new version, for the next refresh", path);
      } else {
        lastWrites.remove(view.name());
      }
      String reason = (why != null ? why : kept.rebuilt() ? kept.what() : kept.what() + (tail.isEmpty() ? ""
          : ", live tail merged in" + (tail.get().dedupedInDriver() ? "" : " (deduped by Spark)"))
          + "; " + changed.size() + " of " + view.windowBuckets() + " buckets changed");
      return new ViewRefresh(view.name(), refreshId, started, Instant.now(), ViewRefresh.SUCCEEDED,
          full ? ViewRefresh.FULL : ViewRefresh.INCREMENTAL, reason, recorded, windowStart, changed.size(),
          rowsWritten, newestSourceAt, view.definitionHash(), "");
    } finally {
      session.conf().set(ADAPTIVE_EXECUTION, adaptive);
      session.conf().set(SHUFFLE_PARTITIONS, shufflePartitions);
      livePartial.ifPresent(Dataset::unpersist); // a no-op for a local relation
    }
  }

  /** What a kept refresh's commit replaced, and the view's rows after it when they are all known (for {@link LastWrite}). */
  private record Written(List<Object> buckets, Optional<Map<Object, List<Row>>> viewAfter) {}

  /** One commit: the whole view replaced by {@code rows} (whose driver copy is {@code fresh}). */
  private Written replaceAll(Dataset<Row> rows, List<Row> fresh, int bucketIndex, String bucketColumn, String refreshId,
      String path) {
    rows.write().format("delta").mode("overwrite").partitionBy(bucketColumn)
        .option("userMetadata", refreshId).option("overwriteSchema", "true").save(path);
    return new Written(fresh.stream().map(row -> row.get(bucketIndex)).distinct().toList(),
        LastWrite.keepable(LastWrite.byBucket(fresh, bucketIndex)));
  }

  /**
   * One commit: of the buckets in {@code scope} (all: empty), those whose rows in {@code fresh}
   * (the driver's copy of {@code rows}) differ from the table's, and the buckets that left the
   * window. The table's rows are this instance's memory of its last write ({@code mine}) or else
   * read back.
   */
  private Written replaceChanged(Dataset<Row> rows, List<Row> fresh, int bucketIndex, String bucketColumn, String refreshId,
      String path, Optional<LastWrite> mine, Optional<java.util.Set<Object>> scope, Object windowStartBucket) {
    Map<Object, List<Row>> current = mine.flatMap(LastWrite::rowsByBucket)
        .orElseGet(() -> LastWrite.byBucket(readView(path, bucketColumn, mine.isPresent() ? scope : Optional.empty(),
            windowStartBucket, rows.columns()), bucketIndex));
    List<Object> changed = LastWrite.changedBuckets(fresh, LastWrite.within(current, scope, windowStartBucket), bucketIndex);
    rows.where(changed.isEmpty() ? lit(false) : new Column(bucketColumn).isin(changed.toArray())).write().format("delta")
        .mode("overwrite").partitionBy(bucketColumn)
        .option("userMetadata", refreshId).option("replaceWhere", replacePredicate(bucketColumn, changed, windowStartBucket))
        .save(path);
    // the view's rows after this commit are known when `current` held all of them (kept, or read
    // whole), not when only the scope was read back (a view too large to keep)
    return new Written(changed, mine.isPresent() && mine.get().rowsByBucket().isEmpty() ? Optional.empty()
        : LastWrite.keepable(LastWrite.afterCommit(current, fresh, changed, bucketIndex, windowStartBucket)));
  }

  /** The last successful refresh as the status table records it (none without a view table). */
  private Optional<LastWrite> lastSucceeded(ViewDefinition view, String path) {
    if (!DeltaTable.isDeltaTable(session, path)) {
      return Optional.empty();
    }
    return status.lastSucceeded(view.name()).map(row -> new LastWrite(-1,
        row.getString(row.fieldIndex("definition_hash")), SourceVersions.parse(row.getString(row.fieldIndex("source_versions"))),
        row.isNullAt(row.fieldIndex("newest_source_at")) ? Optional.empty()
            : Optional.of(ViewStatusLog.instant(row, "newest_source_at")),
        List.of(), Optional.empty()));
  }

  /** The view table's rows of {@code buckets} (all: empty) from the window's start, in {@code columns}' order. */
  private List<Row> readView(String path, String bucketColumn, Optional<java.util.Set<Object>> buckets, Object windowStartBucket,
      String[] columns) {
    return within(session.read().format("delta").load(path), bucketColumn, buckets)
        .where(new Column(bucketColumn).geq(lit(windowStartBucket)))
        .select(java.util.Arrays.stream(columns).map(Column::new).toArray(Column[]::new)).collectAsList();
  }

  private static Dataset<Row> within(Dataset<Row> rows, String bucketColumn, Optional<java.util.Set<Object>> buckets) {
    return buckets.map(set -> rows.where(set.isEmpty() ? lit(false) : new Column(bucketColumn).isin(set.toArray()))).orElse(rows);
  }

  /** The buckets of partial aggregates (a row per bucket and group, few: made distinct here, not by another shuffle). */
  private static List<Object> bucketsOf(Dataset<Row> rows, String column) {
    return rows.select(column).collectAsList().stream().map(row -> row.get(0)).distinct().toList();
  }

  /** {@code rows} computed now and held as a local relation (rows small enough for the driver). */
  private Dataset<Row> local(Dataset<Row> rows) {
    return session.createDataFrame(rows.collectAsList(), rows.schema());
  }

  /** What a refresh will do: full, or incremental over the listed buckets. */
  private record Plan(String mode, String reason, List<Object> buckets) {}

  private Plan plan(ViewDefinition view, Map<String, Long> versions, Instant windowStart) {
    if (view.refresh() == RefreshPolicy.FULL) {
      return full("refresh policy is full");
    }
    Optional<Row> previous = status.lastSucceeded(view.name());
    String why = null;
    if (previous.isEmpty() || !DeltaTable.isDeltaTable(session, viewTable(view.name()))) {
      why = "first refresh";
    } else if (!previous.get().getString(previous.get().fieldIndex("definition_hash")).equals(view.definitionHash())) {
      why = "the definition changed since the last refresh";
    }
    Optional<Dataset<Row>> changed = Optional.empty();
    if (why == null) {
      changed = sources.changedRows(view.source(), SourceVersions.parse(previous.get().getString(previous.get().fieldIndex("source_versions"))), versions);
      if (changed.isEmpty()) {
        why = "Delta change data is not available between the last refresh's source versions and now";
      }
    }
    if (why != null) {
      return fallBack(view, why);
    }
    List<Object> touched = new ArrayList<>();
    for (Row row : changed.get().select(expr(view.bucket().expression()).as("bucket")).where(expr("bucket IS NOT NULL"))
        .where(new Column("bucket").geq(lit(bucketValue(view, windowStart)))).distinct().collectAsList()) {
      touched.add(row.get(0));
    }
    if (view.refresh() == RefreshPolicy.AUTO && touched.size() > view.windowBuckets() / 2) {
      return full(touched.size() + " of " + view.windowBuckets() + " buckets changed, more than half");
    }
    return new Plan(ViewRefresh.INCREMENTAL, touched.isEmpty() ? "no source changes in the window"
        : touched.size() + " of " + view.windowBuckets() + " buckets changed", touched);
  }

  private static Plan full(String reason) {
    return new Plan(ViewRefresh.FULL, reason, List.of());
  }

  private static Plan fallBack(ViewDefinition view, String why) {
    if (view.refresh() == RefreshPolicy.INCREMENTAL) {
      throw new LakehouseException("view " + view.name() + " cannot be refreshed incrementally: " + why
          + "; its refresh policy is incremental, so it fails instead of recomputing everything (use refresh: auto or full)");
    }
    return full(why);
  }

  private ViewRefresh execute(ViewDefinition view, Plan plan, String refreshId, Instant started, Instant windowStart,
      Map<String, Long> versions) {
    Column bucket = expr(view.bucket().expression());
    Dataset<Row> source = sources.rows(view.source(), versions, windowStart.atZone(ZoneOffset.UTC).toLocalDate())
        .where(bucket.geq(lit(bucketValue(view, windowStart))));
    boolean incremental = plan.mode().equals(ViewRefresh.INCREMENTAL);
    if (incremental) {
      source = source.where(plan.buckets().isEmpty() ? lit(false) : bucket.isin(plan.buckets().toArray()))
          .where(eventTimeRanges(sources.eventTimeColumn(view.source()), view, plan.buckets()));
    }
    source = source.cache();
    try {
      source.createOrReplaceTempView(ViewDefinition.SOURCE_VIEW);
      Row newest = source.agg(org.apache.spark.sql.functions.max("ingested_at")).first();
      Dataset<Row> result = query(view);
      String path = viewTable(view.name());
      String token = refreshId;
      var writer = result.write().format("delta").mode("overwrite").partitionBy(view.bucket().column())
          .option("userMetadata", token);
      if (incremental) {
        writer = writer.option("replaceWhere", replacePredicate(view, plan.buckets(), windowStart));
      } else {
        writer = writer.option("overwriteSchema", "true");
      }
      writer.save(path); // one commit: old buckets out, recomputed buckets in
      long rows = committedRows(path, token);
      long buckets = incremental ? plan.buckets().size() : result.select(view.bucket().column()).distinct().count();
      Optional<Instant> newestAt = newest.isNullAt(0) ? previousNewest(view) : Optional.of(newest.getTimestamp(0).toInstant());
      return new ViewRefresh(view.name(), refreshId, started, Instant.now(), ViewRefresh.SUCCEEDED, plan.mode(), plan.reason(),
          versions, windowStart, buckets, rows, newestAt, view.definitionHash(), "");
    } finally {
      session.catalog().dropTempView(ViewDefinition.SOURCE_VIEW);
      source.unpersist();
    }
  }

  /** With no rows in this refresh, the view still holds the data of the last one. */
  private Optional<Instant> previousNewest(ViewDefinition view) {
    return status.lastSucceeded(view.name()).filter(row -> !row.isNullAt(row.fieldIndex("newest_source_at")))
        .map(row -> ViewStatusLog.instant(row, "newest_source_at"));
  }

  private Dataset<Row> query(ViewDefinition view) {
    Dataset<Row> result;
    try {
      result = session.sql(view.sql());
    } catch (Exception e) { // AnalysisException is thrown undeclared by Scala code
      if (!(e instanceof AnalysisException)) {
        throw e;
      }
      throw new LakehouseException("view " + view.name() + " (" + view.origin() + ") is not a valid query over "
          + ViewDefinition.SOURCE_VIEW + ": " + e.getMessage().lines().findFirst().orElse(""), e);
    }
    if (!List.of(result.columns()).contains(view.bucket().column())) {
      throw new LakehouseException("view " + view.name() + " (" + view.origin() + ") must return its bucket column "
          + view.bucket().column() + "; it returns " + String.join(", ", result.columns()));
    }
    return result;
  }

  private long committedRows(String path, String token) {
    for (Row commit : DeltaTable.forPath(session, path).history(20).select("userMetadata", "operationMetrics").collectAsList()) {
      if (token.equals(commit.getString(0))) {
        scala.collection.Map<String, String> metrics = commit.getMap(1);
        return Long.parseLong(metrics.get("numOutputRows").getOrElse(() -> "0"));
      }
    }
    return 0; // Delta makes no commit when nothing was replaced and nothing written
  }

  /**
   * The event times of {@code buckets} as ranges on the event-time column (a bucket b holds the
   * rows with b <= time < b + unit, which definitions guarantee): the same rows as the bucket
   * filter, but Delta can skip files by their event-time statistics.
   */
  private static Column eventTimeRanges(String eventTime, ViewDefinition view, List<Object> buckets) {
    Column ranges = lit(false);
    for (Object bucket : buckets) {
      Instant start = bucket instanceof Date date ? date.toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant()
          : ((Timestamp) bucket).toInstant();
      Column range = new Column(eventTime).geq(lit(Timestamp.from(start)))
          .and(new Column(eventTime).lt(lit(Timestamp.from(start.plus(view.bucket().unit().getDuration())))));
      ranges = ranges.or(range);
    }
    return ranges;
  }

  /** The touched buckets, plus every bucket older than the window. */
  private static String replacePredicate(ViewDefinition view, List<Object> buckets, Instant windowStart) {
    return replacePredicate(view.bucket().column(), buckets, bucketValue(view, windowStart));
  }

  /** {@code buckets} of {@code column}, plus every bucket before {@code windowStartBucket}. */
  static String replacePredicate(String column, List<Object> buckets, Object windowStartBucket) {
    String old = column + " < " + literal(windowStartBucket);
    if (buckets.isEmpty()) {
      return old;
    }
    List<String> literals = buckets.stream().map(ViewRefresher::literal).toList();
    return column + " IN (" + String.join(", ", literals) + ") OR " + old;
  }

  /** The first bucket of the window: {@code now} aligned to the bucket, minus the window, plus one bucket. */
  public static Instant windowStart(ViewDefinition view, Instant now) {
    ChronoUnit unit = view.bucket().unit();
    Instant aligned = now.atZone(ZoneOffset.UTC).truncatedTo(unit).toInstant();
    return aligned.minus(view.window()).plus(unit.getDuration());
  }

  private static Object bucketValue(ViewDefinition view, Instant instant) {
    return view.bucket().unit() == ChronoUnit.DAYS
        ? Date.valueOf(instant.atZone(ZoneOffset.UTC).toLocalDate())
        : Timestamp.from(instant);
  }

  private static String literal(Object bucket) {
    if (bucket instanceof Timestamp timestamp) {
      return "TIMESTAMP'" + TIMESTAMP.format(timestamp.toInstant()) + "'";
    }
    if (bucket instanceof Date date) {
      return "DATE'" + date.toLocalDate() + "'";
    }
    throw new LakehouseException("a view's bucket must be a TIMESTAMP or a DATE, cannot be: " + bucket
        + (bucket == null ? "" : " (" + bucket.getClass().getSimpleName() + ")"));
  }
}
