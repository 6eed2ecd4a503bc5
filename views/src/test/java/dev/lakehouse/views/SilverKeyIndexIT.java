package dev.lakehouse.views;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.testing.TestSpark;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live tail's key index over a real Delta table: which probed keys it says silver has, after
 * the first read, after appends (change data), after a rerun that deletes a date's rows (starts
 * over) and for a date it has not read yet, against plain-Java sets of the table's rows.
 */
class SilverKeyIndexIT {

  private static final StructType SCHEMA = new StructType()
      .add("event_id", DataTypes.StringType)
      .add("event_date", DataTypes.DateType);
  private static final LocalDate MONDAY = LocalDate.of(2026, 11, 30);
  private static final LocalDate TUESDAY = MONDAY.plusDays(1);
  private static final LocalDate WEDNESDAY = MONDAY.plusDays(2);

  private static SparkSession spark;

  @TempDir Path root;

  @BeforeAll
  static void start() {
    spark = TestSpark.session(ConfigLoader.defaultsOnly().s3());
  }

  private record Key(String id, LocalDate date) {
    Row row() {
      return RowFactory.create(id, date == null ? null : Date.valueOf(date));
    }
  }

  @Test
  void saysWhichKeysSilverHasPerDateAsTheTableChanges() {
    String path = root.resolve("silver").toString();
    Set<Key> silver = new HashSet<>();
    List<Key> first = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      first.add(new Key("e" + i, i % 2 == 0 ? MONDAY : TUESDAY));
    }
    first.add(new Key(null, MONDAY)); // a null key matches nothing
    write(path, first, "overwrite", Optional.empty());
    silver.addAll(first);
    SilverKeyIndex index = new SilverKeyIndex(List.of("event_id"),
        version -> spark.read().format("delta").option("versionAsOf", version).load(path),
        (from, to) -> changes(path, from, to), 64L << 20);

    // probes: keys silver has, the same ids on the other date, ids it never had, a null id
    List<Key> probes = new ArrayList<>();
    for (int i = 0; i < 6_000; i += 3) {
      probes.add(new Key("e" + i, MONDAY));
      probes.add(new Key("e" + i, TUESDAY));
    }
    probes.add(new Key(null, MONDAY));
    assertKnown(index, 0, probes, silver);
    assertThat(index.size()).isEqualTo(3_000);
    assertThat(index.datesRead()).isEqualTo(2);

    // silver's next run appends: applied from change data
    List<Key> appended = new ArrayList<>();
    for (int i = 3_000; i < 4_500; i++) {
      appended.add(new Key("e" + i, i % 3 == 0 ? MONDAY : WEDNESDAY));
    }
    write(path, appended, "append", Optional.empty());
    silver.addAll(appended);
    assertKnown(index, 1, probes, silver);
    assertThat(index.size()).as("Monday's and Tuesday's keys").isEqualTo(3_500);
    assertThat(index.datesRead()).as("the append applied from change data, no date read again").isEqualTo(2);

    // a rerun rewrites Monday with fewer rows: the index starts over and forgets the deleted keys
    List<Key> monday = silver.stream().filter(key -> MONDAY.equals(key.date()) && key.id() != null
        && Integer.parseInt(key.id().substring(1)) % 4 != 0).toList();
    write(path, monday, "overwrite", Optional.of("event_date = DATE'" + MONDAY + "'"));
    silver.removeIf(key -> MONDAY.equals(key.date()));
    silver.addAll(monday);
    List<Key> withWednesday = new ArrayList<>(probes);
    for (int i = 3_000; i < 4_500; i += 2) {
      withWednesday.add(new Key("e" + i, WEDNESDAY));
    }
    assertKnown(index, 2, withWednesday, silver);
    assertThat(index.size()).isEqualTo(silver.stream().filter(key -> key.id() != null).count());
    assertThat(index.datesRead()).as("Monday and Tuesday again, Wednesday first").isEqualTo(5);
  }

  @Test
  void datesThatWouldOutgrowItsMemoryAreNotIndexed() {
    String path = root.resolve("silver").toString();
    List<Key> rows = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      rows.add(new Key("e" + i, MONDAY));
    }
    write(path, rows, "overwrite", Optional.empty());
    // 3,000 keys need 8,192 slots of 16 bytes: more than 100 KB
    SilverKeyIndex index = new SilverKeyIndex(List.of("event_id"),
        version -> spark.read().format("delta").option("versionAsOf", version).load(path),
        (from, to) -> changes(path, from, to), 100_000);
    List<Row> candidates = index.withHashes(spark.createDataFrame(List.of(new Key("e1", MONDAY).row()), SCHEMA))
        .select(SilverKeyIndex.DAY, SilverKeyIndex.HIGH, SilverKeyIndex.LOW).collectAsList();
    assertThat(index.known(0, candidates)).isEmpty();
    assertThat(index.size()).isZero();
    assertThat(index.known(0, candidates)).as("not read again while its date stays busy").isEmpty();
    assertThat(index.datesRead()).isEqualTo(1);
  }

  @Test
  void aKeyOfSeveralColumnsMatchesOnlyWhenEveryPartDoes() {
    String path = root.resolve("readings").toString();
    StructType schema = new StructType().add("device", DataTypes.StringType).add("seq", DataTypes.IntegerType)
        .add("event_date", DataTypes.DateType);
    List<Row> rows = new ArrayList<>();
    Set<List<Object>> silver = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      rows.add(RowFactory.create("d" + i % 10, i, Date.valueOf(MONDAY)));
      silver.add(List.of("d" + i % 10, i));
    }
    rows.add(RowFactory.create("d1", null, Date.valueOf(MONDAY))); // a null part: matches nothing
    spark.createDataFrame(rows, schema).write().format("delta").partitionBy("event_date").save(path);
    SilverKeyIndex index = new SilverKeyIndex(List.of("device", "seq"),
        version -> spark.read().format("delta").option("versionAsOf", version).load(path),
        (from, to) -> changes(path, from, to), 64L << 20);

    List<Row> probes = new ArrayList<>();
    for (int i = 0; i < 2_000; i += 7) {
      probes.add(RowFactory.create("d" + i % 10, i, Date.valueOf(MONDAY)));
      probes.add(RowFactory.create("d" + (i + 1) % 10, i, Date.valueOf(MONDAY))); // right seq, other device
    }
    probes.add(RowFactory.create("d1", null, Date.valueOf(MONDAY)));
    Dataset<Row> hashed = index.withHashes(spark.createDataFrame(probes, schema)).where(index.keyed());
    Map<List<Long>, List<Object>> byHash = new HashMap<>();
    for (Row row : hashed.select("device", "seq", SilverKeyIndex.HIGH, SilverKeyIndex.LOW).collectAsList()) {
      byHash.put(List.of(row.getLong(2), row.getLong(3)), List.of(row.getString(0), row.getInt(1)));
    }
    Set<List<Object>> known = new HashSet<>();
    for (Row hash : index.known(0, hashed.select(SilverKeyIndex.DAY, SilverKeyIndex.HIGH, SilverKeyIndex.LOW).collectAsList())
        .orElseThrow()) {
      known.add(byHash.get(List.of(hash.getLong(1), hash.getLong(2))));
    }
    Set<List<Object>> expected = new HashSet<>();
    for (Row probe : probes) {
      if (!probe.isNullAt(1) && silver.contains(List.of(probe.getString(0), probe.getInt(1)))) {
        expected.add(List.of(probe.getString(0), probe.getInt(1)));
      }
    }
    assertThat(expected).isNotEmpty();
    assertThat(known).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(index.size()).as("the row with a null part is not indexed").isEqualTo(1_000);
  }

  /** The index's known keys among {@code probes} are exactly the probes {@code silver} holds. */
  private static void assertKnown(SilverKeyIndex index, long version, List<Key> probes, Set<Key> silver) {
    Dataset<Row> hashed = index.withHashes(spark.createDataFrame(probes.stream().map(Key::row).toList(), SCHEMA));
    List<Row> candidates = hashed.where(index.keyed()).select(SilverKeyIndex.DAY, SilverKeyIndex.HIGH, SilverKeyIndex.LOW)
        .collectAsList();
    Map<List<Long>, Key> byHash = new HashMap<>();
    for (Row row : hashed.where(index.keyed())
        .select("event_id", "event_date", SilverKeyIndex.DAY, SilverKeyIndex.HIGH, SilverKeyIndex.LOW).collectAsList()) {
      byHash.put(List.of((long) row.getInt(2), row.getLong(3), row.getLong(4)),
          new Key(row.getString(0), row.getDate(1).toLocalDate()));
    }
    Set<Key> known = new HashSet<>();
    for (Row hash : index.known(version, candidates).orElseThrow()) {
      known.add(byHash.get(List.of((long) hash.getInt(0), hash.getLong(1), hash.getLong(2))));
    }
    Set<Key> expected = new HashSet<>();
    probes.stream().filter(key -> key.id() != null && silver.contains(key)).forEach(expected::add);
    assertThat(known).containsExactlyInAnyOrderElementsOf(expected);
  }

  private static void write(String path, List<Key> keys, String mode, Optional<String> replaceWhere) {
    var writer = spark.createDataFrame(keys.stream().map(Key::row).toList(), SCHEMA).write().format("delta").mode(mode)
        .partitionBy("event_date").option("delta.enableChangeDataFeed", "true");
    replaceWhere.ifPresent(predicate -> writer.option("replaceWhere", predicate));
    writer.save(path);
  }

  private static Optional<Dataset<Row>> changes(String path, long from, long to) {
    return Optional.of(spark.read().format("delta").option("readChangeFeed", "true").option("startingVersion", from)
        .option("endingVersion", to).load(path));
  }
}
