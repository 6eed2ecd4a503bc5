package dev.lakehouse.views;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.lakehouse.core.definitions.SilverTableDefinition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Of each row of a live-tail slice, in the driver: its key's hashes ({@link SilverKeyIndex}), its
 * event date, and its place in the order of arrival (ingest time, Kafka time, partition, offset),
 * 49 bytes a row. From them the driver finds which tail rows are not their key's first arrival or
 * have a key silver already holds, so a refresh drops exactly those with a filter ({@link Drops})
 * instead of shuffling and sorting the whole tail by key ({@code row_number} over a window) every
 * time. Rows are identified by their ingest time and Kafka coordinates; a key
 * whose rows cannot be told apart that way, or a row without a key, makes {@link #drops} decline
 * (the caller dedupes with Spark instead).
 */
final class TailArrivals {

  /** The Kafka coordinates of a tail row, which with its ingest time identify it. */
  static final String PARTITION = "_bronze_partition";
  static final String OFFSET = "_bronze_offset";
  private static final String KAFKA_TIME = "_bronze_kafka_timestamp";
  private static final int ENTRY_BYTES = 49;
  /** A null time or date sorts first, as Spark's ascending order puts nulls. */
  private static final long NULL_TIME = Long.MIN_VALUE;
  private static final int NO_DAY = Integer.MIN_VALUE;

  private final int[] days;
  private final long[] highs;
  private final long[] lows;
  /** Rows with their whole key and identity (ingest time, partition, offset). */
  private final BitSet complete;
  private final long[] ingestedAt;
  private final long[] kafkaTime;
  private final int[] partitions;
  private final long[] offsets;

  private TailArrivals(int size) {
    days = new int[size];
    highs = new long[size];
    lows = new long[size];
    complete = new BitSet(size);
    ingestedAt = new long[size];
    kafkaTime = new long[size];
    partitions = new int[size];
    offsets = new long[size];
  }

  /**
   * The arrivals of {@code rows} (a tail slice: silver's columns with the Kafka coordinates), one
   * Spark job: executors pack their rows into one array per partition. Run over a persisted slice,
   * the same job fills its cache.
   */
  static TailArrivals of(Dataset<Row> rows, SilverKeyIndex index) {
    Column micros = expr("unix_micros(" + SilverTableDefinition.INGESTED_AT + ")");
    // a row without its ingest time or Kafka coordinates cannot be told apart: flagged, not packed as 0
    Column identified = col(SilverTableDefinition.INGESTED_AT).isNotNull().and(col(PARTITION).isNotNull())
        .and(col(OFFSET).isNotNull());
    List<byte[]> packed = index.withHashes(rows)
        .select(coalesce(col(SilverKeyIndex.DAY), lit(NO_DAY)), col(SilverKeyIndex.HIGH), col(SilverKeyIndex.LOW),
            index.keyed().and(identified), coalesce(micros, lit(NULL_TIME)),
            coalesce(expr("unix_micros(" + KAFKA_TIME + ")"), lit(NULL_TIME)), coalesce(col(PARTITION), lit(0)),
            coalesce(col(OFFSET), lit(0L)))
        .mapPartitions(new Pack(), Encoders.BINARY()).collectAsList();
    TailArrivals arrivals = new TailArrivals(packed.stream().mapToInt(bytes -> bytes.length / ENTRY_BYTES).sum());
    int at = 0;
    for (byte[] bytes : packed) {
      ByteBuffer entries = ByteBuffer.wrap(bytes);
      while (entries.hasRemaining()) {
        arrivals.days[at] = entries.getInt();
        arrivals.highs[at] = entries.getLong();
        arrivals.lows[at] = entries.getLong();
        arrivals.complete.set(at, entries.get() != 0);
        arrivals.ingestedAt[at] = entries.getLong();
        arrivals.kafkaTime[at] = entries.getLong();
        arrivals.partitions[at] = entries.getInt();
        arrivals.offsets[at] = entries.getLong();
        at++;
      }
    }
    return arrivals;
  }

  int size() {
    return days.length;
  }

  /** The newest ingest time, in microseconds since the epoch (none without rows). */
  Optional<Long> newestIngestedAt() {
    return java.util.Arrays.stream(ingestedAt).max().stream().boxed().findFirst();
  }

  /** The rows of {@code parts} ingested at or after {@code fromMicros}, as one. */
  static TailArrivals concat(List<TailArrivals> parts, long fromMicros) {
    int size = 0;
    for (TailArrivals part : parts) {
      for (long at : part.ingestedAt) {
        size += at >= fromMicros ? 1 : 0;
      }
    }
    TailArrivals all = new TailArrivals(size);
    int to = 0;
    for (TailArrivals part : parts) {
      for (int from = 0; from < part.size(); from++) {
        if (part.ingestedAt[from] >= fromMicros) {
          all.days[to] = part.days[from];
          all.highs[to] = part.highs[from];
          all.lows[to] = part.lows[from];
          all.complete.set(to, part.complete.get(from));
          all.ingestedAt[to] = part.ingestedAt[from];
          all.kafkaTime[to] = part.kafkaTime[from];
          all.partitions[to] = part.partitions[from];
          all.offsets[to] = part.offsets[from];
          to++;
        }
      }
    }
    return all;
  }

  /** Which of some hashed keys ({@link SilverKeyIndex#DAY}, {@link SilverKeyIndex#HIGH}, {@link SilverKeyIndex#LOW}) silver holds. */
  interface KnownKeys {
    /** The positions of the known ones; empty when it cannot tell. */
    Optional<BitSet> of(int[] days, long[] highs, long[] lows);
  }

  /**
   * The rows to drop so that what is left is each key's first
   * arrival, minus keys silver holds on the row's date (asked of {@code silver} for rows from
   * {@code fromDay} on, days since 1970; earlier rows are outside the window). Empty when it cannot
   * tell: a row without a key or identity, two rows of a key in the same place of the order, two
   * dropped rows with one identity, or silver could not say.
   */
  Optional<Drops> drops(int fromDay, KnownKeys silver) {
    if (complete.cardinality() != size()) {
      return Optional.empty(); // Spark's window groups null keys too, and a row without an identity cannot be dropped alone
    }
    // each key's first arrival so far, by open addressing on its hashes: slot -> row + 1 (0: free)
    int[] firstOf = new int[Integer.highestOneBit(Math.max(1, size()) * 2) * 2];
    int mask = firstOf.length - 1;
    BitSet dropped = new BitSet(size());
    for (int row = 0; row < size(); row++) {
      int slot = (int) (highs[row] ^ (highs[row] >>> 32)) & mask;
      while (firstOf[slot] != 0 && (highs[firstOf[slot] - 1] != highs[row] || lows[firstOf[slot] - 1] != lows[row])) {
        slot = (slot + 1) & mask;
      }
      if (firstOf[slot] == 0) {
        firstOf[slot] = row + 1;
        continue;
      }
      int first = firstOf[slot] - 1;
      int order = compareArrival(row, first);
      if (order == 0) {
        return Optional.empty();
      }
      dropped.set(order < 0 ? first : row);
      if (order < 0) {
        firstOf[slot] = row + 1;
      }
    }
    List<Integer> candidates = new ArrayList<>();
    for (int slot : firstOf) {
      if (slot != 0 && days[slot - 1] >= fromDay) {
        candidates.add(slot - 1);
      }
    }
    int[] candidateDays = new int[candidates.size()];
    long[] candidateHighs = new long[candidates.size()];
    long[] candidateLows = new long[candidates.size()];
    for (int i = 0; i < candidates.size(); i++) {
      int row = candidates.get(i);
      candidateDays[i] = days[row];
      candidateHighs[i] = highs[row];
      candidateLows[i] = lows[row];
    }
    Optional<BitSet> known = silver.of(candidateDays, candidateHighs, candidateLows);
    if (known.isEmpty()) {
      return Optional.empty();
    }
    known.get().stream().forEach(i -> dropped.set(candidates.get(i)));
    Integer[] order = dropped.stream().boxed().toArray(Integer[]::new);
    java.util.Arrays.sort(order, (a, b) -> compareIdentity(a, b));
    for (int i = 1; i < order.length; i++) {
      if (compareIdentity(order[i - 1], order[i]) == 0) {
        return Optional.empty(); // one Kafka record in a bronze table twice: the filter could not tell them apart
      }
    }
    Drops drops = new Drops(new long[order.length], new int[order.length], new long[order.length]);
    for (int i = 0; i < order.length; i++) {
      drops.ingestedAt[i] = ingestedAt[order[i]];
      drops.partitions[i] = partitions[order[i]];
      drops.offsets[i] = offsets[order[i]];
    }
    return Optional.of(drops);
  }

  private int compareIdentity(int a, int b) {
    int order = Long.compare(ingestedAt[a], ingestedAt[b]);
    if (order == 0) {
      order = Integer.compare(partitions[a], partitions[b]);
    }
    return order != 0 ? order : Long.compare(offsets[a], offsets[b]);
  }

  /**
   * Tail rows to drop, by identity (ingest time in microseconds, Kafka partition and offset), in
   * sorted primitive arrays: a few thousand rows travel inside the filter's tasks at little cost,
   * where a join would broadcast them with a job of its own.
   */
  record Drops(long[] ingestedAt, int[] partitions, long[] offsets) implements java.io.Serializable {

    int size() {
      return offsets.length;
    }

    boolean contains(long micros, int partition, long offset) {
      int low = 0;
      int high = offsets.length - 1;
      while (low <= high) {
        int middle = (low + high) >>> 1;
        int order = Long.compare(ingestedAt[middle], micros);
        if (order == 0) {
          order = Integer.compare(partitions[middle], partition);
        }
        if (order == 0) {
          order = Long.compare(offsets[middle], offset);
        }
        if (order == 0) {
          return true;
        }
        if (order < 0) {
          low = middle + 1;
        } else {
          high = middle - 1;
        }
      }
      return false;
    }

    /** Whether a tail row (its {@code ingested_at} and Kafka coordinates) is one of these. */
    Column matches() {
      org.apache.spark.sql.api.java.UDF3<Long, Integer, Long, Boolean> among = (micros, partition, offset) ->
          micros != null && partition != null && offset != null && contains(micros, partition, offset);
      return org.apache.spark.sql.functions.udf(among, DataTypes.BooleanType)
          .apply(expr("unix_micros(" + SilverTableDefinition.INGESTED_AT + ")"), col(PARTITION), col(OFFSET));
    }
  }

  /** The order of arrival, as the tail's {@code row_number} window orders it: negative when {@code a} came first. */
  private int compareArrival(int a, int b) {
    int order = Long.compare(ingestedAt[a], ingestedAt[b]);
    if (order == 0) {
      order = Long.compare(kafkaTime[a], kafkaTime[b]);
    }
    if (order == 0) {
      order = Integer.compare(partitions[a], partitions[b]);
    }
    return order != 0 ? order : Long.compare(offsets[a], offsets[b]);
  }

  /** Hashed rows to one array per partition, {@value #ENTRY_BYTES} bytes a row. */
  private static final class Pack implements MapPartitionsFunction<Row, byte[]> {
    @Override
    public Iterator<byte[]> call(Iterator<Row> rows) {
      ByteBuffer out = ByteBuffer.allocate(ENTRY_BYTES * 1024);
      while (rows.hasNext()) {
        Row row = rows.next();
        if (out.remaining() < ENTRY_BYTES) {
          out = ByteBuffer.allocate(out.capacity() * 2).put(out.flip());
        }
        out.putInt(row.getInt(0)).putLong(row.getLong(1)).putLong(row.getLong(2)).put((byte) (row.getBoolean(3) ? 1 : 0))
            .putLong(row.getLong(4)).putLong(row.getLong(5)).putInt(row.getInt(6)).putLong(row.getLong(7));
      }
      return List.of(java.util.Arrays.copyOf(out.array(), out.position())).iterator();
    }
  }
}
