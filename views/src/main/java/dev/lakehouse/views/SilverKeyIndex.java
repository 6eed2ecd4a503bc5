package dev.lakehouse.views;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakehouse.core.definitions.SilverTableDefinition;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * The keys of an append table's silver rows, per event date, as 128-bit hashes in memory, so the
 * live tail's dedupe asks the driver which of its keys silver has instead of reading every silver
 * key of its dates on each refresh (a late duplicate's first arrival can be anywhere in its date,
 * and no file statistics prune random keys). A date is read from silver once, when a tail first
 * needs it; later silver versions are applied from Delta's change data (inserts only, as silver's
 * MERGE makes them); any other change, or no change data, and the index starts over.
 *
 * <p>Two 64-bit xxhash values of the key, seeded differently: two keys collide with probability
 * ~2^-128, so a tail of 10^6 keys against 10^8 silver keys is wrong with odds of ~10^-25. Rows
 * with a null key part are never indexed nor looked up (equality never matches null, as in the
 * join it replaces).
 */
final class SilverKeyIndex {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SilverKeyIndex.class);

  static final String DAY = "__key_day";
  static final String HIGH = "__key_high";
  static final String LOW = "__key_low";
  /** The schema of {@link #known}'s rows. */
  static final org.apache.spark.sql.types.StructType HASHES = new org.apache.spark.sql.types.StructType()
      .add(DAY, org.apache.spark.sql.types.DataTypes.IntegerType, false)
      .add(HIGH, org.apache.spark.sql.types.DataTypes.LongType, false)
      .add(LOW, org.apache.spark.sql.types.DataTypes.LongType, false);
  /** A different seed for the second hash: xxhash64 chains its inputs, so a leading constant changes all of it. */
  private static final String SECOND_SEED = "lakehouse-silver-key";
  /** A date no tail has had rows of for this long is forgotten (read again if one comes). */
  private static final java.time.Duration IDLE = java.time.Duration.ofHours(1);

  /** Silver at a version (silver's columns). */
  private final LongFunction<Dataset<Row>> silverAt;
  /** Silver's change data between two versions, or none when Delta has none. */
  private final ChangeData changeData;
  private final List<String> key;
  private final Map<Integer, KeyHashSet> byDay = new HashMap<>();
  /** When a tail last had rows of each date ({@link System#nanoTime()}). */
  private final Map<Integer, Long> lastAsked = new HashMap<>();
  private long version = -1;
  /** Dates whose keys did not fit in {@link #maxBytes}, until they go idle. */
  private final Set<Integer> tooLarge = new java.util.HashSet<>();
  private final long maxBytes;
  /** Dates read from silver so far (each read is a scan of a whole date's keys). */
  private int datesRead;

  interface ChangeData {
    Optional<Dataset<Row>> between(long fromVersion, long toVersion);
  }

  /**
   * @param maxBytes the most memory the index may hold; dates that would not fit are not indexed
   *     (the tail then reads their keys from silver, as a full refresh does)
   */
  SilverKeyIndex(List<String> key, LongFunction<Dataset<Row>> silverAt, ChangeData changeData, long maxBytes) {
    this.maxBytes = maxBytes;
    this.key = List.copyOf(key);
    this.silverAt = silverAt;
    this.changeData = changeData;
  }

  /** {@code rows} plus {@link #DAY} (event date as days since 1970), {@link #HIGH} and {@link #LOW}. */
  Dataset<Row> withHashes(Dataset<Row> rows) {
    List<Column> keyColumns = key.stream().map(functions::col).toList();
    List<Column> seeded = new ArrayList<>();
    seeded.add(lit(SECOND_SEED));
    seeded.addAll(keyColumns);
    return rows.withColumn(DAY, functions.expr("unix_date(" + SilverTableDefinition.EVENT_DATE + ")"))
        .withColumn(HIGH, functions.xxhash64(keyColumns.toArray(Column[]::new)))
        .withColumn(LOW, functions.xxhash64(seeded.toArray(Column[]::new)));
  }

  /** Whether none of the key's parts is null (such a row matches no key). */
  Column keyed() {
    return key.stream().map(part -> col(part).isNotNull()).reduce(Column::and).orElse(lit(true));
  }

  /**
   * Of the hashed keys in {@code candidates} ({@link #DAY}, {@link #HIGH}, {@link #LOW} rows, from
   * {@link #withHashes}), those silver has on the same date at {@code silverVersion}.
   */
  synchronized Optional<List<Row>> known(long silverVersion, List<Row> candidates) {
    int[] days = candidates.stream().mapToInt(row -> row.getInt(0)).toArray();
    long[] highs = candidates.stream().mapToLong(row -> row.getLong(1)).toArray();
    long[] lows = candidates.stream().mapToLong(row -> row.getLong(2)).toArray();
    return known(silverVersion, days, highs, lows).map(known -> known.stream().mapToObj(candidates::get).toList());
  }

  /** As {@link #known(long, List)}, of hashed keys in arrays: the positions of the known ones. */
  synchronized Optional<BitSet> known(long silverVersion, int[] days, long[] highs, long[] lows) {
    advanceTo(silverVersion);
    Set<Integer> missing = new TreeSet<>();
    long now = System.nanoTime();
    Set<Integer> asked = new java.util.HashSet<>();
    for (int day : days) {
      if (asked.add(day)) {
        lastAsked.put(day, now);
      }
      if (!byDay.containsKey(day)) {
        missing.add(day);
      }
    }
    forgetIdle(now);
    if (missing.stream().anyMatch(tooLarge::contains)) {
      return Optional.empty();
    }
    if (!missing.isEmpty() && !read(silverVersion, missing)) {
      return Optional.empty();
    }
    BitSet known = new BitSet(days.length);
    for (int i = 0; i < days.length; i++) {
      if (byDay.get(days[i]).contains(highs[i], lows[i])) {
        known.set(i);
      }
    }
    return Optional.of(known);
  }

  synchronized int datesRead() {
    return datesRead;
  }

  synchronized int size() {
    return byDay.values().stream().mapToInt(KeyHashSet::size).sum();
  }

  /** The dates no tail has had rows of for {@link #IDLE} (late rows keep an old date that still gets them). */
  private void forgetIdle(long now) {
    lastAsked.values().removeIf(asked -> now - asked > IDLE.toNanos());
    byDay.keySet().retainAll(lastAsked.keySet());
    tooLarge.retainAll(lastAsked.keySet());
  }

  private void advanceTo(long silverVersion) {
    if (silverVersion == version || byDay.isEmpty()) {
      version = byDay.isEmpty() ? silverVersion : version;
      return;
    }
    Optional<Dataset<Row>> changes = silverVersion > version ? changeData.between(version + 1, silverVersion)
        : Optional.empty();
    if (changes.isEmpty()) {
      startOver(silverVersion, "no change data from silver version " + version + " to " + silverVersion);
      return;
    }
    Dataset<Row> indexed = withHashes(changes.get())
        .where(col(DAY).isin(byDay.keySet().toArray()).and(keyed()));
    try {
      if (!indexed.where(col(ViewSources.CHANGE_TYPE).notEqual(lit("insert"))).isEmpty()) {
        startOver(silverVersion, "silver rows were deleted or updated between versions " + version + " and " + silverVersion);
        return;
      }
      if (!add(indexed)) {
        startOver(silverVersion, "the index would outgrow its memory (" + maxBytes / (1 << 20) + " MB)");
        return;
      }
    } catch (RuntimeException e) { // Delta may refuse change data only when it reads it (e.g. across some schema changes)
      startOver(silverVersion, "silver's change data from version " + version + " to " + silverVersion + " could not be read: "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      return;
    }
    version = silverVersion;
  }

  private void startOver(long silverVersion, String why) {
    LOG.info("silver key index of the live tail starts over: {}", why);
    byDay.clear();
    version = silverVersion;
  }

  /** Reads {@code days} of silver into the index; false (and not kept) when they would not fit in its memory. */
  private boolean read(long silverVersion, Set<Integer> days) {
    long started = System.nanoTime();
    days.forEach(day -> byDay.put(day, new KeyHashSet()));
    datesRead += days.size();
    Dataset<Row> silver = silverAt.apply(silverVersion).where(col(SilverTableDefinition.EVENT_DATE)
        .isin(days.stream().map(day -> java.sql.Date.valueOf(LocalDate.ofEpochDay(day))).toArray()));
    if (!add(withHashes(silver).where(keyed()))) {
      byDay.keySet().removeAll(days);
      tooLarge.addAll(days);
      LOG.warn("silver key index of the live tail: {} dates of silver would outgrow its {} MB; the live tail reads silver's"
          + " keys of those dates on each refresh instead", days.size(), maxBytes / (1 << 20));
      return false;
    }
    LOG.info("silver key index of the live tail: read {} dates of silver version {}, {} keys in all, in {} ms", days.size(),
        silverVersion, size(), (System.nanoTime() - started) / 1_000_000);
    return true;
  }

  /**
   * Adds the hashed keys of {@code rows} (of the indexed dates). Executors pack them, 20 bytes a
   * key, one array per partition, so the driver gets compact arrays from all partitions at once
   * rather than one row object per key. False when the index outgrew {@code maxBytes} (it is then
   * incomplete: the caller drops it).
   */
  private boolean add(Dataset<Row> rows) {
    for (byte[] packed : rows.select(DAY, HIGH, LOW).mapPartitions(new Pack(), Encoders.BINARY()).collectAsList()) {
      ByteBuffer keys = ByteBuffer.wrap(packed);
      while (keys.hasRemaining()) {
        KeyHashSet day = byDay.get(keys.getInt());
        long high = keys.getLong();
        long low = keys.getLong();
        if (day != null) {
          day.add(high, low);
        }
      }
      if (bytes() > maxBytes) {
        return false;
      }
    }
    return true;
  }

  private long bytes() {
    return byDay.values().stream().mapToLong(KeyHashSet::bytes).sum();
  }

  /** (day, high, low) rows to one array per partition. */
  private static final class Pack implements MapPartitionsFunction<Row, byte[]> {
    @Override
    public Iterator<byte[]> call(Iterator<Row> rows) throws java.io.IOException {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(1 << 16);
      java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
      while (rows.hasNext()) {
        Row row = rows.next();
        out.writeInt(row.getInt(0));
        out.writeLong(row.getLong(1));
        out.writeLong(row.getLong(2));
      }
      out.flush();
      return List.of(bytes.toByteArray()).iterator();
    }
  }
}
