package dev.lakehouse.views;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.lakehouse.core.storage.DeltaVersions;
import dev.lakehouse.silver.TableRefiner;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.Metadata;
import org.apache.spark.sql.delta.actions.Protocol;
import org.apache.spark.sql.delta.actions.RemoveFile;
import org.apache.spark.storage.StorageLevel;

/**
 * The parsed, row-validated bronze rows behind {@code live.<table>}, kept between refreshes so a
 * refresh parses and validates only the bronze rows that arrived since the previous one.
 *
 * <p>Why "newer than the newest kept {@code ingested_at}" finds exactly the new rows: a bronze
 * table has one streaming writer, and {@code ingested_at} is its micro-batch time, so every
 * later commit holds later {@code ingested_at} values. Slices whose rows are all older than the
 * cutoff are released.
 */
final class LiveTail {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LiveTail.class);

  private static final String COMPRESSED = "spark.sql.inMemoryColumnarStorage.compressed";

  /**
   * @param newest the newest bronze arrival among its (valid) rows
   * @param arrivals its rows' keys and order of arrival, when they fit in the driver's limit
   */
  private record Slice(Dataset<Row> rows, Instant newest, long count, Optional<TailArrivals> arrivals) {}

  private final SparkSession spark;
  private final String bronzePath;
  private final TableRefiner refiner;
  private final SilverKeyIndex keyIndex;
  /** The most rows whose arrivals the slices keep, all together. */
  private final long maxArrivals;
  private final Deque<Slice> slices = new ArrayDeque<>();
  private long version = -1;
  private Optional<Instant> newestKept = Optional.empty();
  /** Whether the last read took only the files bronze's new commits added (else: the snapshot). */
  private boolean readAppendedFiles;

  /**
   * @param keyIndex silver's keys of the same table (its hashes are the arrivals')
   * @param maxArrivals the most rows whose arrivals ({@link TailArrivals}) the driver keeps
   */
  LiveTail(SparkSession spark, String bronzePath, TableRefiner refiner, SilverKeyIndex keyIndex, long maxArrivals) {
    this.spark = spark;
    this.bronzePath = bronzePath;
    this.refiner = refiner;
    this.keyIndex = keyIndex;
    this.maxArrivals = maxArrivals;
  }

  /** Valid parsed bronze rows at {@code bronzeVersion} ingested at or after {@code cutoff} (all without one). */
  synchronized Dataset<Row> rows(long bronzeVersion, Optional<Instant> cutoff) {
    if (bronzeVersion < version) {
      LOG.warn("bronze went back from version {} to {} (table recreated?); re-reading the live tail", version, bronzeVersion);
      clear();
    }
    cutoff.ifPresent(this::releaseOlderThan);
    if (bronzeVersion > version) {
      addNewRows(bronzeVersion, cutoff);
    }
    Dataset<Row> rows = slices.stream().map(Slice::rows).reduce(Dataset::unionByName).orElseGet(this::noRows);
    return cutoff.map(at -> rows.where(col("ingested_at").geq(lit(Timestamp.from(at))))).orElse(rows);
  }

  /**
   * When the tail holds bronze up to {@code fromVersion}: reads up to {@code toVersion} and returns
   * the valid rows that came with the versions in between (what changed in bronze, for a view's
   * purposes). Empty when the tail is elsewhere (e.g. a new process); then ask Delta's change data.
   */
  synchronized Optional<Dataset<Row>> advance(long fromVersion, long toVersion, Optional<Instant> cutoff) {
    if (version != fromVersion || toVersion < fromVersion) {
      return Optional.empty();
    }
    cutoff.ifPresent(this::releaseOlderThan);
    return Optional.of(toVersion > version ? addNewRows(toVersion, cutoff).orElseGet(this::noRows) : noRows());
  }

  private Optional<Dataset<Row>> addNewRows(long bronzeVersion, Optional<Instant> cutoff) {
    Optional<List<AddFile>> appended = version < 0 ? Optional.empty() : appendedFiles(bronzeVersion);
    readAppendedFiles = appended.isPresent();
    if (appended.isPresent() && appended.get().isEmpty()) { // e.g. an OPTIMIZE: no new rows
      version = bronzeVersion;
      return Optional.empty();
    }
    Dataset<Row> bronze = appended.map(this::rowsOf).orElseGet(() -> newerThanKept(bronzeVersion));
    if (cutoff.isPresent()) {
      bronze = bronze.where(onOrAfterDate(cutoff.get()).and(col("ingested_at").geq(lit(Timestamp.from(cutoff.get())))));
    }
    // `version` moves on only once the new rows are kept: a read that fails is read again next time
    if (appended.isEmpty() && bronze.agg(max("ingested_at")).first().isNullAt(0)) {
      version = bronzeVersion;
      return Optional.empty();
    }
    // the slice is persisted and counted now, so each bronze row is parsed and validated once, not
    // once per refresh; the row checks are a projection, except on a read that runs Deequ's metric
    // pass (the first): that one reads the parsed rows twice, so they are cached for it
    Dataset<Row> parsed = refiner.parse(bronze);
    boolean deequRuns = !refiner.validRowsWithoutARun(parsed);
    if (deequRuns) {
      parsed = parsed.persist(StorageLevel.MEMORY_AND_DISK());
    }
    Dataset<Row> valid = null;
    long rowCount;
    Optional<Long> newestMicros;
    Optional<TailArrivals> arrivals = Optional.empty();
    // a slice is cached uncompressed: compressing took about a third of the job that parses and
    // caches new rows, and every refresh reads the slice; a tail is an hour or two of bronze
    // (spilled to disk past memory). Spark takes the setting at persist() or when it builds the
    // cache, both below.
    String compressed = spark.conf().get(COMPRESSED, "true");
    spark.conf().set(COMPRESSED, "false");
    boolean kept = false;
    try {
      valid = refiner.validRows(parsed).select(refiner.silverColumnsWithArrival()).persist(StorageLevel.MEMORY_AND_DISK());
      // one pass persists the slice and counts it; the arrivals come with it when bronze's file
      // statistics promise they fit (else, once counted, from the cache when they do)
      long budget = maxArrivals - slices.stream().mapToLong(slice -> slice.arrivals().map(TailArrivals::size).orElse(0)).sum();
      if (appended.map(files -> atMostRows(files) <= budget).orElse(false)) {
        arrivals = Optional.of(TailArrivals.of(valid, keyIndex));
        rowCount = arrivals.get().size();
        newestMicros = arrivals.get().newestIngestedAt();
      } else {
        Row counted = valid.agg(count(lit(1)), max("ingested_at")).first();
        rowCount = counted.getLong(0);
        newestMicros = counted.isNullAt(1) ? Optional.empty()
            : Optional.of(org.apache.spark.sql.catalyst.util.DateTimeUtils.fromJavaTimestamp(counted.getTimestamp(1)));
        if (rowCount > 0 && rowCount <= budget) {
          arrivals = Optional.of(TailArrivals.of(valid, keyIndex));
        }
      }
      kept = true;
    } finally {
      if (!kept && valid != null) { // whatever failed, even the driver's memory
        valid.unpersist();
      }
      spark.conf().set(COMPRESSED, compressed);
      if (deequRuns) {
        parsed.unpersist();
      }
    }
    version = bronzeVersion;
    if (rowCount == 0) {
      valid.unpersist();
      return Optional.empty();
    }
    // the kept rows end at their newest valid arrival: a later batch of only invalid rows is read
    // again by a fallback read, and dropped again
    Instant newestAt = Instant.EPOCH.plus(newestMicros.orElseThrow(), java.time.temporal.ChronoUnit.MICROS);
    slices.addLast(new Slice(valid, newestAt, rowCount, arrivals));
    newestKept = Optional.of(newestAt);
    LOG.debug("live tail: {} valid new bronze rows up to {} (bronze version {}), {} slices", rowCount, newestAt,
        bronzeVersion, slices.size());
    return Optional.of(valid);
  }

  /**
   * The files bronze's commits after the tail's version added, up to {@code bronzeVersion}, from
   * Delta's log: reading exactly them needs no snapshot state and no file filtering, so the cost
   * follows the new rows, not bronze's size. Empty (read the snapshot instead) when a commit did
   * more than append or rewrite files without changing rows, or its log entry is gone.
   */
  private Optional<List<AddFile>> appendedFiles(long bronzeVersion) {
    DeltaLog log = DeltaLog.forTable(spark, bronzePath);
    List<AddFile> added = new ArrayList<>();
    java.util.Set<String> removed = new java.util.HashSet<>();
    long seen = version;
    try {
      scala.collection.Iterator<scala.Tuple2<Object, scala.collection.Seq<Action>>> changes = log.getChanges(version + 1, true);
      while (changes.hasNext() && seen < bronzeVersion) {
        scala.Tuple2<Object, scala.collection.Seq<Action>> change = changes.next();
        seen = (Long) change._1();
        if (seen > bronzeVersion) {
          break;
        }
        for (Action action : scala.collection.JavaConverters.seqAsJavaList(change._2())) {
          if (action instanceof AddFile add) {
            if (add.dataChange()) {
              added.add(add);
            }
          } else if (action instanceof RemoveFile remove && !remove.dataChange()) {
            removed.add(remove.path()); // a rewrite (OPTIMIZE) may have compacted a new file already
          } else if (action instanceof RemoveFile || action instanceof Metadata || action instanceof Protocol) {
            LOG.debug("live tail: bronze version {} does more than append; reading its snapshot", seen);
            return Optional.empty();
          }
        }
      }
    } catch (RuntimeException e) { // a commit file cleaned up (Delta's data-loss error), or unreadable
      LOG.debug("live tail: bronze's log after version {} not readable as changes ({}); reading the snapshot", version,
          e.toString());
      return Optional.empty();
    }
    if (seen != bronzeVersion || added.stream().anyMatch(add -> removed.contains(add.path()))) {
      return Optional.empty(); // a new file already rewritten (VACUUM may delete it): the snapshot has its rows
    }
    return Optional.of(added);
  }

  /** The rows of {@code files}, bronze files that commits added. */
  private Dataset<Row> rowsOf(List<AddFile> files) {
    Snapshot snapshot = DeltaVersions.latestSnapshot(spark, bronzePath);
    Dataset<Row> rows = snapshot.deltaLog().createDataFrame(snapshot, scala.collection.JavaConverters.asScalaBuffer(files).toSeq(), false,
        scala.Option.empty());
    // Delta builds it in the thread's active session; queried in this one, with its settings
    return Dataset.ofRows(spark, rows.queryExecution().analyzed());
  }

  /** Bronze at {@code bronzeVersion}, its rows newer than the newest kept (by ingest time: one writer, one time per batch). */
  private Dataset<Row> newerThanKept(long bronzeVersion) {
    Dataset<Row> bronze = spark.read().format("delta").option("versionAsOf", bronzeVersion).load(bronzePath);
    return newestKept.map(after -> bronze.where(onOrAfterDate(after).and(col("ingested_at").gt(lit(Timestamp.from(after))))))
        .orElse(bronze);
  }

  /** At most how many rows bronze's {@code files} hold, from their statistics (unbounded without). */
  private static long atMostRows(List<AddFile> files) {
    long rows = 0;
    for (AddFile file : files) {
      scala.Option<Object> records = file.numLogicalRecords();
      if (records.isEmpty()) {
        return Long.MAX_VALUE;
      }
      rows += (Long) records.get();
    }
    return rows;
  }

  /**
   * The arrivals of the kept rows ingested at or after {@code cutoff} (all without one): the
   * rows {@link #rows} gave with the same cutoff. Empty when a slice kept none (too many rows).
   */
  synchronized Optional<TailArrivals> arrivals(Optional<Instant> cutoff) {
    if (slices.stream().anyMatch(slice -> slice.arrivals().isEmpty())) {
      return Optional.empty();
    }
    long fromMicros = cutoff.map(at -> org.apache.spark.sql.catalyst.util.DateTimeUtils.instantToMicros(at)).orElse(Long.MIN_VALUE);
    return Optional.of(TailArrivals.concat(slices.stream().map(slice -> slice.arrivals().orElseThrow()).toList(), fromMicros));
  }

  synchronized boolean lastReadAppendedFiles() {
    return readAppendedFiles;
  }

  /** How many valid rows the tail keeps (as of the last {@link #rows} call; the cutoff may leave out some). */
  synchronized long keptRows() {
    return slices.stream().mapToLong(Slice::count).sum();
  }

  /** The newest bronze arrival among the kept valid rows (as of the last {@link #rows} call). */
  synchronized Optional<Instant> newestValid() {
    return slices.stream().map(Slice::newest).max(Instant::compareTo);
  }

  private Dataset<Row> noRows() {
    return refiner.emptyParsed(spark).select(refiner.silverColumnsWithArrival());
  }

  private void releaseOlderThan(Instant cutoff) {
    while (!slices.isEmpty() && slices.peekFirst().newest().isBefore(cutoff)) {
      slices.removeFirst().rows().unpersist();
    }
  }

  private void clear() {
    slices.forEach(slice -> slice.rows().unpersist());
    slices.clear();
    version = -1;
    newestKept = Optional.empty();
  }

  private static Column onOrAfterDate(Instant instant) {
    return col("ingest_date").geq(lit(Date.valueOf(instant.atZone(ZoneOffset.UTC).toLocalDate())));
  }
}
