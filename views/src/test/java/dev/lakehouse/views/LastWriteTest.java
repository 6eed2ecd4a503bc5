package dev.lakehouse.views;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class LastWriteTest {

  private static final Timestamp NINE = Timestamp.from(Instant.parse("2026-12-04T09:00:00Z"));
  private static final Timestamp TEN = Timestamp.from(Instant.parse("2026-12-04T10:00:00Z"));
  private static final Timestamp ELEVEN = Timestamp.from(Instant.parse("2026-12-04T11:00:00Z"));

  private static Row row(Timestamp bucket, String type, long events) {
    return RowFactory.create(bucket, type, events);
  }

  @Test
  void changedBucketsAreThoseWhoseRowsDifferInAnyWayButOrder() {
    List<Row> current = List.of(row(NINE, "view", 1), row(TEN, "view", 2), row(TEN, "buy", 3), row(ELEVEN, "view", 4),
        row(ELEVEN, "view", 4));
    List<Row> fresh = List.of(row(TEN, "buy", 3), row(TEN, "view", 2), // same rows, other order
        row(ELEVEN, "view", 4), // one of two equal rows gone
        row(NINE, "view", 5)); // a count changed
    assertThat(LastWrite.changedBuckets(fresh, current, 0)).containsExactlyInAnyOrder(NINE, ELEVEN);
    assertThat(LastWrite.changedBuckets(List.of(row(TEN, "view", 2)), List.of(), 0)).as("a new bucket").containsExactly(TEN);
    assertThat(LastWrite.changedBuckets(List.of(), List.of(row(TEN, "view", 2)), 0)).as("a bucket gone").containsExactly(TEN);
    assertThat(LastWrite.changedBuckets(current, current, 0)).isEmpty();
  }

  @Test
  void withinKeepsTheScopesBucketsFromTheWindowsStart() {
    Map<Object, List<Row>> view = LastWrite.byBucket(
        List.of(row(NINE, "view", 1), row(TEN, "view", 2), row(TEN, "buy", 3), row(ELEVEN, "view", 4)), 0);

    assertThat(LastWrite.within(view, Optional.empty(), TEN))
        .containsExactlyInAnyOrder(row(TEN, "view", 2), row(TEN, "buy", 3), row(ELEVEN, "view", 4));
    assertThat(LastWrite.within(view, Optional.of(Set.of(NINE, ELEVEN)), TEN)).containsExactly(row(ELEVEN, "view", 4));
    assertThat(LastWrite.within(view, Optional.of(Set.of()), NINE)).isEmpty();
  }

  @Test
  void afterCommitReplacesChangedBucketsAndDropsThoseBeforeTheWindow() {
    Map<Object, List<Row>> before = LastWrite.byBucket(
        List.of(row(NINE, "view", 1), row(TEN, "view", 2), row(TEN, "buy", 3), row(ELEVEN, "view", 4)), 0);
    // fresh rows of the scope: TEN changed (buy gone, view grown), ELEVEN unchanged and not replaced
    List<Row> fresh = List.of(row(TEN, "view", 5), row(ELEVEN, "view", 4));

    Map<Object, List<Row>> after = LastWrite.afterCommit(before, fresh, List.of(TEN), 0, TEN);

    assertThat(after).containsOnlyKeys(TEN, ELEVEN);
    assertThat(after.get(TEN)).containsExactly(row(TEN, "view", 5));
    assertThat(after.get(ELEVEN)).containsExactly(row(ELEVEN, "view", 4));
  }

  @Test
  void aChangedBucketWithoutFreshRowsIsGone() {
    Map<Object, List<Row>> before = LastWrite.byBucket(List.of(row(TEN, "view", 2), row(ELEVEN, "view", 4)), 0);

    Map<Object, List<Row>> after = LastWrite.afterCommit(before, List.of(), List.of(TEN), 0, NINE);

    assertThat(after).containsOnlyKeys(ELEVEN);
  }

  @Test
  void aViewLargerThanTheCapIsNotKept() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i <= LastWrite.MAX_KEPT_ROWS; i++) {
      rows.add(row(TEN, "type-" + i, i));
    }
    assertThat(LastWrite.keepable(LastWrite.byBucket(rows, 0))).isEmpty();
    assertThat(LastWrite.keepable(LastWrite.byBucket(rows.subList(1, rows.size()), 0))).isPresent();
  }
}
