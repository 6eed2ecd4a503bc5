package dev.lakehouse.views;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.runs.RunLog;
import dev.lakehouse.core.storage.DeltaVersions;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.silver.EventRefiner;
import dev.lakehouse.silver.SilverRefine;
import dev.lakehouse.silver.SilverSchema;
import io.delta.tables.DeltaTable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The tables views read. {@code silver.events}; and {@code live.events}: silver plus the valid,
 * first-arriving events of the bronze rows the silver job has not refined yet (parsed and
 * validated with the same suite through {@link EventRefiner}, minus event ids silver has), so a
 * view shows an event seconds after it reaches bronze.
 */
final class ViewSources {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ViewSources.class);

  static final String SILVER = "silver";
  static final String BRONZE = "bronze";
  /** Bronze rows ingested this long before the last silver run's start are surely refined. */
  private static final Duration TAIL_MARGIN = Duration.ofHours(1);

  private final SparkSession spark;
  private final TableLocations locations;
  private final String bronzePath;
  private final EventRefiner refiner;
  private final LiveTail liveTail;

  ViewSources(SparkSession spark, LakehouseConfig config, ExpectationSuite suite) {
    this.spark = requireNonNull(spark, "spark is null");
    this.locations = new TableLocations(config.storage());
    this.bronzePath = locations.bronze(config.kafka().source("clickstream").name());
    this.refiner = new EventRefiner(spark, suite);
    this.liveTail = new LiveTail(spark, bronzePath, refiner);
  }

  /** The current version of each table behind {@code source}; -1 for a table not created yet. */
  Map<String, Long> versions(String source) {
    Map<String, Long> versions = new LinkedHashMap<>();
    versions.put(SILVER, DeltaVersions.latest(spark, silverPath()));
    if (source.equals("live.events")) {
      versions.put(BRONZE, DeltaVersions.latest(spark, bronzePath));
    }
    return versions;
  }

  /**
   * The source's event rows (silver's columns) at {@code versions}, from {@code fromDate} on
   * (silver is partitioned by event date, so older dates are not read).
   */
  Dataset<Row> rows(String source, Map<String, Long> versions, LocalDate fromDate) {
    Dataset<Row> silver = silverAt(versions.get(SILVER)).where(col("event_date").geq(lit(java.sql.Date.valueOf(fromDate))));
    if (!source.equals("live.events") || versions.get(BRONZE) < 0) {
      return silver;
    }
    // silver's insert-only MERGE matches event ids within an event date, so a tail row from
    // fromDate on can only be a duplicate of a silver row from fromDate on
    return silver.unionByName(tail(versions.get(BRONZE), silver));
  }

  /**
   * The rows that changed between two sets of versions (inserted and deleted), with at least
   * {@code event_time}, {@code event_date} and {@code ingested_at}; empty when Delta's change
   * data for that range is not available.
   */
  Optional<Dataset<Row>> changedRows(Map<String, Long> from, Map<String, Long> to) {
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
      Optional<Dataset<Row>> events = entry.getKey().equals(SILVER) ? changeFeed(silverPath(), first, end)
          : liveTail.advance(start, end, tailCutoff()).or(() -> changeFeed(bronzePath, first, end).map(refiner::parse));
      if (events.isEmpty()) {
        return Optional.empty();
      }
      Dataset<Row> picked = events.get().select("event_time", "event_date", "ingested_at");
      changed = changed == null ? picked : changed.unionByName(picked);
    }
    return Optional.of(changed == null
        ? spark.emptyDataFrame().selectExpr("CAST(NULL AS TIMESTAMP) AS event_time", "CAST(NULL AS DATE) AS event_date",
            "CAST(NULL AS TIMESTAMP) AS ingested_at").limit(0)
        : changed);
  }

  String silverPath() {
    return locations.silver(SilverSchema.EVENTS);
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

  private Dataset<Row> silverAt(long version) {
    if (version < 0) {
      return spark.createDataFrame(List.of(), SilverSchema.EVENTS_SCHEMA);
    }
    return spark.read().format("delta").option("versionAsOf", version).load(silverPath()).select(eventColumns());
  }

  /** Valid first arrivals among the bronze rows silver may not have refined yet, minus silver's event ids. */
  private Dataset<Row> tail(long bronzeVersion, Dataset<Row> silver) {
    return EventRefiner.firstArrivals(liveTail.rows(bronzeVersion, tailCutoff())).select(eventColumns())
        .join(silver.select("event_id"), scala.collection.JavaConverters.asScalaBuffer(List.of("event_id")).toSeq(), "left_anti")
        .select(eventColumns());
  }

  /** Bronze rows ingested before this are in silver (absent before the first silver run). */
  private Optional<Instant> tailCutoff() {
    return lastSilverRunStart().map(start -> start.minus(TAIL_MARGIN));
  }

  private Optional<Instant> lastSilverRunStart() {
    String runs = locations.system(RunLog.TABLE);
    if (!DeltaTable.isDeltaTable(spark, runs)) {
      return Optional.empty();
    }
    Row last = spark.read().format("delta").load(runs)
        .where(col("job").equalTo(SilverRefine.JOB).and(col("status").equalTo("succeeded")))
        .agg(org.apache.spark.sql.functions.max("started_at")).first();
    return last.isNullAt(0) ? Optional.empty() : Optional.of(last.getTimestamp(0).toInstant());
  }

  private static Column[] eventColumns() {
    return SilverSchema.EVENT_COLUMNS.stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }
}
