package dev.lakehouse.views;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Row;

/**
 * What a refresher's last successful kept-aggregate refresh of one view left behind, so its next
 * refresh needs neither the status table (for where to continue from) nor the view table (for
 * the rows to compare with). It holds only while the view table is still at {@code viewVersion}:
 * any other writer of the view (another process's refresh, a manual fix) moves the version on,
 * and the refresher reads both tables again. A prior taken from here is a valid place to
 * continue from even if another process recorded a refresh since without writing the view: the
 * state is read at the version recorded here (time travel), whatever came after it.
 *
 * @param rowsByBucket the view's rows in the window as committed, by bucket; empty when the view
 *     is too large to keep (then the changed buckets' rows are read back from the table)
 */
record LastWrite(long viewVersion, String definitionHash, Map<String, Long> sourceVersions,
    Optional<Instant> newestSourceAt, List<Object> tailBuckets, Optional<Map<Object, List<Row>>> rowsByBucket) {

  /** Views with more rows than this are read back instead of kept (a few hundred bytes a row). */
  static final int MAX_KEPT_ROWS = 200_000;

  /** The rows of {@code buckets} (all buckets: empty) at or after {@code windowStartBucket}. */
  static List<Row> within(Map<Object, List<Row>> rowsByBucket, Optional<Set<Object>> buckets, Object windowStartBucket) {
    List<Row> rows = new ArrayList<>();
    rowsByBucket.forEach((bucket, bucketRows) -> {
      if (buckets.map(set -> set.contains(bucket)).orElse(true) && atOrAfter(bucket, windowStartBucket)) {
        rows.addAll(bucketRows);
      }
    });
    return rows;
  }

  /** {@code rows} by their bucket. */
  static Map<Object, List<Row>> byBucket(List<Row> rows, int bucketIndex) {
    Map<Object, List<Row>> byBucket = new HashMap<>();
    for (Row row : rows) {
      byBucket.computeIfAbsent(row.get(bucketIndex), bucket -> new ArrayList<>()).add(row);
    }
    return byBucket;
  }

  /**
   * The buckets whose rows differ between a view's new rows and its table's, in any order (both a
   * view's size, small: compared here rather than by two Spark except-alls and their shuffles).
   */
  static List<Object> changedBuckets(List<Row> fresh, List<Row> current, int bucketIndex) {
    Map<Object, List<Row>> freshByBucket = byBucket(fresh, bucketIndex);
    Map<Object, List<Row>> currentByBucket = byBucket(current, bucketIndex);
    Set<Object> buckets = new java.util.HashSet<>(freshByBucket.keySet());
    buckets.addAll(currentByBucket.keySet());
    return buckets.stream().filter(bucket -> !counted(freshByBucket.getOrDefault(bucket, List.of()))
        .equals(counted(currentByBucket.getOrDefault(bucket, List.of())))).toList();
  }

  /** Each distinct row and how often it occurs. */
  private static Map<Row, Long> counted(List<Row> rows) {
    return rows.stream().collect(java.util.stream.Collectors.groupingBy(row -> row, java.util.stream.Collectors.counting()));
  }

  /** The rows, if there are at most {@link #MAX_KEPT_ROWS} of them. */
  static Optional<Map<Object, List<Row>>> keepable(Map<Object, List<Row>> rowsByBucket) {
    return rowsByBucket.values().stream().mapToLong(List::size).sum() > MAX_KEPT_ROWS ? Optional.empty()
        : Optional.of(rowsByBucket);
  }

  /**
   * The view's rows after a commit that replaced {@code changed} buckets with their rows among
   * {@code fresh} and dropped the buckets before {@code windowStartBucket}.
   */
  static Map<Object, List<Row>> afterCommit(Map<Object, List<Row>> before, List<Row> fresh, List<Object> changed,
      int bucketIndex, Object windowStartBucket) {
    Set<Object> replaced = new java.util.HashSet<>(changed);
    Map<Object, List<Row>> after = new HashMap<>();
    before.forEach((bucket, rows) -> {
      if (!replaced.contains(bucket) && atOrAfter(bucket, windowStartBucket)) {
        after.put(bucket, rows);
      }
    });
    for (Row row : fresh) {
      if (replaced.contains(row.get(bucketIndex))) {
        after.computeIfAbsent(row.get(bucketIndex), bucket -> new ArrayList<>()).add(row);
      }
    }
    return after;
  }

  @SuppressWarnings("unchecked")
  private static boolean atOrAfter(Object bucket, Object windowStartBucket) {
    return bucket != null && ((Comparable<Object>) bucket).compareTo(windowStartBucket) >= 0;
  }
}
