package dev.lakehouse.gold;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.raise_error;
import static org.apache.spark.sql.functions.when;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.storage.ConflictRetry;
import dev.lakehouse.core.storage.TableLocations;
import io.delta.tables.DeltaTable;
import java.sql.Date;
import java.time.LocalDate;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;

/**
 * Writes a batch of gold dates: per table, the per-date query results in one replaceWhere commit
 * over exactly the batch's dates, retried on Delta write conflicts; then the commit's version and
 * the rows it wrote per date, for the build records.
 */
final class GoldWrites {

  private static final int WRITERS = 2;
  /** Marks the error {@link #ownDateOnly} raises, so its message can be found under Spark's wrapping. */
  private static final String OTHER_DATE = "gold-row-of-another-date";
  /** The builder's own session's settings while it writes a batch of small dates, see {@link #write}. */
  private static final Map<String, String> SMALL_DATE_SETTINGS = Map.of(
      "spark.sql.adaptive.enabled", "false",
      "spark.sql.shuffle.partitions", "1",
      "spark.sql.codegen.wholeStage", "false");
  private static final Pattern OTHER_DATE_MESSAGE = Pattern.compile(OTHER_DATE + ": (.*?) :" + OTHER_DATE);

  private final SparkSession session;
  private final TableLocations locations;

  GoldWrites(SparkSession session, TableLocations locations) {
    this.session = requireNonNull(session, "session is null");
    this.locations = requireNonNull(locations, "locations is null");
  }

  /**
   * Delta refuses rows outside a replaceWhere, but a batch's replaceWhere names all its dates: a
   * query that returned another date's rows would no longer be refused, and would add them to
   * that date's. Each date's result is held to its own date, as when it was written alone.
   */
  static Dataset<Row> ownDateOnly(Dataset<Row> result, GoldDefinition definition, LocalDate date) {
    Column own = coalesce(col(GoldDefinition.PARTITION_COLUMN).equalTo(lit(Date.valueOf(date))), lit(false));
    return result.withColumn(GoldDefinition.PARTITION_COLUMN, when(own, col(GoldDefinition.PARTITION_COLUMN)).otherwise(
        raise_error(lit(OTHER_DATE + ": gold definition " + definition.table() + " (" + definition.origin()
            + ") returned a row whose " + GoldDefinition.PARTITION_COLUMN + " is not " + date + ", the date it was built for;"
            + " its " + GoldDefinition.PARTITION_COLUMN + " must be that of the silver rows it reads :" + OTHER_DATE))));
  }

  /**
   * A gold table's rows for some dates, to replace those dates' partitions.
   *
   * @param dates the dates replaced (a date without rows in {@code rows} ends up empty)
   * @param rows the query's result over those dates
   * @param smallDates a union of per-date queries over small dates (a batch of several): each
   *     date's query plans its shuffles into one partition, without adaptive execution and without
   *     whole-stage code generation. Adaptive execution runs each shuffle as a job of its own and
   *     plans the whole batch's query again after each, and each date's stages would be compiled
   *     apart, so a batch's cost would grow with its dates far more than its rows do; one
   *     partition per date is what adaptive execution would have coalesced them to, and the dates,
   *     run side by side, are the parallelism.
   */
  record Result(List<LocalDate> dates, Dataset<Row> rows, boolean smallDates) {}

  /**
   * Writes the tables two at a time: each commit mostly waits on Delta's log, so two in flight
   * use the cores better. The session's settings are shared by the writes, so the tables that run
   * once over all their dates are written first, with the session's own settings, and the unions
   * of per-date queries after them, under the small-date settings.
   */
  Map<String, Commit> write(Map<GoldDefinition, Result> results, String batchId) {
    Map<GoldDefinition, Result> atOnce = new LinkedHashMap<>();
    Map<GoldDefinition, Result> perDate = new LinkedHashMap<>();
    results.forEach((definition, result) -> (result.smallDates() ? perDate : atOnce).put(definition, result));
    Map<String, Commit> commits = new LinkedHashMap<>(writeAll(atOnce, batchId));
    if (perDate.isEmpty()) {
      return commits;
    }
    Map<String, Optional<String>> settings = new LinkedHashMap<>();
    SMALL_DATE_SETTINGS.forEach((key, value) -> {
      settings.put(key, Optional.ofNullable(session.conf().getOption(key).getOrElse(() -> null)));
      session.conf().set(key, value);
    });
    try {
      commits.putAll(writeAll(perDate, batchId));
    } finally {
      settings.forEach((key, value) -> value.ifPresentOrElse(old -> session.conf().set(key, old), () -> session.conf().unset(key)));
    }
    return commits;
  }

  private Map<String, Commit> writeAll(Map<GoldDefinition, Result> results, String batchId) {
    ExecutorService writers = Executors.newFixedThreadPool(WRITERS, runnable -> {
      Thread thread = new Thread(runnable, "gold-writer-" + batchId);
      thread.setDaemon(true);
      return thread;
    });
    try {
      Map<String, Future<Commit>> pending = new LinkedHashMap<>();
      results.forEach((definition, result) -> pending.put(definition.table(), writers.submit(() -> ConflictRetry.onConflict(
          "gold/" + definition.table() + " " + datesText(result.dates()), () -> replaceDates(definition, result, batchId)))));
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

  /** A gold commit: its version and the rows it wrote per date (a date without rows is left out). */
  record Commit(long version, Map<LocalDate, Long> rows) {}

  /**
   * Atomic per table: the old files of every date of the batch are removed and the new ones
   * added in one Delta commit, so readers see the batch's old or new partitions, never a mix, and
   * a rerun rewrites the same partitions. The commit carries a token in its user metadata so its
   * version can be found even when other writers commit right after it.
   */
  private Commit replaceDates(GoldDefinition definition, Result result, String batchId) {
    String path = locations.gold(definition.table());
    String token = batchId + "/" + definition.table();
    String dates = datesText(result.dates());
    try {
      result.rows()
          .write().format("delta").mode("overwrite").partitionBy(GoldDefinition.PARTITION_COLUMN)
          .option("replaceWhere", GoldDefinition.PARTITION_COLUMN + " IN (" + result.dates().stream()
              .map(date -> "DATE'" + date + "'").collect(Collectors.joining(", ")) + ")")
          .option("userMetadata", token)
          .save(path);
    } catch (Exception e) { // AnalysisException is checked in Java's eyes, but Scala code throws it undeclared
      if (!(e instanceof AnalysisException)) {
        Optional<String> otherDate = otherDate(e);
        if (otherDate.isPresent()) {
          throw new LakehouseException(otherDate.get(), e);
        }
        throw e;
      }
      throw new LakehouseException("cannot write gold/" + definition.table() + " for " + dates + ": " + GoldBuilder.firstLine(e)
          + ". If its columns changed (" + definition.origin() + "), the existing table " + path
          + " no longer matches; move it away and rebuild it with `./lakehouse rerun gold`", e);
    }
    if (!DeltaTable.isDeltaTable(session, path)) {
      return new Commit(-1, Map.of()); // an empty result for a table that does not exist yet: nothing to create
    }
    List<Row> history = DeltaTable.forPath(session, path).history(100).select("version", "operationMetrics", "userMetadata")
        .collectAsList();
    for (Row commit : history) {
      if (token.equals(commit.getString(2))) {
        scala.collection.Map<String, String> metrics = commit.getMap(1);
        long rows = Long.parseLong(metrics.get("numOutputRows").getOrElse(() -> "0"));
        return new Commit(commit.getLong(0), rowsByDate(path, commit.getLong(0), Set.copyOf(result.dates()), rows));
      }
    }
    // Delta makes no commit for an empty result replacing empty partitions: nothing changed
    return new Commit(history.isEmpty() ? -1 : history.get(0).getLong(0), Map.of());
  }

  /**
   * The rows a commit wrote per date: its metrics count them all; the row counts its added files
   * carry (Delta's file statistics) split the count without reading data. Without statistics,
   * the batch's partitions at the commit's version hold exactly what it wrote, and a small
   * aggregate over them splits it.
   */
  private Map<LocalDate, Long> rowsByDate(String path, long version, Set<LocalDate> dates, long rows) {
    if (rows == 0 || dates.size() == 1) {
      return rows == 0 ? Map.of() : Map.of(dates.iterator().next(), rows);
    }
    Optional<Map<LocalDate, Long>> counted = fileRowCounts(path, version)
        .filter(byDate -> byDate.values().stream().mapToLong(Long::longValue).sum() == rows);
    if (counted.isPresent()) {
      return counted.get();
    }
    Map<LocalDate, Long> byDate = new TreeMap<>();
    for (Row row : session.read().format("delta").option("versionAsOf", version).load(path)
        .where(col(GoldDefinition.PARTITION_COLUMN).isin(sqlDates(dates))).groupBy(GoldDefinition.PARTITION_COLUMN).count()
        .collectAsList()) {
      byDate.put(row.getDate(0).toLocalDate(), row.getLong(1));
    }
    return byDate;
  }

  /** Date → rows of the files a commit added, read from its log entry; empty when a file has no row count. */
  private Optional<Map<LocalDate, Long>> fileRowCounts(String path, long version) {
    Map<LocalDate, Long> byDate = new TreeMap<>();
    scala.collection.Iterator<scala.Tuple2<Object, scala.collection.Seq<Action>>> commits =
        DeltaLog.forTable(session, path).getChanges(version, true);
    if (!commits.hasNext()) {
      return Optional.empty();
    }
    scala.Tuple2<Object, scala.collection.Seq<Action>> commit = commits.next();
    if ((Long) commit._1() != version) {
      return Optional.empty();
    }
    scala.collection.Iterator<Action> actions = commit._2().iterator();
    while (actions.hasNext()) {
      if (actions.next() instanceof AddFile added && added.dataChange()) {
        scala.Option<String> date = added.partitionValues().get(GoldDefinition.PARTITION_COLUMN);
        scala.Option<Object> records = added.numLogicalRecords();
        if (date.isEmpty() || date.get() == null || records.isEmpty()) {
          return Optional.empty();
        }
        byDate.merge(LocalDate.parse(date.get()), (Long) records.get(), Long::sum);
      }
    }
    return Optional.of(byDate);
  }

  /** The message {@link #ownDateOnly} raised, wherever Spark and Delta wrapped it. */
  private static Optional<String> otherDate(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      Matcher raised = OTHER_DATE_MESSAGE.matcher(String.valueOf(cause.getMessage()));
      if (raised.find()) {
        return Optional.of(raised.group(1));
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return Optional.empty();
  }

  static Object[] sqlDates(Collection<LocalDate> dates) {
    return dates.stream().map(Date::valueOf).toArray();
  }

  /** {@code 2026-11-20}, or {@code 2026-11-18..2026-11-20} for several dates. */
  static String datesText(Collection<LocalDate> dates) {
    LocalDate first = dates.stream().min(LocalDate::compareTo).orElseThrow();
    LocalDate last = dates.stream().max(LocalDate::compareTo).orElseThrow();
    return first.equals(last) ? first.toString() : first + ".." + last;
  }
}
