package dev.lakehouse.silver;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;

import dev.lakehouse.core.definitions.SilverTableDefinition;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * SCD type 1: silver holds the latest version of each key. A batch is reduced to its newest
 * version per key, versions not newer than a recorded delete of their key are dropped, and one
 * MERGE on the key updates a row only when the incoming version is newer than the stored one,
 * inserts new keys and deletes on a delete. Then the batch's deletes are recorded.
 *
 * <p>Idempotent: a replayed batch finds its versions stored already (not newer), its deletes
 * done and recorded. Both steps compare versions, so a crash between them is harmless too.
 */
final class CurrentStateWriter implements VersionWriter {

  private static final String LAST_DELETE = "_lakehouse_last_delete";

  private final SilverTableDefinition table;
  private final TableRefiner refiner;
  private final String path;
  private final SilverTableSchema schema;
  private final DeleteLog deletes;

  CurrentStateWriter(TableRefiner refiner, String path, SilverTableSchema schema, DeleteLog deletes) {
    this.refiner = requireNonNull(refiner, "refiner is null");
    this.table = refiner.table();
    this.path = requireNonNull(path, "path is null");
    this.schema = requireNonNull(schema, "schema is null");
    this.deletes = requireNonNull(deletes, "deletes is null");
  }

  @Override
  public Batch plan(Dataset<Row> valid) {
    Dataset<Row> latest = refiner.latestPerKey(valid);
    String sequence = table.sequenceColumn();
    Dataset<Row> lastDeletes = deletes.of(latest).groupBy(refiner.keyColumns())
        .agg(max(struct(col(sequence).as(DeleteLog.DELETED_SEQUENCE), col(SilverTableDefinition.INGESTED_AT)
            .as(DeleteLog.DELETED_AT))).as(LAST_DELETE));
    Column deletedSequence = col(LAST_DELETE + "." + DeleteLog.DELETED_SEQUENCE);
    Column afterLastDelete = col(TableRefiner.DELETE).or(col(LAST_DELETE).isNull())
        .or(col(sequence).gt(deletedSequence))
        .or(col(sequence).equalTo(deletedSequence)
            .and(col(SilverTableDefinition.INGESTED_AT).gt(col(LAST_DELETE + "." + DeleteLog.DELETED_AT))));
    List<Column> columns = new ArrayList<>(List.of(refiner.silverColumns()));
    columns.add(col(TableRefiner.DELETE));
    Dataset<Row> source = latest.join(lastDeletes, scala.collection.JavaConverters.asScalaBuffer(table.key()).toSeq(), "left")
        .where(afterLastDelete).select(columns.toArray(Column[]::new)).cache();
    return new Planned(source, source.where(not(col(TableRefiner.DELETE))).select(refiner.silverColumns()), false);
  }

  @Override
  public Batch planRebuild(Dataset<Row> valid) {
    List<Column> columns = new ArrayList<>(List.of(refiner.silverColumns()));
    columns.add(col(TableRefiner.DELETE));
    Dataset<Row> latest = refiner.latestPerKey(valid).select(columns.toArray(Column[]::new)).cache();
    return new Planned(latest, latest.where(not(col(TableRefiner.DELETE))).select(refiner.silverColumns()), true);
  }

  /** A planned batch: the newest versions per key (deletes flagged), and the rows they publish. */
  private final class Planned implements Batch {
    private final Dataset<Row> source;
    private final Dataset<Row> published;
    private final boolean rebuild;

    Planned(Dataset<Row> source, Dataset<Row> published, boolean rebuild) {
      this.source = source;
      this.published = published;
      this.rebuild = rebuild;
    }

    @Override
    public Dataset<Row> published() {
      return published;
    }

    @Override
    public Applied write(String runId) {
      if (rebuild) {
        // deletes first: should the table's commit fail, the next rebuild writes both again
        deletes.replace(source);
        long rows = schema.replace(published, runId);
        return new Applied(rows, 0, 0);
      }
      schema.prepare(published, "rebuild it with `./lakehouse rerun silver --table " + table.name() + "`");
      if (source.isEmpty()) {
        return new Applied(0, 0, 0); // nothing newer than what silver holds (a replayed batch, repeated versions)
      }
      List<String> columns = table.silverColumns();
      String after = UpsertSql.after(table.sequenceColumn(), "batch", "silver");
      String delete = UpsertSql.quoted("batch", TableRefiner.DELETE);
      Applied applied = UpsertSql.merge(source, path, "upsert_batch_" + table.name(), UpsertSql.matching(table.key(), "silver", "batch")
          + " WHEN MATCHED AND " + delete + " AND " + after + " THEN DELETE"
          + " WHEN MATCHED AND " + after + " THEN UPDATE SET " + UpsertSql.assignments(columns, "silver", "batch")
          + " WHEN NOT MATCHED AND NOT " + delete + " THEN INSERT " + UpsertSql.insert(columns, "batch"), runId);
      deletes.record(source);
      return applied;
    }

    @Override
    public void close() {
      source.unpersist();
    }
  }
}
