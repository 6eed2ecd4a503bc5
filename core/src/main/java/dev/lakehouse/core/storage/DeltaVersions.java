package dev.lakehouse.core.storage;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.CommitInfo;

/** The newest committed version of a Delta table. */
public final class DeltaVersions {

  private DeltaVersions() {}

  /**
   * The table's newest version; -1 when {@code path} holds no Delta table yet. Read from the
   * table's log (its newest snapshot), not from {@code history()}, which also reads and decodes
   * the newest commit's JSON file.
   */
  public static long latest(SparkSession spark, String path) {
    return latestSnapshot(spark, path).version();
  }

  /** The table's newest snapshot, brought up to date from its log (version -1 before the table exists). */
  public static Snapshot latestSnapshot(SparkSession spark, String path) {
    DeltaLog log = DeltaLog.forTable(spark, path);
    return log.update(log.update$default$1(), log.update$default$2(), log.update$default$3());
  }

  /** Whether the table's commit {@code version} carries {@code userMetadata} (read from its log entry, no Spark job). */
  public static boolean committedWith(SparkSession spark, String path, long version, String userMetadata) {
    scala.collection.Iterator<scala.Tuple2<Object, scala.collection.Seq<Action>>> changes =
        DeltaLog.forTable(spark, path).getChanges(version, false);
    if (!changes.hasNext()) {
      return false;
    }
    scala.Tuple2<Object, scala.collection.Seq<Action>> change = changes.next();
    return (Long) change._1() == version && scala.collection.JavaConverters.seqAsJavaList(change._2()).stream()
        .filter(CommitInfo.class::isInstance).map(CommitInfo.class::cast)
        .anyMatch(info -> info.userMetadata().isDefined() && userMetadata.equals(info.userMetadata().get()));
  }
}
