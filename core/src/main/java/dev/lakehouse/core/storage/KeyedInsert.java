package dev.lakehouse.core.storage;

import io.delta.tables.DeltaTable;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Idempotent upserts into small log-like Delta tables: a row whose key is already in the table
 * replaces it (a MERGE), so recording the same thing twice keeps one row.
 */
public final class KeyedInsert {

  private KeyedInsert() {}

  /**
   * Creates the table at {@code path} on first use, then inserts the {@code rows} no existing row
   * matches and replaces those one does (a run's final record replaces its start). {@code match}
   * compares {@code existing.<col>} with {@code incoming.<col>}.
   */
  public static void upsert(SparkSession spark, String path, StructType schema, List<Row> rows, String match) {
    ConflictRetry.onConflict("upsert into " + path, () -> {
      DeltaTable.createIfNotExists(spark).location(path).addColumns(schema).execute();
      DeltaTable.forPath(spark, path)
          .as("existing")
          .merge(spark.createDataFrame(rows, schema).as("incoming"), match)
          .whenMatched()
          .updateAll()
          .whenNotMatched()
          .insertAll()
          .execute();
    });
  }
}
