package dev.lakehouse.views;

/**
 * How much of a live tail a refresh handles in the driver; a longer tail is handled by Spark, the
 * way every tail was before (tests lower the limits to take that way).
 *
 * @param driverArrivals the tail rows whose arrivals ({@link TailArrivals}, 49 bytes a row) the
 *     driver keeps to dedupe the tail; past it, Spark dedupes with a window over the tail
 * @param localPartialRows the tail rows up to which the tail's partial aggregates come into the
 *     driver; past it, they stay cached on the executors
 */
record TailLimits(long driverArrivals, long localPartialRows) {

  /**
   * Arrivals of about 50 MB per refresher (twice that while a refresh copies them); partials of a
   * few minutes of a busy topic.
   */
  static final TailLimits DEFAULT = new TailLimits(1_000_000, 500_000);
}
