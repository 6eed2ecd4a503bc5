package dev.lakehouse.views;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;

/**
 * A materialized view: a query over {@code source} (the source's rows inside the view's window),
 * grouped by a time bucket, refreshed on its own schedule.
 *
 * @param source {@code live.events} or {@code silver.events}
 * @param bucket the view's time-bucket column and how a source row's bucket is computed
 * @param window how far back the view reaches; older buckets are dropped
 * @param origin where it was loaded from, for messages
 */
public record ViewDefinition(
    String name,
    String description,
    ViewSchedule schedule,
    RefreshPolicy refresh,
    String source,
    Bucket bucket,
    Duration window,
    String sql,
    String origin) {

  /** The temp view the queries read from. */
  public static final String SOURCE_VIEW = "source";

  /**
   * @param column the view's bucket column (its partition column)
   * @param expression the same bucket computed from a source row, e.g. {@code date_trunc('HOUR', event_time)}
   * @param unit the bucket's length: minute, hour or day
   */
  public record Bucket(String column, String expression, ChronoUnit unit) {
    public Bucket {
      requireNonNull(column, "column is null");
      requireNonNull(expression, "expression is null");
      requireNonNull(unit, "unit is null");
    }
  }

  public ViewDefinition {
    requireNonNull(name, "name is null");
    requireNonNull(description, "description is null");
    requireNonNull(schedule, "schedule is null");
    requireNonNull(refresh, "refresh is null");
    requireNonNull(source, "source is null");
    requireNonNull(bucket, "bucket is null");
    requireNonNull(window, "window is null");
    requireNonNull(sql, "sql is null");
    requireNonNull(origin, "origin is null");
  }

  /** Number of buckets in the window. */
  public long windowBuckets() {
    return Math.max(1, window.toSeconds() / bucket.unit().getDuration().toSeconds());
  }

  /** Changes whenever what the view computes changes; a change forces a full refresh. */
  public String definitionHash() {
    String identity = String.join("\n", source, bucket.column(), bucket.expression(), bucket.unit().name(), sql);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
