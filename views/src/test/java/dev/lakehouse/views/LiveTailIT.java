package dev.lakehouse.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.definitions.BuiltInPipeline;
import dev.lakehouse.core.storage.DeltaVersions;
import dev.lakehouse.core.testing.TestSpark;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.silver.TableRefiner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live tail over a real bronze Delta table written batch by batch, as the stream writes it:
 * after appends (read from the files they added), a rewrite that changes no rows (OPTIMIZE), a
 * delete (read from the snapshot instead), a batch of only malformed records, a cutoff, new rows
 * compacted before they were read and a read that failed, it holds each valid record exactly
 * once, against the plain-Java list of what was written.
 */
class LiveTailIT {

  private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");

  private static SparkSession spark;

  @TempDir Path root;

  private long offset;

  @BeforeAll
  static void start() {
    spark = TestSpark.session(ConfigLoader.defaultsOnly().s3());
  }

  @Test
  void holdsEachValidBronzeRecordOnceWhateverTheCommitsDid() throws java.io.IOException {
    String bronze = root.resolve("bronze").toString();
    LiveTail tail = new LiveTail(spark, bronze,
        new TableRefiner(BuiltInPipeline.events(), SuiteLoader.load("silver_events", Optional.empty())),
        new SilverKeyIndex(List.of("event_id"), version -> spark.emptyDataFrame(), (from, to) -> Optional.empty(), 1 << 20),
        TailLimits.DEFAULT.driverArrivals());
    List<String> valid = new ArrayList<>();

    valid.addAll(append(bronze, 1, 5, 1)); // the first read: the whole table
    assertThat(ids(tail, bronze, Optional.empty())).containsExactlyInAnyOrderElementsOf(valid);
    assertThat(tail.lastReadAppendedFiles()).isFalse();

    valid.addAll(append(bronze, 2, 3, 2)); // an append: its files only
    assertThat(ids(tail, bronze, Optional.empty())).containsExactlyInAnyOrderElementsOf(valid);
    assertThat(tail.lastReadAppendedFiles()).isTrue();

    spark.sql("OPTIMIZE delta.`" + bronze + "`"); // files rewritten, rows unchanged
    assertThat(ids(tail, bronze, Optional.empty())).as("after OPTIMIZE alone").containsExactlyInAnyOrderElementsOf(valid);
    assertThat(tail.lastReadAppendedFiles()).as("a rewrite without new rows reads nothing").isTrue();
    valid.addAll(append(bronze, 3, 2, 0));
    assertThat(ids(tail, bronze, Optional.empty())).as("after OPTIMIZE").containsExactlyInAnyOrderElementsOf(valid);
    assertThat(tail.lastReadAppendedFiles()).isTrue();

    append(bronze, 4, 0, 3); // malformed records only, then a delete: the snapshot is read
    spark.sql("DELETE FROM delta.`" + bronze + "` WHERE offset = 0");
    valid.addAll(append(bronze, 5, 4, 1));
    assertThat(ids(tail, bronze, Optional.empty())).as("after a delete").containsExactlyInAnyOrderElementsOf(valid);
    assertThat(tail.lastReadAppendedFiles()).isFalse();

    valid.addAll(append(bronze, 6, 2, 0));
    assertThat(ids(tail, bronze, Optional.empty())).containsExactlyInAnyOrderElementsOf(valid);
    assertThat(tail.lastReadAppendedFiles()).isTrue();

    // a new file compacted by OPTIMIZE before the tail read it (VACUUM may delete it): the snapshot
    valid.addAll(append(bronze, 7, 2, 0));
    spark.sql("OPTIMIZE delta.`" + bronze + "`");
    assertThat(ids(tail, bronze, Optional.empty())).as("new rows already compacted").containsExactlyInAnyOrderElementsOf(valid);
    assertThat(tail.lastReadAppendedFiles()).isFalse();

    // a read that fails (a file missing for a moment) leaves the tail where it was: read again next time
    Set<String> before = Set.of(spark.read().format("delta").load(bronze).inputFiles());
    valid.addAll(append(bronze, 8, 3, 0));
    List<Path> added = java.util.Arrays.stream(spark.read().format("delta").load(bronze).inputFiles())
        .filter(file -> !before.contains(file)).map(file -> Path.of(java.net.URI.create(file))).toList();
    assertThat(added).isNotEmpty();
    for (Path file : added) {
      Files.move(file, file.resolveSibling(file.getFileName() + ".away"));
    }
    assertThatThrownBy(() -> ids(tail, bronze, Optional.empty())).as("a file of the new commit is missing");
    for (Path file : added) {
      Files.move(file.resolveSibling(file.getFileName() + ".away"), file);
    }
    assertThat(ids(tail, bronze, Optional.empty())).as("after the failed read").containsExactlyInAnyOrderElementsOf(valid);

    // a silver run took everything ingested before batch 5
    Instant cutoff = ingestedAt(5);
    List<String> fromFive = valid.stream().filter(id -> batchOf(id) >= 5).toList();
    assertThat(ids(tail, bronze, Optional.of(cutoff))).as("from the cutoff").containsExactlyInAnyOrderElementsOf(fromFive);
    valid.addAll(append(bronze, 9, 3, 1));
    assertThat(ids(tail, bronze, Optional.of(cutoff))).containsExactlyInAnyOrderElementsOf(
        valid.stream().filter(id -> batchOf(id) >= 5).toList());
  }

  private static List<String> ids(LiveTail tail, String bronze, Optional<Instant> cutoff) {
    List<String> ids = new ArrayList<>();
    for (Row row : tail.rows(DeltaVersions.latest(spark, bronze), cutoff).select("event_id").collectAsList()) {
      ids.add(row.getString(0));
    }
    Set<String> distinct = new HashSet<>(ids);
    assertThat(distinct).as("no record twice").hasSameSizeAs(ids);
    assertThat(tail.arrivals(cutoff)).as("the driver's arrivals are of the same rows").hasValueSatisfying(
        arrivals -> assertThat(arrivals.size()).isEqualTo(ids.size()));
    return ids;
  }

  /** Writes batch {@code batch} (one commit, one ingest time); returns its valid events' ids. */
  private List<String> append(String bronze, int batch, int validCount, int malformedCount) {
    List<Row> rows = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    Timestamp ingestedAt = Timestamp.from(ingestedAt(batch));
    for (int i = 0; i < validCount + malformedCount; i++) {
      String id = "b" + batch + "-e" + i;
      String value = i < validCount
          ? "{\"event_id\":\"" + id + "\",\"event_time\":\"" + START.plusSeconds(batch * 60L + i) + "\",\"user_id\":\"u" + i
              + "\",\"session_id\":\"s" + i + "\",\"event_type\":\"page_view\",\"page\":\"/p\"}"
          : "{\"event_id\": broken";
      if (i < validCount) {
        ids.add(id);
      }
      rows.add(RowFactory.create(id, value, "clickstream", 0, offset++, ingestedAt, ingestedAt,
          Date.valueOf(ingestedAt.toInstant().atZone(ZoneOffset.UTC).toLocalDate())));
    }
    spark.createDataFrame(rows, TableRefiner.BRONZE_SCHEMA).write().format("delta").mode("append").partitionBy("ingest_date")
        .save(bronze);
    return ids;
  }

  private static Instant ingestedAt(int batch) {
    return START.plusSeconds(600L * batch);
  }

  private static int batchOf(String id) {
    return Integer.parseInt(id.substring(1, id.indexOf('-')));
  }
}
