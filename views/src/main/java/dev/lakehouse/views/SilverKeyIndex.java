package dev.lakehouse.views;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.lakehouse.core.definitions.SilverTableDefinition;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
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
  /** Dates read from silver so far (each read is a scan of a whole date's keys). */
  private int datesRead;

  interface ChangeData {
    java.util.Optional<Dataset<Row>> between(long fromVersion, long toVersion);
  }

  SilverKeyIndex(List<String> key, LongFunction<Dataset<Row>> silverAt, ChangeData changeData) {
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
  synchronized List<Row> known(long silverVersion, List<Row> candidates) {
    advanceTo(silverVersion);
    Set<Integer> missing = new TreeSet<>();
    long now = System.nanoTime();
    for (Row row : candidates) {
      lastAsked.put(row.getInt(0), now);
      if (!byDay.containsKey(row.getInt(0))) {
        missing.add(row.getInt(0));
      }
    }
    forgetIdle(now);
    if (!missing.isEmpty()) {
      read(silverVersion, missing);
    }
    List<Row> known = new ArrayList<>();
    for (Row row : candidates) {
      if (byDay.get(row.getInt(0)).contains(row.getLong(1), row.getLong(2))) {
        known.add(row);
      }
    }
    return known;
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
  }

  private void advanceTo(long silverVersion) {
    if (silverVersion == version || byDay.isEmpty()) {
      version = byDay.isEmpty() ? silverVersion : version;
      return;
    }
    java.util.Optional<Dataset<Row>> changes = silverVersion > version ? changeData.between(version + 1, silverVersion)
        : java.util.Optional.empty();
    if (changes.isEmpty()) {
      startOver(silverVersion, "no change data from silver version " + version + " to " + silverVersion);
      return;
    }
    Dataset<Row> indexed = withHashes(changes.get())
        .where(col(DAY).isin(byDay.keySet().toArray()).and(keyed()));
    if (!indexed.where(col(ViewSources.CHANGE_TYPE).notEqual(lit("insert"))).isEmpty()) {
      startOver(silverVersion, "silver rows were deleted or updated between versions " + version + " and " + silverVersion);
      return;
    }
    add(indexed.select(DAY, HIGH, LOW).toLocalIterator());
    version = silverVersion;
  }

  private void startOver(long silverVersion, String why) {
    LOG.info("silver key index of the live tail starts over: {}", why);
    byDay.clear();
    version = silverVersion;
  }

  private void read(long silverVersion, Set<Integer> days) {
    long started = System.nanoTime();
    days.forEach(day -> byDay.put(day, new KeyHashSet()));
    datesRead += days.size();
    Dataset<Row> silver = silverAt.apply(silverVersion).where(col(SilverTableDefinition.EVENT_DATE)
        .isin(days.stream().map(day -> java.sql.Date.valueOf(LocalDate.ofEpochDay(day))).toArray()));
    add(withHashes(silver).where(keyed()).select(DAY, HIGH, LOW).toLocalIterator());
    LOG.info("silver key index of the live tail: read {} dates of silver version {}, {} keys in all, in {} ms", days.size(),
        silverVersion, size(), (System.nanoTime() - started) / 1_000_000);
  }

  private void add(Iterator<Row> rows) {
    while (rows.hasNext()) {
      Row row = rows.next();
      KeyHashSet day = byDay.get(row.getInt(0));
      if (day != null) {
        day.add(row.getLong(1), row.getLong(2));
      }
    }
  }
}
