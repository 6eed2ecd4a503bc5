package dev.lakehouse.gold;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.storage.LogAppend;
import dev.lakehouse.core.storage.TableLocations;
import io.delta.tables.DeltaTable;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code _system/gold_builds}: for each gold table and event date, the silver version its
 * partition was built from, and the gold commit that wrote it.
 *
 * <p>Append-only; for each table and date the row with the newest gold commit counts, so when
 * two runs build the same date at once the record describes the data that landed last, whatever
 * order the two record in. Appending the same build twice changes nothing that is read. A crash
 * between the gold commit and this record leaves the older record: the date then looks stale
 * and is rebuilt, which is safe.
 */
final class GoldBuildLog {

  static final String TABLE = "gold_builds";

  private static final StructType SCHEMA =
      new StructType()
          .add("gold_table", DataTypes.StringType, false)
          .add("event_date", DataTypes.DateType, false)
          .add("silver_version", DataTypes.LongType, false)
          .add("gold_version", DataTypes.LongType, false)
          .add("run_id", DataTypes.StringType, false)
          .add("built_at", DataTypes.TimestampType, false);

  /** One gold partition written from one silver version. */
  record Build(String table, LocalDate date, long silverVersion, long goldVersion, String runId, Instant builtAt) {}

  private final SparkSession spark;
  private final String path;

  GoldBuildLog(SparkSession spark, TableLocations locations) {
    this.spark = requireNonNull(spark, "spark is null");
    this.path = locations.system(TABLE);
  }

  /** Table → event date → silver version its current gold partition was built from. */
  Map<String, Map<LocalDate, Long>> silverVersions() {
    Map<String, Map<LocalDate, long[]>> newest = new HashMap<>();
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return Map.of();
    }
    for (Row row : spark.read().format("delta").load(path)
        .select("gold_table", "event_date", "gold_version", "silver_version").collectAsList()) {
      long[] build = {row.getLong(2), row.getLong(3)};
      newest.computeIfAbsent(row.getString(0), table -> new HashMap<>())
          .merge(row.getDate(1).toLocalDate(), build, (a, b) -> a[0] >= b[0] ? a : b);
    }
    Map<String, Map<LocalDate, Long>> built = new HashMap<>();
    newest.forEach((table, dates) -> dates.forEach((date, build) ->
        built.computeIfAbsent(table, t -> new HashMap<>()).put(date, build[1])));
    return built;
  }

  void record(List<Build> builds) {
    List<Row> rows = builds.stream()
        .map(build -> RowFactory.create(build.table(), Date.valueOf(build.date()), build.silverVersion(),
            build.goldVersion(), build.runId(), Timestamp.from(build.builtAt())))
        .toList();
    LogAppend.append(spark, path, SCHEMA, rows);
  }
}
