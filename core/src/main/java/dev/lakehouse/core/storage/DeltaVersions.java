package dev.lakehouse.core.storage;

import io.delta.tables.DeltaTable;
import org.apache.spark.sql.SparkSession;

/** The newest committed version of a Delta table. */
public final class DeltaVersions {

  private DeltaVersions() {}

  /** The table's newest version; -1 when {@code path} holds no Delta table yet. */
  public static long latest(SparkSession spark, String path) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return -1;
    }
    return DeltaTable.forPath(spark, path).history(1).select("version").first().getLong(0);
  }
}
