package dev.lakehouse.views;

/**
 * A set of 128-bit key hashes in two primitive arrays (open addressing, linear probing): about
 * 27 bytes per key at most, against ~100 for a {@code HashSet} of objects, so the service can
 * keep millions of silver keys. No removal: an index that loses keys is rebuilt instead.
 */
final class KeyHashSet {

  private static final int FIRST_CAPACITY = 1 << 10;
  /** Grows past this share of used slots; linear probing stays short below it. */
  private static final double MAX_LOAD = 0.6;

  private long[] highs = new long[FIRST_CAPACITY];
  private long[] lows = new long[FIRST_CAPACITY];
  private int size;

  int size() {
    return size;
  }

  /** The memory its arrays take. */
  long bytes() {
    return 16L * highs.length;
  }

  /** Adds a hash; whether it was new. */
  boolean add(long high, long low) {
    if (high == 0 && low == 0) {
      low = 1; // (0, 0) marks a free slot; one more 128-bit value sharing a slot costs nothing
    }
    if (size + 1 > highs.length * MAX_LOAD) {
      grow();
    }
    int mask = highs.length - 1;
    for (int slot = slot(high, mask); ; slot = (slot + 1) & mask) {
      if (highs[slot] == 0 && lows[slot] == 0) {
        highs[slot] = high;
        lows[slot] = low;
        size++;
        return true;
      }
      if (highs[slot] == high && lows[slot] == low) {
        return false;
      }
    }
  }

  boolean contains(long high, long low) {
    if (high == 0 && low == 0) {
      low = 1;
    }
    int mask = highs.length - 1;
    for (int slot = slot(high, mask); ; slot = (slot + 1) & mask) {
      if (highs[slot] == 0 && lows[slot] == 0) {
        return false;
      }
      if (highs[slot] == high && lows[slot] == low) {
        return true;
      }
    }
  }

  private static int slot(long high, int mask) {
    return (int) (high ^ (high >>> 32)) & mask; // high is already a well-mixed hash
  }

  private void grow() {
    long[] oldHighs = highs;
    long[] oldLows = lows;
    highs = new long[oldHighs.length * 2];
    lows = new long[oldLows.length * 2];
    size = 0;
    for (int i = 0; i < oldHighs.length; i++) {
      if (oldHighs[i] != 0 || oldLows[i] != 0) {
        add(oldHighs[i], oldLows[i]);
      }
    }
  }
}
