package dev.lakehouse.views;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What one refresh of a view did.
 *
 * @param mode {@code full} or {@code incremental}
 * @param reason why that mode (e.g. "first refresh", "3 of 60 buckets changed")
 * @param bucketsWritten buckets recomputed (a full refresh: every bucket of the window)
 * @param newestSourceAt ingest time of the newest source row included
 */
public record ViewRefresh(
    String view,
    String refreshId,
    Instant startedAt,
    Instant endedAt,
    String status,
    String mode,
    String reason,
    Map<String, Long> sourceVersions,
    Instant windowStart,
    long bucketsWritten,
    long rows,
    Optional<Instant> newestSourceAt,
    String definitionHash,
    String message) {

  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String FULL = "full";
  public static final String INCREMENTAL = "incremental";

  public Optional<Duration> freshness() {
    return newestSourceAt.map(newest -> Duration.between(newest, endedAt));
  }

  public Duration duration() {
    return Duration.between(startedAt, endedAt);
  }
}
