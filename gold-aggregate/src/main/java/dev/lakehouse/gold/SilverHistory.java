package dev.lakehouse.gold;

import static java.util.Objects.requireNonNull;

import io.delta.tables.DeltaTable;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.FileAction;
import scala.Tuple2;

/**
 * What silver.events holds and which of its {@code event_date} partitions changed when, read
 * from the Delta log (the files each commit added or removed), so finding the dates to rebuild
 * costs a read of the commits since the last build, not of the data.
 */
final class SilverHistory {

  private final SparkSession spark;
  private final String path;

  SilverHistory(SparkSession spark, String path) {
    this.spark = requireNonNull(spark, "spark is null");
    this.path = requireNonNull(path, "path is null");
  }

  String path() {
    return path;
  }

  boolean exists() {
    return DeltaTable.isDeltaTable(spark, path);
  }

  long currentVersion() {
    return dev.lakehouse.core.storage.DeltaVersions.latest(spark, path);
  }

  /** The event dates that have rows at {@code version}. */
  Set<LocalDate> dates(long version) {
    Set<LocalDate> dates = new TreeSet<>();
    for (Row row : spark.read().format("delta").option("versionAsOf", version).load(path)
        .select(GoldDefinition.PARTITION_COLUMN).distinct().collectAsList()) {
      dates.add(row.getDate(0).toLocalDate());
    }
    return dates;
  }

  /**
   * For each event date whose rows changed in a commit after {@code after} up to {@code upTo},
   * the last such commit's version; empty when the log no longer holds those commits (Delta
   * removes commits older than its log retention).
   */
  Optional<Map<LocalDate, Long>> changesAfter(long after, long upTo) {
    Map<LocalDate, Long> lastChange = new HashMap<>();
    if (after >= upTo) {
      return Optional.of(lastChange);
    }
    scala.collection.Iterator<Tuple2<Object, scala.collection.Seq<Action>>> commits;
    try {
      commits = DeltaLog.forTable(spark, path).getChanges(after + 1, true);
    } catch (RuntimeException e) {
      return Optional.empty();
    }
    while (commits.hasNext()) {
      Tuple2<Object, scala.collection.Seq<Action>> commit = commits.next();
      long version = (Long) commit._1();
      if (version > upTo) {
        break;
      }
      scala.collection.Iterator<Action> actions = commit._2().iterator();
      while (actions.hasNext()) {
        // OPTIMIZE and similar rewrites carry dataChange=false: the rows are the same
        if (actions.next() instanceof FileAction file && file.dataChange()) {
          scala.Option<String> date = file.partitionValues().get(GoldDefinition.PARTITION_COLUMN);
          if (date.isDefined()) {
            lastChange.merge(LocalDate.parse(date.get()), version, Math::max);
          }
        }
      }
    }
    return Optional.of(lastChange);
  }
}
