package dev.lakehouse.core.runs;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.storage.KeyedInsert;
import dev.lakehouse.core.storage.TableLocations;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code _system/runs} Delta table: every job run appends its record. Idempotent: a MERGE on
 * {@code run_id} inserts a run once, so a retried recording never duplicates it.
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

  public RunLog(SparkSession spark, TableLocations locations) {
    this.spark = requireNonNull(spark, "spark is null");
    this.path = locations.system(TABLE);
  }

  public String path() {
    return path;
  }

  public void record(RunRecord run) {
    Row row =
        RowFactory.create(
            run.runId(), run.job(), run.scope(), Timestamp.from(run.startedAt()), Timestamp.from(run.endedAt()),
            run.status(), run.rowsIn(), run.rowsOut(), run.rowsQuarantined(), run.message());
    KeyedInsert.insertNew(spark, path, SCHEMA, List.of(row), "existing.run_id = incoming.run_id");
  }
}
