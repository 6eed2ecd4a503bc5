package dev.lakehouse.silver;

import java.time.Duration;

/**
 * What one incremental silver run did.
 *
 * @param rowsOut rows inserted (append tables: new events; upsert tables: new keys or versions)
 * @param duplicates append tables: repeated events dropped; upsert tables: versions that changed
 *     nothing (repeated, or older than what silver holds)
 * @param updated upsert tables: rows updated (a newer version, or a history interval that changed)
 * @param deleted upsert tables: rows deleted
 * @param tombstones Debezium tables: tombstones (null values after a delete) skipped
 */
public record SilverRunResult(int batches, long rowsIn, long rowsOut, long quarantined, long duplicates, long updated,
    long deleted, long tombstones, Duration duration) {

  public SilverRunResult(int batches, long rowsIn, long rowsOut, long quarantined, long duplicates, Duration duration) {
    this(batches, rowsIn, rowsOut, quarantined, duplicates, 0, 0, 0, duration);
  }
}
