package dev.lakehouse.silver;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;

import dev.lakehouse.core.definitions.SilverTableDefinition;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The deletes an upsert table has seen ({@code _system/deletes_<table>}: key, sequence, bronze
 * ingest time). A delete leaves no row in the table, yet a version older than it that arrives
 * later must not bring the key back, and a history must know where a late version's interval
 * ends; so deletes are kept, as Databricks' AUTO CDC keeps its tombstones.
 *
 * <p>Idempotent: an insert-only MERGE on (key, sequence), so a replayed batch adds nothing.
 */
final class DeleteLog {

  static final String DELETED_SEQUENCE = "_lakehouse_deleted_sequence";
  static final String DELETED_AT = "_lakehouse_deleted_at";

  private final SparkSession spark;
  private final SilverTableDefinition table;
  private final String path;

  DeleteLog(SparkSession spark, SilverTableDefinition table, String path) {
    this.spark = requireNonNull(spark, "spark is null");
    this.table = requireNonNull(table, "table is null");
    this.path = requireNonNull(path, "path is null");
  }

  String path() {
    return path;
  }

  /** The log's columns: the key, the sequence, the bronze ingest time. */
  private List<String> columns() {
    List<String> columns = new ArrayList<>(table.key());
    columns.add(table.sequenceColumn());
    columns.add(SilverTableDefinition.INGESTED_AT);
    return columns;
  }

  private Column[] selection() {
    return columns().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }

  /** Every recorded delete of the keys that {@code versions} (a frame with the key columns) holds. */
  Dataset<Row> of(Dataset<Row> versions) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return versions.select(selection()).limit(0);
    }
    Column[] key = table.key().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    return versions.sparkSession().read().format("delta").load(path).select(selection())
        .join(versions.select(key).distinct(), scala.collection.JavaConverters.asScalaBuffer(table.key()).toSeq(), "left_semi");
  }

  /** Records the deletes among {@code versions} (rows with the refine's delete flag); returns how many were new. */
  long record(Dataset<Row> versions) {
    Dataset<Row> deletes = versions.where(col(TableRefiner.DELETE)).select(selection());
    if (deletes.isEmpty()) {
      return 0; // most batches: no commit at all
    }
    if (!DeltaTable.isDeltaTable(spark, path)) {
      // atomic: the table and its first rows are one commit
      deletes.cache();
      try {
        deletes.write().format("delta").mode("append").save(path);
        return deletes.count();
      } finally {
        deletes.unpersist();
      }
    }
    SparkSession session = versions.sparkSession();
    String view = "deletes_batch_" + table.name();
    deletes.createOrReplaceTempView(view);
    try {
      String match = columns().subList(0, table.key().size() + 1).stream()
          .map(column -> "log.`" + column + "` = batch.`" + column + "`").collect(Collectors.joining(" AND "));
      Row metrics = session.sql("MERGE INTO delta.`" + path + "` AS log USING " + view + " AS batch ON " + match
          + " WHEN NOT MATCHED THEN INSERT *").first();
      return metrics.getLong(metrics.fieldIndex("num_inserted_rows"));
    } finally {
      session.catalog().dropTempView(view);
    }
  }

  /** Replaces the log with the deletes among {@code versions}, in one commit (a rebuild). */
  void replace(Dataset<Row> versions) {
    versions.where(col(TableRefiner.DELETE)).select(selection())
        .write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(path);
  }
}
