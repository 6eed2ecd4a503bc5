package dev.lakehouse.silver;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How an upsert table takes valid versions (refined rows with the delete flag):
 * {@link CurrentStateWriter} keeps the latest version per key, {@link HistoryWriter} every
 * version with its validity interval. A batch is planned first, so the quality gate can judge
 * what would be published before anything is written.
 */
interface VersionWriter {

  /** What one refine batch of {@code valid} versions would change, computed lazily. */
  Batch plan(Dataset<Row> valid);

  /** The table that all of {@code valid} (every version bronze holds) gives, replacing it whole. */
  Batch planRebuild(Dataset<Row> valid);

  /** A planned write: the rows the gate judges, in silver's columns, and the write itself. */
  interface Batch extends AutoCloseable {

    Dataset<Row> published();

    /**
     * Writes the batch. A refine batch is idempotent (applying it again changes nothing); a
     * rebuild replaces the table in one commit.
     */
    Applied write(String runId);

    /** Releases what the plan cached. */
    @Override
    void close();
  }

  /** What a write changed, as the MERGE reports it. */
  record Applied(long inserted, long updated, long deleted) {}
}
