package dev.lakehouse.core.storage;

import java.util.List;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Appends rows to an append-only log table ({@code _system/gold_builds}, {@code _system/view_status}).
 * Blind appends never conflict with each other; only two first writers creating the table can,
 * and then the append is retried (a refused commit wrote nothing). A column added to a log's
 * schema is added to the table; older rows read null.
 */
public final class LogAppend {

  private LogAppend() {}

  public static void append(SparkSession spark, String path, StructType schema, List<Row> rows) {
    ConflictRetry.onConflict("append to " + path, () -> writer(spark, schema, rows).save(path));
  }

  /**
   * As {@link #append}, but at most once per {@code appendId}: Delta records the id with the commit
   * (as a transaction id, version 0) and skips a later append that carries it, so saving the same
   * thing twice keeps one copy, at the cost of a blind append rather than a MERGE on a key.
   */
  public static void appendOnce(SparkSession spark, String path, StructType schema, List<Row> rows, String appendId) {
    ConflictRetry.onConflict("append to " + path,
        () -> writer(spark, schema, rows).option("txnAppId", appendId).option("txnVersion", 0L).save(path));
  }

  private static DataFrameWriter<Row> writer(SparkSession spark, StructType schema, List<Row> rows) {
    return spark.createDataFrame(rows, schema).write().format("delta").mode("append")
        .option("mergeSchema", "true"); // a log that gained a column takes it in
  }
}
