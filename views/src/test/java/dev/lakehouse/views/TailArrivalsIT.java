package dev.lakehouse.views;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.definitions.BuiltInPipeline;
import dev.lakehouse.core.testing.TestSpark;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.silver.TableRefiner;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.BitSet;
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

/**
 * The driver's dedupe of a live tail against hand-written arrivals: each key keeps its first
 * arrival by ingest time, then Kafka time, partition and offset (whatever the rows' order), and a
 * first arrival whose key silver holds on its date goes too; rows it cannot tell apart, or a row
 * without a key, make it decline.
 */
class TailArrivalsIT {

  private static final LocalDate DAY = LocalDate.parse("2026-12-01");
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
  private static final StructType SCHEMA = new StructType()
      .add("event_id", DataTypes.StringType)
      .add("event_date", DataTypes.DateType)
      .add("ingested_at", DataTypes.TimestampType)
      .add("_bronze_kafka_timestamp", DataTypes.TimestampType)
      .add(TailArrivals.PARTITION, DataTypes.IntegerType)
      .add(TailArrivals.OFFSET, DataTypes.LongType);

  private static SparkSession spark;
  private static SilverKeyIndex index;

  @BeforeAll
  static void start() {
    spark = TestSpark.session(ConfigLoader.defaultsOnly().s3());
    index = new SilverKeyIndex(List.of("event_id"), version -> spark.emptyDataFrame(), (from, to) -> Optional.empty(), 1 << 20);
  }

  /** One tail row: key, event date, seconds after {@link #AT} of its ingest and Kafka times, partition, offset. */
  private record Arrival(String key, LocalDate day, long ingested, Long kafka, int partition, long offset) {
    Row row() {
      return RowFactory.create(key, Date.valueOf(day), Timestamp.from(AT.plusSeconds(ingested)),
          kafka == null ? null : Timestamp.from(AT.plusSeconds(kafka)), partition, offset);
    }

    String identity() {
      return AT.plusSeconds(ingested) + "/" + partition + "/" + offset;
    }

    long micros() {
      return org.apache.spark.sql.catalyst.util.DateTimeUtils.instantToMicros(AT.plusSeconds(ingested));
    }
  }

  @Test
  void dropsAllButEachKeysFirstArrivalAndKeysSilverHolds() {
    Arrival aFirst = new Arrival("a", DAY, 0, 0L, 0, 1);
    Arrival aLater = new Arrival("a", DAY, 60, 50L, 0, 9); // a later batch
    Arrival bLater = new Arrival("b", DAY, 0, 5L, 0, 3); // same batch, later Kafka time
    Arrival bFirst = new Arrival("b", DAY, 0, 4L, 1, 7);
    Arrival cSecond = new Arrival("c", DAY, 0, 4L, 1, 2); // same times, higher partition
    Arrival cFirst = new Arrival("c", DAY, 0, 4L, 0, 8);
    Arrival cThird = new Arrival("c", DAY, 0, 4L, 0, 20); // same partition, higher offset
    Arrival noKafkaTime = new Arrival("n", DAY, 0, null, 0, 30); // a null time comes first, as in Spark's order
    Arrival withKafkaTime = new Arrival("n", DAY, 0, 1L, 0, 2);
    Arrival inSilver = new Arrival("d", DAY, 0, 1L, 0, 4);
    Arrival inSilverLater = new Arrival("d", DAY, 60, 61L, 0, 10);
    Arrival inSilverOtherDay = new Arrival("e", DAY.plusDays(1), 0, 1L, 0, 5); // silver has "e" on DAY only
    Arrival beforeWindow = new Arrival("f", DAY.minusDays(1), 0, 1L, 0, 6); // silver would know it: not asked
    Arrival single = new Arrival("g", DAY, 60, 60L, 1, 11);
    // the rows in no particular order, across two slices
    List<Arrival> first = List.of(aLater, bLater, cSecond, noKafkaTime, inSilver, beforeWindow);
    List<Arrival> second = List.of(cThird, withKafkaTime, aFirst, bFirst, cFirst, inSilverLater, inSilverOtherDay, single);

    Set<String> known = Set.of(hashKey("d", DAY), hashKey("e", DAY), hashKey("f", DAY.minusDays(1)));
    List<String> asked = new ArrayList<>();
    TailArrivals.KnownKeys silver = (days, highs, lows) -> {
      BitSet found = new BitSet();
      for (int i = 0; i < days.length; i++) {
        String hash = days[i] + "/" + highs[i] + "/" + lows[i];
        asked.add(hash);
        if (known.contains(hash)) {
          found.set(i);
        }
      }
      return Optional.of(found);
    };
    TailArrivals arrivals = TailArrivals.concat(List.of(of(first), of(second)), Long.MIN_VALUE);
    assertThat(arrivals.size()).isEqualTo(14);

    TailArrivals.Drops drops = arrivals.drops((int) DAY.toEpochDay(), silver).orElseThrow();

    List<Arrival> all = new ArrayList<>(first);
    all.addAll(second);
    List<Arrival> dropped = List.of(aLater, bLater, cSecond, cThird, withKafkaTime, inSilver, inSilverLater);
    assertThat(all.stream().filter(arrival -> drops.contains(arrival.micros(), arrival.partition(), arrival.offset())))
        .containsExactlyInAnyOrderElementsOf(dropped);
    assertThat(drops.size()).isEqualTo(dropped.size());
    // the filter a refresh applies to the tail's rows leaves the others
    Dataset<Row> tail = spark.createDataFrame(all.stream().map(Arrival::row).toList(), SCHEMA);
    assertThat(tail.where(org.apache.spark.sql.functions.not(drops.matches())).collectAsList().stream()
        .map(TailArrivalsIT::identity).toList()).containsExactlyInAnyOrderElementsOf(
            all.stream().filter(arrival -> !dropped.contains(arrival)).map(Arrival::identity).toList());
    assertThat(asked).as("each key's first arrival from the window's first day on is asked about, once").hasSize(7)
        .doesNotContain(hashKey("f", DAY.minusDays(1)));
  }

  @Test
  void cutsRowsIngestedBeforeTheCutoff() {
    Arrival early = new Arrival("a", DAY, 0, 0L, 0, 1);
    Arrival late = new Arrival("a", DAY, 600, 600L, 0, 2);
    TailArrivals arrivals = TailArrivals.concat(List.of(of(List.of(early, late))),
        org.apache.spark.sql.catalyst.util.DateTimeUtils.instantToMicros(AT.plusSeconds(300)));

    assertThat(arrivals.size()).isOne();
    assertThat(arrivals.drops((int) DAY.toEpochDay(), (days, highs, lows) -> Optional.of(new BitSet()))).as(
        "the later row is the first arrival the tail still has").hasValueSatisfying(drops -> assertThat(drops.size()).isZero());
  }

  @Test
  void declinesRowsItCannotTellApartOrWithoutAKey() {
    TailArrivals.KnownKeys none = (days, highs, lows) -> Optional.of(new BitSet());
    Arrival once = new Arrival("a", DAY, 0, 0L, 0, 1);
    assertThat(TailArrivals.concat(List.of(of(List.of(once, once))), Long.MIN_VALUE).drops(0, none)).isEmpty();
    assertThat(TailArrivals.concat(List.of(of(List.of(once, new Arrival(null, DAY, 0, 0L, 0, 2)))), Long.MIN_VALUE)
        .drops(0, none)).isEmpty();
    assertThat(TailArrivals.concat(List.of(of(List.of(once))), Long.MIN_VALUE).drops(0, (days, highs, lows) -> Optional.empty()))
        .as("silver could not say").isEmpty();
    Row noOffset = RowFactory.create("b", Date.valueOf(DAY), Timestamp.from(AT), Timestamp.from(AT), 0, null);
    assertThat(TailArrivals.of(spark.createDataFrame(List.of(once.row(), noOffset), SCHEMA), index).drops(0, none))
        .as("a row without its Kafka offset").isEmpty();
  }

  /**
   * Random tails (keys repeated across rows, batches and days around the window's first day, Kafka
   * times equal or missing, some keys known to silver on some days): what the driver keeps is what
   * Spark's window over the tail keeps, minus the first arrivals whose key silver has on their day.
   */
  @Test
  void keepsWhatSparksWindowKeeps() {
    TableRefiner refiner = new TableRefiner(BuiltInPipeline.events(), SuiteLoader.load("silver_events", Optional.empty()));
    java.util.Random random = new java.util.Random(7);
    for (int round = 0; round < 3; round++) {
      List<Arrival> rows = new ArrayList<>();
      long[] offsets = new long[3];
      for (int i = 0; i < 400; i++) {
        int partition = random.nextInt(3);
        rows.add(new Arrival("k" + random.nextInt(80), DAY.plusDays(random.nextInt(3) - 1), random.nextInt(4),
            random.nextInt(5) == 0 ? null : (long) random.nextInt(4), partition, offsets[partition]++));
      }
      java.util.Collections.shuffle(rows, random);
      Map<String, String> keyOfHash = hashKeys(rows);
      Set<String> knownKeys = new java.util.HashSet<>();
      for (String key : keyOfHash.values()) {
        if (random.nextInt(4) == 0) {
          knownKeys.add(key);
        }
      }
      TailArrivals.KnownKeys silver = (days, highs, lows) -> {
        BitSet found = new BitSet();
        for (int i = 0; i < days.length; i++) {
          found.set(i, knownKeys.contains(keyOfHash.get(days[i] + "/" + highs[i] + "/" + lows[i])));
        }
        return Optional.of(found);
      };
      TailArrivals arrivals = TailArrivals.concat(List.of(of(rows.subList(0, 150)), of(rows.subList(150, rows.size()))),
          Long.MIN_VALUE);
      TailArrivals.Drops drops = arrivals.drops((int) DAY.toEpochDay(), silver).orElseThrow();

      List<String> byDriver = rows.stream().filter(row -> !drops.contains(row.micros(), row.partition(), row.offset()))
          .map(Arrival::identity).toList();
      List<String> bySpark = refiner.firstArrivals(spark.createDataFrame(rows.stream().map(Arrival::row).toList(), SCHEMA))
          .collectAsList().stream()
          .filter(row -> {
            LocalDate day = row.getDate(row.fieldIndex("event_date")).toLocalDate();
            return day.isBefore(DAY) || !knownKeys.contains(row.getString(row.fieldIndex("event_id")) + "@" + day);
          })
          .map(TailArrivalsIT::identity).toList();
      assertThat(byDriver).as("round %d", round).containsExactlyInAnyOrderElementsOf(bySpark);
    }
  }

  private static TailArrivals of(List<Arrival> rows) {
    Dataset<Row> slice = spark.createDataFrame(rows.stream().map(Arrival::row).toList(), SCHEMA);
    return TailArrivals.of(slice, index);
  }

  /** "key@day" of each (key, day) of {@code rows}, by its hashes as the index computes them, "day/high/low". */
  private static Map<String, String> hashKeys(List<Arrival> rows) {
    Map<String, String> keys = new java.util.HashMap<>();
    Dataset<Row> hashed = index.withHashes(spark.createDataFrame(rows.stream().map(Arrival::row).toList(), SCHEMA));
    for (Row row : hashed.select(col("event_id"), col("event_date"), col(SilverKeyIndex.DAY), col(SilverKeyIndex.HIGH),
        col(SilverKeyIndex.LOW)).distinct().collectAsList()) {
      keys.put(row.getInt(2) + "/" + row.getLong(3) + "/" + row.getLong(4), row.getString(0) + "@" + row.getDate(1).toLocalDate());
    }
    return keys;
  }

  /** A key's hashes as the index computes them, "day/high/low". */
  private static String hashKey(String key, LocalDate day) {
    Row hashes = index.withHashes(spark.createDataFrame(List.of(new Arrival(key, day, 0, 0L, 0, 0).row()), SCHEMA))
        .select(SilverKeyIndex.DAY, SilverKeyIndex.HIGH, SilverKeyIndex.LOW).first();
    return hashes.getInt(0) + "/" + hashes.getLong(1) + "/" + hashes.getLong(2);
  }

  private static String identity(Row row) {
    return row.getTimestamp(row.fieldIndex("ingested_at")).toInstant() + "/" + row.getInt(row.fieldIndex(TailArrivals.PARTITION))
        + "/" + row.getLong(row.fieldIndex(TailArrivals.OFFSET));
  }
}
