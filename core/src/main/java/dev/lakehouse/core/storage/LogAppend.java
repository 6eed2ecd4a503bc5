package dev.lakehouse.core.storage;

import java.util.List;
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
    ConflictRetry.onConflict("append to " + path,
        () -> spark.createDataFrame(rows, schema).write().format("delta").mode("append")
            .option("mergeSchema", "true").save(path)); // a log that gained a column takes it in
  }
}
