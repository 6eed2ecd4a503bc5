package dev.lakehouse.core.storage;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;

/** The newest committed version of a Delta table. */
public final class DeltaVersions {

  private DeltaVersions() {}

  /**
   * The table's newest version; -1 when {@code path} holds no Delta table yet. Read from the
   * table's log (its newest snapshot), not from {@code history()}, which also reads and decodes
   * the newest commit's JSON file.
   */
  public static long latest(SparkSession spark, String path) {
    DeltaLog log = DeltaLog.forTable(spark, path);
    return log.update(log.update$default$1(), log.update$default$2(), log.update$default$3()).version();
  }
}
