package dev.lakehouse.core.runs;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.storage.ConflictRetry;
import dev.lakehouse.core.storage.KeyedInsert;
import dev.lakehouse.core.storage.LogAppend;
import io.delta.tables.DeltaTable;
import dev.lakehouse.core.storage.TableLocations;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code _system/runs} Delta table: every job run writes a {@code running} row when it starts
 * and replaces it with its outcome when it ends. Idempotent: the outcome replaces the row with the
 * run's {@code run_id} (an UPDATE of it when this log wrote it, else a MERGE on {@code run_id}), so a
 * retried recording never duplicates a run. A run killed in between leaves its {@code running}
 * row, which the next run of the same job marks {@code aborted} ({@link #abortLeftovers}).
 */
public final class RunLog {

  public static final String TABLE = "runs";

  static final StructType SCHEMA =
      new StructType()
          .add("run_id", DataTypes.StringType, false)
          .add("job", DataTypes.StringType, false)
          .add("scope", DataTypes.StringType, false)
          .add("started_at", DataTypes.TimestampType, false)
          .add("ended_at", DataTypes.TimestampType, false)
          .add("status", DataTypes.StringType, false)
          .add("rows_in", DataTypes.LongType, false)
          .add("rows_out", DataTypes.LongType, false)
          .add("rows_quarantined", DataTypes.LongType, false)
          .add("message", DataTypes.StringType, false);

  private final SparkSession spark;
  private final String path;
  /**
   * Runs this log wrote a {@code running} row for and no outcome yet: their outcome is an UPDATE of
   * that row, which the run id's file statistics find; a MERGE joined every file of the table and
   * cost a silver batch more planning and code generation.
   */
  private final java.util.Set<String> open = java.util.concurrent.ConcurrentHashMap.newKeySet();

  public RunLog(SparkSession spark, TableLocations locations) {
    this.spark = requireNonNull(spark, "spark is null");
    this.path = locations.system(TABLE);
  }

  public String path() {
    return path;
  }

  /**
   * A run that starts: its {@code running} row, a blind append (cheaper than a MERGE, and it
   * never conflicts). Run ids are unique per start; should a retried append leave the row twice,
   * the outcome's MERGE replaces both.
   */
  public void start(RunRecord running) {
    start(List.of(running));
  }

  /**
   * Runs that start together (gold builds a batch of dates, a run per date): their {@code running}
   * rows in one commit, as {@link #start(RunRecord)} does for one.
   */
  public void start(List<RunRecord> running) {
    LogAppend.append(spark, path, SCHEMA, running.stream().map(RunLog::row).toList());
    running.forEach(run -> open.add(run.runId()));
  }

  /** A run's outcome; it replaces the run's {@code running} row. */
  public void record(RunRecord run) {
    record(List.of(run));
  }

  /** The outcomes of runs that end together, in one commit; each replaces its run's {@code running} row. */
  public void record(List<RunRecord> runs) {
    if (runs.stream().allMatch(run -> open.contains(run.runId()))) {
      ConflictRetry.onConflict("record runs in " + path, () -> replaceStarted(runs));
    } else {
      KeyedInsert.upsert(spark, path, SCHEMA, runs.stream().map(RunLog::row).toList(), "existing.run_id = incoming.run_id");
    }
    runs.forEach(run -> open.remove(run.runId()));
  }

  /** One UPDATE: each column of a run's row takes the outcome's value. */
  private void replaceStarted(List<RunRecord> runs) {
    Column runId = functions.col("run_id");
    List<Row> rows = runs.stream().map(RunLog::row).toList();
    Map<String, Column> assignments = new java.util.LinkedHashMap<>();
    for (int field = 1; field < SCHEMA.fields().length; field++) { // field 0, run_id, is the key
      StructField column = SCHEMA.fields()[field];
      Column value = null;
      for (Row row : rows) {
        Column matches = runId.equalTo(row.getString(0));
        Column outcome = functions.lit(row.get(field)).cast(column.dataType());
        value = value == null ? functions.when(matches, outcome) : value.when(matches, outcome);
      }
      assignments.put(column.name(), value.otherwise(functions.col(column.name())));
    }
    Column started = runId.isin(runs.stream().map(RunRecord::runId).toArray());
    DeltaTable.forPath(spark, path).update(started, assignments);
  }

  /** A run of {@code job} that was interrupted: its id and scope. */
  public record Leftover(String runId, String scope) {}

  /**
   * Marks every {@code running} row of {@code job} as {@code aborted} and returns them. Called by
   * a run before it starts: one run of a job at a time, so a row still running is a dead one's.
   */
  public List<Leftover> abortLeftovers(String job) {
    return abortLeftovers(job, "");
  }

  /**
   * As {@link #abortLeftovers(String)}, for the rows whose scope starts with {@code scopePrefix}
   * (one silver table's runs: another table's run may be going on elsewhere).
   */
  public List<Leftover> abortLeftovers(String job, String scopePrefix) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return List.of();
    }
    String condition = "job = '" + job.replace("'", "''") + "' AND status = '" + RunRecord.RUNNING + "'"
        + (scopePrefix.isEmpty() ? "" : " AND startswith(scope, '" + scopePrefix.replace("'", "''") + "')");
    List<Leftover> leftovers = spark.read().format("delta").load(path).where(condition)
        .select("run_id", "scope").collectAsList().stream()
        .map(found -> new Leftover(found.getString(0), found.getString(1))).toList();
    if (!leftovers.isEmpty()) {
      ConflictRetry.onConflict("abort leftover runs in " + path, () -> DeltaTable.forPath(spark, path).updateExpr(condition,
          Map.of("status", "'" + RunRecord.ABORTED + "'", "ended_at", "current_timestamp()",
              "message", "'interrupted: the run stopped before it ended (killed or crashed); a later run redid its work'")));
    }
    return leftovers;
  }

  /** The id of a succeeded run of {@code job} for exactly {@code scope}, if there is one. */
  public java.util.Optional<String> succeededRunOf(String job, String scope) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return java.util.Optional.empty();
    }
    List<Row> found = spark.read().format("delta").load(path)
        .where(org.apache.spark.sql.functions.col("job").equalTo(job)
            .and(org.apache.spark.sql.functions.col("scope").equalTo(scope))
            .and(org.apache.spark.sql.functions.col("status").equalTo(RunRecord.SUCCEEDED)))
        .select("run_id").limit(1).collectAsList();
    return found.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(found.get(0).getString(0));
  }

  private static Row row(RunRecord run) {
    return RowFactory.create(
        run.runId(), run.job(), run.scope(), Timestamp.from(run.startedAt()), Timestamp.from(run.endedAt()),
        run.status(), run.rowsIn(), run.rowsOut(), run.rowsQuarantined(), run.message());
  }
}
