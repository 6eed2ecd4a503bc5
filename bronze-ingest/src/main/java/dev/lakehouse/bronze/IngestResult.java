package dev.lakehouse.bronze;

import java.time.Duration;

/** What one {@code ingest --once} of a source did. */
public record IngestResult(String source, String table, long rows, int batches, Duration duration) {

  public double rowsPerSecond() {
    return rows / Math.max(0.001, duration.toNanos() / 1e9);
  }
}
