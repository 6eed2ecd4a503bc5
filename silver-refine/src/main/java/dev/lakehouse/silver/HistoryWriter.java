package dev.lakehouse.silver;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;

import dev.lakehouse.core.definitions.SilverTableDefinition;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * SCD type 2: silver holds every version of each key, valid from its own sequence to the next
 * version's or delete's ({@code valid_to} null and {@code is_current} true while it is the
 * latest). For the keys a batch touches, the history is recomputed from what silver and the
 * delete log hold plus the batch, applied in sequence order, so a late, older version lands in
 * its place and splits its neighbour's interval; one MERGE on (key, valid_from) then inserts the
 * new versions, updates the intervals that changed and removes a version an equal-sequence
 * delete replaced. The history therefore always equals what applying every version in sequence
 * order gives.
 *
 * <p>Idempotent: a replayed batch recomputes the same history, which equals what silver holds,
 * so the MERGE changes nothing; recording the deletes is an insert-only MERGE.
 */
final class HistoryWriter implements VersionWriter {

  /** Where an event of the recomputation comes from: the batch wins over silver's copy of the same version. */
  private static final String ORIGIN = "_lakehouse_origin";
  private static final String RANK = "_lakehouse_rank";
  private static final String NEXT = "_lakehouse_next";
  private static final String REMOVE = "_lakehouse_remove";

  private final SilverTableDefinition table;
  private final TableRefiner refiner;
  private final String path;
  private final SilverTableSchema schema;
  private final DeleteLog deletes;

  HistoryWriter(TableRefiner refiner, String path, SilverTableSchema schema, DeleteLog deletes) {
    this.refiner = requireNonNull(refiner, "refiner is null");
    this.table = refiner.table();
    this.path = requireNonNull(path, "path is null");
    this.schema = requireNonNull(schema, "schema is null");
    this.deletes = requireNonNull(deletes, "deletes is null");
  }

  /** The declared columns, ingested_at and _extra: what a version carries (no interval). */
  private List<String> versionColumns() {
    List<String> columns = new ArrayList<>(table.silverColumns());
    columns.removeAll(List.of(SilverTableDefinition.VALID_FROM, SilverTableDefinition.VALID_TO, SilverTableDefinition.IS_CURRENT));
    return columns;
  }

  private static Column[] columns(List<String> names, String... extra) {
    List<Column> columns = new ArrayList<>();
    names.forEach(name -> columns.add(col(name)));
    for (String name : extra) {
      columns.add(col(name));
    }
    return columns.toArray(Column[]::new);
  }

  /** The batch's versions as events: each version's columns, the delete flag, origin 1 (the batch wins ties). */
  private Dataset<Row> batchEvents(Dataset<Row> valid) {
    return refiner.latestPerVersion(valid).select(columns(versionColumns(), TableRefiner.DELETE)).withColumn(ORIGIN, lit(1));
  }

  @Override
  public Batch plan(Dataset<Row> valid) {
    Dataset<Row> batch = batchEvents(valid).cache();
    SparkSession session = valid.sparkSession();
    Dataset<Row> existing = existing(session, batch);
    Dataset<Row> stored = existing.select(columns(versionColumns())).withColumn(TableRefiner.DELETE, lit(false))
        .withColumn(ORIGIN, lit(0));
    Dataset<Row> recordedDeletes = deletes.of(batch);
    for (String column : versionColumns()) {
      if (!List.of(recordedDeletes.columns()).contains(column)) {
        recordedDeletes = recordedDeletes.withColumn(column, lit(null).cast(batch.schema().apply(column).dataType()));
      }
    }
    Dataset<Row> events = batch.unionByName(stored)
        .unionByName(recordedDeletes.select(columns(versionColumns())).withColumn(TableRefiner.DELETE, lit(true))
            .withColumn(ORIGIN, lit(0)));
    Dataset<Row> history = history(events).cache();
    // what changed: recomputed rows silver does not hold as they are, and stored versions an
    // equal-sequence delete replaced (they are no longer in the history)
    List<String> identity = new ArrayList<>(table.key());
    identity.add(SilverTableDefinition.VALID_FROM);
    Dataset<Row> changed = history.except(existing.select(columns(table.silverColumns()))).withColumn(REMOVE, lit(false));
    Dataset<Row> removed = existing.select(columns(table.silverColumns()))
        .join(history.select(columns(identity)), scala.collection.JavaConverters.asScalaBuffer(identity).toSeq(), "left_anti")
        .withColumn(REMOVE, lit(true));
    Dataset<Row> source = changed.unionByName(removed).cache();
    return new Planned(List.of(batch, history, source), source, history, false);
  }

  @Override
  public Batch planRebuild(Dataset<Row> valid) {
    Dataset<Row> events = batchEvents(valid).cache();
    Dataset<Row> history = history(events).cache();
    return new Planned(List.of(events, history), events, history, true);
  }

  /** Silver's rows of the keys in {@code batch} (none before the first write). */
  private Dataset<Row> existing(SparkSession session, Dataset<Row> batch) {
    if (!DeltaTable.isDeltaTable(session, path)) {
      return refiner.emptySilver(session);
    }
    Dataset<Row> silver = session.read().format("delta").load(path);
    for (String column : table.silverColumns()) { // a column the definition gained: null until written
      if (!List.of(silver.columns()).contains(column)) {
        silver = silver.withColumn(column, lit(null).cast(refiner.emptySilver(session).schema().apply(column).dataType()));
      }
    }
    return silver.select(columns(table.silverColumns())).join(batch.select(refiner.keyColumns()).distinct(),
        scala.collection.JavaConverters.asScalaBuffer(table.key()).toSeq(), "left_semi");
  }

  /**
   * Applies events (versions and deletes) in sequence order per key: of events with the same
   * key and sequence the later arrival wins (the batch over silver's copy); each version is
   * valid until the next event, a delete adds no row.
   */
  private Dataset<Row> history(Dataset<Row> events) {
    String sequence = table.sequenceColumn();
    List<Column> sameVersion = new ArrayList<>(List.of(refiner.keyColumns()));
    sameVersion.add(col(sequence));
    Dataset<Row> winners = events
        .withColumn(RANK, row_number().over(Window.partitionBy(sameVersion.toArray(Column[]::new))
            .orderBy(col(SilverTableDefinition.INGESTED_AT).desc(), col(ORIGIN).desc(), col(TableRefiner.DELETE).desc())))
        .where(col(RANK).equalTo(1));
    return winners
        .withColumn(NEXT, lead(col(sequence), 1).over(Window.partitionBy(refiner.keyColumns()).orderBy(col(sequence))))
        .where(not(col(TableRefiner.DELETE)))
        .withColumn(SilverTableDefinition.VALID_FROM, col(sequence))
        .withColumn(SilverTableDefinition.VALID_TO, col(NEXT))
        .withColumn(SilverTableDefinition.IS_CURRENT, col(NEXT).isNull())
        .select(columns(table.silverColumns()));
  }

  /** A planned write: the MERGE source (or the whole history for a rebuild) and the rows the gate judges. */
  private final class Planned implements Batch {
    private final List<Dataset<Row>> cached;
    /** Refine: the changed and removed rows; rebuild: the events (their deletes are recorded). */
    private final Dataset<Row> source;
    private final Dataset<Row> history;
    private final boolean rebuild;

    Planned(List<Dataset<Row>> cached, Dataset<Row> source, Dataset<Row> history, boolean rebuild) {
      this.cached = cached;
      this.source = source;
      this.history = history;
      this.rebuild = rebuild;
    }

    @Override
    public Dataset<Row> published() {
      return history;
    }

    @Override
    public Applied write(String runId) {
      if (rebuild) {
        deletes.replace(source);
        return new Applied(schema.replace(history, runId), 0, 0);
      }
      schema.prepare(history, "rebuild it with `./lakehouse rerun silver --table " + table.name() + "`");
      if (source.isEmpty()) {
        deletes.record(cached.get(0)); // a delete of a key without versions changes no row, yet counts later
        return new Applied(0, 0, 0); // nothing newer than what silver holds (a replayed batch, repeated versions)
      }
      List<String> identity = new ArrayList<>(table.key());
      identity.add(SilverTableDefinition.VALID_FROM);
      List<String> columns = table.silverColumns();
      String remove = UpsertSql.quoted("batch", REMOVE);
      Applied applied = UpsertSql.merge(source, path, "history_batch_" + table.name(), UpsertSql.matching(identity, "silver", "batch")
          + " WHEN MATCHED AND " + remove + " THEN DELETE"
          + " WHEN MATCHED THEN UPDATE SET " + UpsertSql.assignments(columns, "silver", "batch")
          + " WHEN NOT MATCHED AND NOT " + remove + " THEN INSERT " + UpsertSql.insert(columns, "batch"), runId);
      deletes.record(cached.get(0));
      return applied;
    }

    @Override
    public void close() {
      cached.forEach(Dataset::unpersist);
    }
  }
}
