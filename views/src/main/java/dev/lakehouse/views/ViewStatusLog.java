package dev.lakehouse.views;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.storage.LogAppend;
import dev.lakehouse.core.storage.TableLocations;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code _system/view_status}: one row per refresh of a view (append-only; the newest row of a
 * view is its status): when, how (incremental or full, and why), from which source versions,
 * how many rows, and how fresh the newest source data it includes was.
 */
public final class ViewStatusLog {

  public static final String TABLE = "view_status";

  static final StructType SCHEMA =
      new StructType()
          .add("view", DataTypes.StringType, false)
          .add("refresh_id", DataTypes.StringType, false)
          .add("started_at", DataTypes.TimestampType, false)
          .add("ended_at", DataTypes.TimestampType, false)
          .add("status", DataTypes.StringType, false)
          .add("mode", DataTypes.StringType, false)
          .add("reason", DataTypes.StringType, false)
          .add("source_versions", DataTypes.StringType, false)
          .add("window_start", DataTypes.TimestampType, false)
          .add("buckets_written", DataTypes.LongType, false)
          .add("rows", DataTypes.LongType, false)
          .add("newest_source_at", DataTypes.TimestampType, true)
          .add("freshness_seconds", DataTypes.LongType, true)
          .add("definition_hash", DataTypes.StringType, false)
          .add("message", DataTypes.StringType, false);

  private final SparkSession spark;
  private final String path;

  public ViewStatusLog(SparkSession spark, TableLocations locations) {
    this.spark = requireNonNull(spark, "spark is null");
    this.path = locations.system(TABLE);
  }

  public void record(ViewRefresh refresh) {
    Row row = RowFactory.create(refresh.view(), refresh.refreshId(), Timestamp.from(refresh.startedAt()),
        Timestamp.from(refresh.endedAt()), refresh.status(), refresh.mode(), refresh.reason(),
        SourceVersions.format(refresh.sourceVersions()), Timestamp.from(refresh.windowStart()), refresh.bucketsWritten(),
        refresh.rows(), refresh.newestSourceAt().map(Timestamp::from).orElse(null),
        refresh.freshness().map(java.time.Duration::toSeconds).orElse(null), refresh.definitionHash(), refresh.message());
    LogAppend.append(spark, path, SCHEMA, List.of(row));
  }

  /** The last successful refresh of {@code view}: what an incremental refresh continues from. */
  public Optional<Row> lastSucceeded(String view) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return Optional.empty();
    }
    List<Row> rows = spark.read().format("delta").load(path)
        .where(functions.col("view").equalTo(view).and(functions.col("status").equalTo(ViewRefresh.SUCCEEDED)))
        .orderBy(functions.col("ended_at").desc()).limit(1).collectAsList();
    return rows.stream().findFirst();
  }

  /** The newest row of every view. */
  public List<Row> latest() {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return List.of();
    }
    return spark.read().format("delta").load(path)
        .withColumn("newest", functions.row_number().over(
            org.apache.spark.sql.expressions.Window.partitionBy("view").orderBy(functions.col("ended_at").desc())))
        .where("newest = 1").drop("newest").orderBy("view").collectAsList();
  }

  public String path() {
    return path;
  }

  static Instant instant(Row row, String column) {
    return row.getTimestamp(row.fieldIndex(column)).toInstant();
  }
}
