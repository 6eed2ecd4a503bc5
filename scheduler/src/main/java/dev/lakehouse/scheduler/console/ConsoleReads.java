package dev.lakehouse.scheduler.console;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.get_json_object;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.runs.RunLog;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.quality.store.QualityResultsStore;
import dev.lakehouse.views.ViewStatusLog;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the console shows, read from the tables and the {@code _system} logs. Read-only: nothing
 * here writes, and no configuration (so no secret) is part of any answer.
 */
public final class ConsoleReads {

  /** The most rows of a log one answer carries: the newest ones. */
  static final int HISTORY_LIMIT = 500;

  /**
   * One row of {@code _system/runs}, with times as ISO-8601 text.
   *
   * @param dropped rows in that became neither rows out nor quarantine: duplicates for append
   *     tables, unchanged versions and tombstones for upsert tables
   */
  public record Run(String runId, String job, String scope, String table, String startedAt, String endedAt, double seconds,
      String status, long rowsIn, long rowsOut, long quarantined, long dropped, String message) {}

  /** One commit of a Delta table: how bronze's streaming writes show their progress. */
  public record Commit(long version, String at, String operation, long rowsWritten) {}

  /**
   * A validation run of a suite, without its report.
   *
   * @param anomalySuccess the row-count anomaly check's verdict, null when the run had none
   * @param anomalyObserved the row count it looked at
   */
  public record ValidationRun(String runId, String suite, String validatedAt, boolean success, boolean gatePassed,
      int evaluated, int unsuccessful, double successPercent, List<String> gateFailures, Boolean anomalySuccess,
      Double anomalyObserved, String anomalyDetails) {}

  public record ReasonCount(String reason, long rows) {}

  /** A quarantined raw record with its Kafka coordinates and why it failed. */
  public record QuarantinedRecord(String topic, int partition, long offset, String kafkaTimestamp, String key, String value,
      List<String> failedExpectations, String runId, String quarantinedAt) {}

  /** One refresh of a view. */
  public record Refresh(String view, String refreshId, String startedAt, String endedAt, double seconds, String status,
      String mode, String reason, long buckets, long rows, Long freshnessSeconds, String message) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final SparkSession spark;
  private final TableLocations locations;

  public ConsoleReads(SparkSession spark, TableLocations locations) {
    this.spark = requireNonNull(spark, "spark is null");
    this.locations = requireNonNull(locations, "locations is null");
  }

  public TableLocations locations() {
    return locations;
  }

  /** Rows of a Delta table (Delta answers from its statistics), empty when there is no table yet. */
  public Optional<Long> rows(String path) {
    return exists(path) ? Optional.of(spark.read().format("delta").load(path).count()) : Optional.empty();
  }

  /** The newest commits of a table, newest first; empty when there is no table yet. */
  public List<Commit> commits(String path, int limit) {
    if (!exists(path)) {
      return List.of();
    }
    return DeltaTable.forPath(spark, path).history(limit).select("version", "timestamp", "operation", "operationMetrics")
        .collectAsList().stream().map(row -> {
          Map<String, String> metrics = row.isNullAt(3) ? Map.of() : row.getJavaMap(3);
          String written = metrics.getOrDefault("numOutputRows", metrics.getOrDefault("numTargetRowsInserted", "0"));
          return new Commit(row.getLong(0), iso(row.getTimestamp(1)), row.getString(2), Long.parseLong(written));
        }).toList();
  }

  /** Every run of every job, by when it ended, oldest first (the log is small: one row per batch or date). */
  public List<Run> runs() {
    String path = locations.system(RunLog.TABLE);
    if (!exists(path)) {
      return List.of();
    }
    return spark.read().format("delta").load(path).orderBy(col("ended_at").asc(), col("started_at").asc()).collectAsList()
        .stream().map(ConsoleReads::run).toList();
  }

  /** The table a run's scope names: silver scopes start with {@code <table>: }; older ones had none. */
  static String tableOf(String job, String scope) {
    if (job.startsWith("gold")) {
      return "";
    }
    return scope.matches("[a-z][a-z0-9_]*: .*") ? scope.substring(0, scope.indexOf(':')) : "events";
  }

  private static Run run(Row row) {
    String job = row.getString(row.fieldIndex("job"));
    String scope = String.valueOf(row.getString(row.fieldIndex("scope")));
    Instant started = row.getTimestamp(row.fieldIndex("started_at")).toInstant();
    Instant ended = row.getTimestamp(row.fieldIndex("ended_at")).toInstant();
    long in = row.getLong(row.fieldIndex("rows_in"));
    long out = row.getLong(row.fieldIndex("rows_out"));
    long quarantined = row.getLong(row.fieldIndex("rows_quarantined"));
    String status = row.getString(row.fieldIndex("status"));
    long dropped = job.startsWith("silver") && status.equals("succeeded") ? Math.max(0, in - out - quarantined) : 0;
    return new Run(row.getString(row.fieldIndex("run_id")), job, scope, tableOf(job, scope), started.toString(),
        ended.toString(), Duration.between(started, ended).toMillis() / 1000.0, status, in, out, quarantined, dropped,
        String.valueOf(row.getString(row.fieldIndex("message"))));
  }

  /** The validation runs of a suite, newest first. */
  public List<ValidationRun> validations(String suite) {
    String path = locations.system(QualityResultsStore.TABLE);
    if (!exists(path)) {
      return List.of();
    }
    return spark.read().format("delta").load(path).where(col("suite").equalTo(suite))
        .withColumn("anomaly_success", get_json_object(col("result_json"), "$.meta.anomaly_checks[0].success").cast("boolean"))
        .withColumn("anomaly_observed", get_json_object(col("result_json"), "$.meta.anomaly_checks[0].observed_value").cast("double"))
        .withColumn("anomaly_details", get_json_object(col("result_json"), "$.meta.anomaly_checks[0].details"))
        .drop("result_json").orderBy(col("validated_at").desc()).limit(HISTORY_LIMIT).collectAsList().stream()
        .map(row -> new ValidationRun(row.getString(row.fieldIndex("run_id")), suite,
            iso(row.getTimestamp(row.fieldIndex("validated_at"))), row.getBoolean(row.fieldIndex("success")),
            row.getBoolean(row.fieldIndex("gate_passed")), row.getInt(row.fieldIndex("evaluated_expectations")),
            row.getInt(row.fieldIndex("unsuccessful_expectations")), row.getDouble(row.fieldIndex("success_percent")),
            row.getList(row.fieldIndex("gate_failures")), (Boolean) row.getAs("anomaly_success"),
            (Double) row.getAs("anomaly_observed"), (String) row.getAs("anomaly_details"))).toList();
  }

  /** A validation run's Great Expectations report (expectations, observed values, samples, anomaly check). */
  public Optional<JsonNode> validationReport(String suite, String runId) {
    String path = locations.system(QualityResultsStore.TABLE);
    if (!exists(path)) {
      return Optional.empty();
    }
    List<Row> rows = spark.read().format("delta").load(path)
        .where(col("suite").equalTo(suite).and(col("run_id").equalTo(runId))).select("result_json").limit(1).collectAsList();
    if (rows.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(rows.get(0).getString(0)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new LakehouseException("the stored report of " + suite + " run " + runId + " is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Quarantined rows of a silver table by failed expectation (a row failing two counts under both), most first. */
  public List<ReasonCount> quarantineReasons(String table) {
    String path = locations.quarantine(table);
    if (!exists(path)) {
      return List.of();
    }
    return spark.read().format("delta").load(path).select(explode(col("failed_expectations")).as("reason"))
        .groupBy("reason").agg(count(lit(1)).as("rows")).orderBy(col("rows").desc(), col("reason").asc()).collectAsList()
        .stream().map(row -> new ReasonCount(row.getString(0), row.getLong(1))).toList();
  }

  /** One page of a table's quarantined records failing {@code reason} (all when empty), in Kafka order. */
  public List<QuarantinedRecord> quarantined(String table, Optional<String> reason, int page, int pageSize) {
    String path = locations.quarantine(table);
    if (!exists(path)) {
      return List.of();
    }
    Dataset<Row> rows = spark.read().format("delta").load(path);
    if (reason.isPresent()) {
      rows = rows.where(org.apache.spark.sql.functions.array_contains(col("failed_expectations"), reason.get()));
    }
    return rows.orderBy("topic", "partition", "offset").offset(page * pageSize).limit(pageSize).collectAsList().stream()
        .map(row -> new QuarantinedRecord(row.getString(row.fieldIndex("topic")), row.getInt(row.fieldIndex("partition")),
            row.getLong(row.fieldIndex("offset")), iso(row.getTimestamp(row.fieldIndex("kafka_timestamp"))),
            row.getString(row.fieldIndex("key")), row.getString(row.fieldIndex("value")),
            row.getList(row.fieldIndex("failed_expectations")), row.getString(row.fieldIndex("run_id")),
            iso(row.getTimestamp(row.fieldIndex("quarantined_at"))))).toList();
  }

  /** Every refresh of every view, oldest first. */
  public List<Refresh> refreshes() {
    String path = locations.system(ViewStatusLog.TABLE);
    if (!exists(path)) {
      return List.of();
    }
    return spark.read().format("delta").load(path).orderBy(col("ended_at").asc()).collectAsList().stream().map(row -> {
      Instant started = row.getTimestamp(row.fieldIndex("started_at")).toInstant();
      Instant ended = row.getTimestamp(row.fieldIndex("ended_at")).toInstant();
      int freshness = row.fieldIndex("freshness_seconds");
      return new Refresh(row.getString(row.fieldIndex("view")), row.getString(row.fieldIndex("refresh_id")), started.toString(),
          ended.toString(), Duration.between(started, ended).toMillis() / 1000.0, row.getString(row.fieldIndex("status")),
          row.getString(row.fieldIndex("mode")), row.getString(row.fieldIndex("reason")),
          row.getLong(row.fieldIndex("buckets_written")), row.getLong(row.fieldIndex("rows")),
          row.isNullAt(freshness) ? null : row.getLong(freshness), row.getString(row.fieldIndex("message")));
    }).toList();
  }

  private boolean exists(String path) {
    return DeltaTable.isDeltaTable(spark, path);
  }

  private static String iso(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant().toString();
  }
}
