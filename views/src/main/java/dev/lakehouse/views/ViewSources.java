package dev.lakehouse.views;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.definitions.SilverTableDefinition;
import dev.lakehouse.core.runs.RunLog;
import dev.lakehouse.core.storage.DeltaVersions;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.silver.SilverRefine;
import dev.lakehouse.silver.TableRefiner;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The tables views read. {@code silver.<table>} (an append table, or an upsert table that
 * declares an {@code event_time}: its current rows or versions, whose changes Delta's change
 * data records like any other); and {@code live.<table>} of an append table: silver plus the
 * valid, first-arriving rows of the bronze rows the silver job has not refined yet (parsed and
 * validated with the table's own rules through {@link TableRefiner}, minus keys silver has), so
 * a view shows a record seconds after it reaches bronze.
 */
final class ViewSources {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ViewSources.class);

  static final String SILVER = "silver";
  static final String BRONZE = "bronze";
  /** Delta's change-data column: insert, delete, update_preimage, update_postimage. */
  static final String CHANGE_TYPE = "_change_type";
  /** Bronze rows ingested this long before the last silver run's start are surely refined. */
  private static final Duration TAIL_MARGIN = Duration.ofHours(1);

  /**
   * One silver table behind views.
   *
   * @param hashableKey whether equal hashes of its key mean equal keys as Spark groups them (not
   *     for a float or double part: a hash tells -0.0 from 0.0, Spark's grouping does not)
   */
  private record TableSource(TableRefiner refiner, String silverPath, String bronzePath, LiveTail liveTail,
      SilverKeyIndex keyIndex, boolean hashableKey) {
    SilverTableDefinition table() {
      return refiner.table();
    }
  }

  private final SparkSession spark;
  private final TableLocations locations;
  private final Map<String, TableSource> tables = new TreeMap<>();
  /** The run log's version that {@link #lastRunStarts} were read at. */
  private long runLogVersion = -1;
  private final Map<String, Optional<Instant>> lastRunStarts = new java.util.HashMap<>();

  ViewSources(SparkSession spark, TableLocations locations, List<TableRefiner> refiners, TailLimits limits) {
    this.spark = requireNonNull(spark, "spark is null");
    this.locations = requireNonNull(locations, "locations is null");
    for (TableRefiner refiner : refiners) {
      String bronze = locations.bronze(refiner.table().source());
      if (refiner.table().isAppend()) {
        String silver = locations.silver(refiner.table().name());
        SilverKeyIndex keyIndex = new SilverKeyIndex(refiner.table().key(), version -> silverAt(refiner, silver, version),
            (from, to) -> changeFeed(silver, from, to), keyIndexBytes(refiners));
        LiveTail liveTail = new LiveTail(spark, bronze, refiner, keyIndex, limits.driverArrivals());
        org.apache.spark.sql.types.StructType schema = refiner.emptySilver(spark).schema();
        boolean hashableKey = refiner.table().key().stream().map(part -> schema.apply(part).dataType())
            .noneMatch(type -> type instanceof org.apache.spark.sql.types.FloatType
                || type instanceof org.apache.spark.sql.types.DoubleType);
        tables.put(refiner.table().name(), new TableSource(refiner, silver, bronze, liveTail, keyIndex, hashableKey));
      } else if (refiner.table().eventTime().isPresent()) {
        tables.put(refiner.table().name(), new TableSource(refiner, locations.silver(refiner.table().name()), bronze, null,
            null, false));
      }
    }
  }

  /** Each append table's key index may take an equal share of an eighth of the heap. */
  private static long keyIndexBytes(List<TableRefiner> refiners) {
    long appendTables = Math.max(1, refiners.stream().filter(refiner -> refiner.table().isAppend()).count());
    return Runtime.getRuntime().maxMemory() / 8 / appendTables;
  }

  /** {@code live.orders} → orders. */
  private TableSource of(String source) {
    String table = source.substring(source.indexOf('.') + 1);
    TableSource found = tables.get(table);
    if (found == null || (isLive(source) && !found.table().isAppend())) {
      throw new LakehouseException("view source " + source + " names no silver table a view can read; they are "
          + tables.keySet() + " (live.<table> needs an append table; an upsert table needs an event_time)");
    }
    return found;
  }

  private static boolean isLive(String source) {
    return source.startsWith("live.");
  }

  /** The event-time column of the source's table (buckets truncate it). */
  String eventTimeColumn(String source) {
    return of(source).table().eventTimeColumn();
  }

  /** The current version of each table behind {@code source}; -1 for a table not created yet. */
  Map<String, Long> versions(String source) {
    TableSource table = of(source);
    Map<String, Long> versions = new LinkedHashMap<>();
    versions.put(SILVER, DeltaVersions.latest(spark, table.silverPath()));
    if (isLive(source)) {
      versions.put(BRONZE, DeltaVersions.latest(spark, table.bronzePath()));
    }
    return versions;
  }

  /**
   * The source's rows (silver's columns) at {@code versions}, from {@code fromDate} on (silver is
   * partitioned by event date, so older dates are not read).
   */
  Dataset<Row> rows(String source, Map<String, Long> versions, LocalDate fromDate) {
    Dataset<Row> silver = silverRows(source, versions.get(SILVER), fromDate);
    return liveRows(source, versions, silver).map(silver::unionByName).orElse(silver);
  }

  /** Silver's rows at {@code version} from {@code fromDate} on. */
  Dataset<Row> silverRows(String source, long version, LocalDate fromDate) {
    TableSource table = of(source);
    Dataset<Row> silver = silverAt(table, version);
    return table.table().isAppend()
        ? silver.where(col(SilverTableDefinition.EVENT_DATE).geq(lit(java.sql.Date.valueOf(fromDate))))
        : silver.where(col(table.table().eventTimeColumn())
            .geq(lit(java.sql.Timestamp.from(fromDate.atStartOfDay(java.time.ZoneOffset.UTC).toInstant()))));
  }

  /**
   * Of a {@code live.} source, the tail's rows at {@code versions}: valid bronze rows silver has
   * not refined, minus the keys of {@code silver} (the source's silver rows); empty for a silver
   * source or before bronze exists.
   */
  Optional<Dataset<Row>> liveRows(String source, Map<String, Long> versions, Dataset<Row> silver) {
    if (!isLive(source) || versions.getOrDefault(BRONZE, -1L) < 0) {
      return Optional.empty();
    }
    return Optional.of(tail(of(source), versions.get(BRONZE), silver));
  }

  /**
   * The live tail of a kept-state refresh: its rows, and the newest bronze arrival among the
   * tail's valid rows (what the view has seen of its source, whether or not a row was a
   * duplicate or outside the window), at most how many rows it has, and whether the driver
   * deduped it ({@link TailArrivals}; else Spark did, for a tail too long for the driver or rows
   * it cannot tell apart).
   */
  record Tail(Dataset<Row> rows, Optional<Instant> newestArrival, long atMostRows, boolean dedupedInDriver) {}

  private record Deduped(Dataset<Row> rows, boolean inDriver) {}

  /**
   * As {@link #liveRows}, for a refresh that keeps state between runs ({@code fromDate}: its
   * window's first date): the tail's dedupe asks the kept {@link SilverKeyIndex} which of the
   * tail's keys silver has, instead of reading every silver key of the tail's dates. Tail rows
   * before {@code fromDate} are not deduped (the window drops them).
   */
  Optional<Tail> keptLiveRows(String source, Map<String, Long> versions, LocalDate fromDate) {
    if (!isLive(source) || versions.getOrDefault(BRONZE, -1L) < 0) {
      return Optional.empty();
    }
    TableSource table = of(source);
    Optional<Instant> cutoff = tailCutoff(table);
    Dataset<Row> tailRows = table.liveTail().rows(versions.get(BRONZE), cutoff);
    Deduped deduped = dedupedTail(source, table, tailRows, cutoff, versions, fromDate);
    return Optional.of(new Tail(deduped.rows(), table.liveTail().newestValid(), table.liveTail().keptRows(), deduped.inDriver()));
  }

  private Deduped dedupedTail(String source, TableSource table, Dataset<Row> tailRows, Optional<Instant> cutoff,
      Map<String, Long> versions, LocalDate fromDate) {
    TableRefiner refiner = table.refiner();
    SilverKeyIndex index = table.keyIndex();
    // the driver's arrivals tell which rows to drop, with no pass over the tail (the index reads a
    // date of silver only when a tail first has rows of it); Spark's window where they cannot
    Optional<TailArrivals.Drops> drops = table.hashableKey() ? table.liveTail().arrivals(cutoff)
        .flatMap(arrivals -> arrivals.drops((int) fromDate.toEpochDay(),
            (days, highs, lows) -> index.known(versions.get(SILVER), days, highs, lows))) : Optional.empty();
    if (drops.isPresent()) {
      Dataset<Row> kept = drops.get().size() == 0 ? tailRows : tailRows.where(org.apache.spark.sql.functions.not(drops.get().matches()));
      return new Deduped(kept.select(refiner.silverColumns()), true);
    }
    List<Row> candidates = index.withHashes(tailRows)
        .where(col(SilverTableDefinition.EVENT_DATE).geq(lit(java.sql.Date.valueOf(fromDate))).and(index.keyed()))
        .select(SilverKeyIndex.DAY, SilverKeyIndex.HIGH, SilverKeyIndex.LOW).collectAsList();
    Optional<List<Row>> known = index.known(versions.get(SILVER), candidates);
    if (known.isEmpty()) { // the tail's dates hold more keys than the index may keep
      return new Deduped(tail(table, versions.get(BRONZE), silverRows(source, versions.get(SILVER), fromDate)), false);
    }
    Dataset<Row> firsts = refiner.firstArrivals(tailRows).select(refiner.silverColumns());
    if (known.get().isEmpty()) {
      return new Deduped(firsts, false);
    }
    Dataset<Row> knownKeys = spark.createDataFrame(known.get(), SilverKeyIndex.HASHES);
    return new Deduped(index.withHashes(firsts)
        .join(org.apache.spark.sql.functions.broadcast(knownKeys), scala.collection.JavaConverters.asScalaBuffer(
            List.of(SilverKeyIndex.DAY, SilverKeyIndex.HIGH, SilverKeyIndex.LOW)).toSeq(), "left_anti")
        .select(refiner.silverColumns()), false);
  }

  /** Silver's columns of the source's table, no rows. */
  Dataset<Row> emptyRows(String source) {
    TableSource table = of(source);
    return table.refiner().emptySilver(spark).select(table.refiner().silverColumns());
  }

  /**
   * Silver's change data between two versions (silver's columns and {@code _change_type}), or
   * empty when Delta has none for that range.
   */
  Optional<Dataset<Row>> silverChanges(String source, long fromVersion, long toVersion) {
    TableSource table = of(source);
    if (fromVersion > toVersion) {
      return Optional.of(emptyRows(source).withColumn(CHANGE_TYPE, lit("insert")));
    }
    return changeFeed(table.silverPath(), fromVersion, toVersion).map(changes -> {
      List<String> present = List.of(changes.columns());
      for (org.apache.spark.sql.types.StructField field : table.refiner().emptySilver(spark).schema().fields()) {
        if (!present.contains(field.name())) {
          changes = changes.withColumn(field.name(), lit(null).cast(field.dataType()));
        }
      }
      List<org.apache.spark.sql.Column> columns = new java.util.ArrayList<>(List.of(table.refiner().silverColumns()));
      columns.add(col(CHANGE_TYPE));
      return changes.select(columns.toArray(org.apache.spark.sql.Column[]::new));
    });
  }

  /**
   * The rows that changed between two sets of versions (inserted and deleted), with at least the
   * event-time column, {@code event_date} and {@code ingested_at}; empty when Delta's change data
   * for that range is not available.
   */
  Optional<Dataset<Row>> changedRows(String source, Map<String, Long> from, Map<String, Long> to) {
    TableSource table = of(source);
    String eventTime = table.table().eventTimeColumn();
    Dataset<Row> changed = null;
    for (Map.Entry<String, Long> entry : to.entrySet()) {
      long start = from.getOrDefault(entry.getKey(), -1L);
      long end = entry.getValue();
      if (end < start) {
        LOG.warn("{} went back from version {} to {} (table recreated?)", entry.getKey(), start, end);
        return Optional.empty();
      }
      // a table created since the last refresh (-1): all of it is new, from version 0
      long first = start + 1;
      if (first > end) {
        continue;
      }
      Optional<Dataset<Row>> rows = entry.getKey().equals(SILVER) ? changeFeed(table.silverPath(), first, end)
          : table.liveTail().advance(start, end, tailCutoff(table))
              .or(() -> changeFeed(table.bronzePath(), first, end).map(table.refiner()::parse));
      if (rows.isEmpty()) {
        return Optional.empty();
      }
      Dataset<Row> picked = rows.get().select(changedColumns(table));
      changed = changed == null ? picked : changed.unionByName(picked);
    }
    return Optional.of(changed == null ? table.refiner().emptySilver(spark).select(changedColumns(table)) : changed);
  }

  /** The event time, event_date (append tables) and ingested_at of changed rows. */
  private static org.apache.spark.sql.Column[] changedColumns(TableSource table) {
    List<String> names = new java.util.ArrayList<>(List.of(table.table().eventTimeColumn()));
    if (table.table().isAppend()) {
      names.add(SilverTableDefinition.EVENT_DATE);
    }
    names.add(SilverTableDefinition.INGESTED_AT);
    return names.stream().map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new);
  }

  private Optional<Dataset<Row>> changeFeed(String path, long startVersion, long endVersion) {
    try {
      Dataset<Row> rows = spark.read().format("delta").option("readChangeFeed", "true")
          .option("startingVersion", startVersion).option("endingVersion", endVersion).load(path);
      rows.schema(); // resolves the plan: fails here when change data is not recorded for the range
      return Optional.of(rows);
    } catch (Exception e) { // AnalysisException is thrown undeclared by Scala code
      if (e instanceof AnalysisException || e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
        LOG.warn("no change data for {} versions {}..{}: {}", path, startVersion, endVersion,
            String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * Silver at a version, in the definition's columns: a column the table does not have yet (the
   * definition gained it) reads null, as it would after the next silver run adds it.
   */
  private Dataset<Row> silverAt(TableSource table, long version) {
    return silverAt(table.refiner(), table.silverPath(), version);
  }

  private Dataset<Row> silverAt(TableRefiner refiner, String silverPath, long version) {
    Dataset<Row> empty = refiner.emptySilver(spark);
    if (version < 0) {
      return empty;
    }
    Dataset<Row> silver = spark.read().format("delta").option("versionAsOf", version).load(silverPath);
    List<String> present = List.of(silver.columns());
    for (org.apache.spark.sql.types.StructField field : empty.schema().fields()) {
      if (!present.contains(field.name())) {
        silver = silver.withColumn(field.name(), lit(null).cast(field.dataType()));
      }
    }
    return silver.select(refiner.silverColumns());
  }

  /**
   * Valid first arrivals among the bronze rows silver may not have refined yet, minus silver's
   * keys. Silver's insert-only MERGE matches a batch's keys among silver's rows of the batch's
   * event dates, so, the tail being one such batch, only silver's rows of the tail's own dates are
   * read for the keys (the tail is cached, its dates cost nothing); and
   * silver's keys are first cut down to those the tail has (a semi-join the planner broadcasts, the
   * tail being small and cached), so the anti-join never shuffles a whole date of silver keys.
   */
  private Dataset<Row> tail(TableSource table, long bronzeVersion, Dataset<Row> silver) {
    TableRefiner refiner = table.refiner();
    Dataset<Row> tailRows = table.liveTail().rows(bronzeVersion, tailCutoff(table));
    List<String> key = table.table().key();
    Dataset<Row> silverKeys = silver;
    if (table.table().isAppend()) {
      List<Object> dates = tailRows.select(SilverTableDefinition.EVENT_DATE).distinct().collectAsList().stream()
          .map(row -> row.get(0)).toList();
      silverKeys = silver.where(dates.isEmpty() ? lit(false) : col(SilverTableDefinition.EVENT_DATE).isin(dates.toArray()));
    }
    org.apache.spark.sql.Column[] keyColumns = key.stream().map(org.apache.spark.sql.functions::col)
        .toArray(org.apache.spark.sql.Column[]::new);
    scala.collection.Seq<String> keySeq = scala.collection.JavaConverters.asScalaBuffer(key).toSeq();
    Dataset<Row> known = silverKeys.select(keyColumns).join(tailRows.select(keyColumns), keySeq, "left_semi");
    return refiner.firstArrivals(tailRows).select(refiner.silverColumns()).join(known, keySeq, "left_anti")
        .select(refiner.silverColumns());
  }

  /** Bronze rows ingested before this are in silver (absent before the table's first silver run). */
  private Optional<Instant> tailCutoff(TableSource table) {
    return lastSilverRunStart(table.table().name()).map(start -> start.minus(TAIL_MARGIN));
  }

  /**
   * The start of the table's last successful silver run, from the run log; remembered per run-log
   * version, so refreshes between silver runs do not query the log again.
   */
  private synchronized Optional<Instant> lastSilverRunStart(String table) {
    String runs = locations.system(RunLog.TABLE);
    long version = DeltaVersions.latest(spark, runs);
    if (version < 0) {
      return Optional.empty();
    }
    if (version != runLogVersion) {
      lastRunStarts.clear();
      runLogVersion = version;
    }
    return lastRunStarts.computeIfAbsent(table, name -> {
      Row last = spark.read().format("delta").option("versionAsOf", version).load(runs)
          .where(col("job").equalTo(SilverRefine.JOB).and(col("status").equalTo("succeeded"))
              .and(col("scope").startsWith(SilverRefine.scopePrefix(name))))
          .agg(org.apache.spark.sql.functions.max("started_at")).first();
      return last.isNullAt(0) ? Optional.empty() : Optional.of(last.getTimestamp(0).toInstant());
    });
  }
}
