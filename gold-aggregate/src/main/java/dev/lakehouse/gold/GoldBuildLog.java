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
 * {@code _system/gold_builds}: for each gold table and event date, the version of each silver
 * table its partition was built from (one row per silver table read), and the gold commit that
 * wrote it. Rows written before gold read several tables have no {@code silver_table}: theirs
 * was {@code events}.
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
          .add("built_at", DataTypes.TimestampType, false)
          .add("silver_table", DataTypes.StringType, true);

  /** One gold partition written from one version of each silver table it reads. */
  record Build(String table, LocalDate date, Map<String, Long> silverVersions, long goldVersion, String runId, Instant builtAt) {}

  /** A build's gold commit and the silver versions it read. */
  private record Built(long goldVersion, Map<String, Long> silverVersions) {}

  private final SparkSession spark;
  private final String path;

  GoldBuildLog(SparkSession spark, TableLocations locations) {
    this.spark = requireNonNull(spark, "spark is null");
    this.path = locations.system(TABLE);
  }

  /** Gold table → event date → silver table → version its current gold partition was built from. */
  Map<String, Map<LocalDate, Map<String, Long>>> silverVersions() {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return Map.of();
    }
    Map<String, Map<LocalDate, Built>> newest = new HashMap<>();
    org.apache.spark.sql.Dataset<Row> log = spark.read().format("delta").load(path);
    boolean hasTable = java.util.Arrays.asList(log.columns()).contains("silver_table");
    for (Row row : log.selectExpr("gold_table", "event_date", "gold_version", "silver_version",
        hasTable ? "coalesce(silver_table, 'events')" : "'events'").collectAsList()) {
      long goldVersion = row.getLong(2);
      Map<LocalDate, Built> dates = newest.computeIfAbsent(row.getString(0), table -> new HashMap<>());
      LocalDate date = row.getDate(1).toLocalDate();
      Built current = dates.get(date);
      if (current == null || current.goldVersion() < goldVersion) {
        current = new Built(goldVersion, new HashMap<>());
        dates.put(date, current);
      }
      if (current.goldVersion() == goldVersion) {
        current.silverVersions().put(row.getString(4), row.getLong(3));
      }
    }
    Map<String, Map<LocalDate, Map<String, Long>>> built = new HashMap<>();
    newest.forEach((table, dates) -> dates.forEach((date, build) ->
        built.computeIfAbsent(table, t -> new HashMap<>()).put(date, build.silverVersions())));
    return built;
  }

  void record(List<Build> builds) {
    List<Row> rows = builds.stream()
        .flatMap(build -> build.silverVersions().entrySet().stream().map(read -> RowFactory.create(build.table(),
            Date.valueOf(build.date()), read.getValue(), build.goldVersion(), build.runId(), Timestamp.from(build.builtAt()),
            read.getKey())))
        .toList();
    LogAppend.append(spark, path, SCHEMA, rows);
  }
}
