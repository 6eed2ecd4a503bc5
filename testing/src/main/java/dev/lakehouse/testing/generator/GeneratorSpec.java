package dev.lakehouse.testing.generator;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What to generate.
 *
 * @param count messages in total (new events, duplicates and malformed records together)
 * @param seed the same seed and base time give the same messages
 * @param duplicateRatio share of messages that re-send an earlier valid message byte for byte
 * @param lateRatio share of new events whose event time is 1..maxLateDays days old
 * @param malformedRatio share of messages that break a validity rule
 * @param maxLateDays how old late events may be
 * @param users distinct users to draw from
 * @param products distinct products to draw from
 * @param baseTime event time of the first on-time event; empty = so the last one is "now"
 * @param spacing event-time distance between consecutive on-time events
 * @param hugeGarbageRatio share of messages that are 200 KB of unterminated JSON (counted in
 *     {@code malformedRatio}); rare by default, as in real topics, so that message sizes stay
 *     ~200-250 bytes and a benchmark's bytes are what it claims
 */
public record GeneratorSpec(
    long count,
    long seed,
    double duplicateRatio,
    double lateRatio,
    double malformedRatio,
    int maxLateDays,
    int users,
    int products,
    Optional<Instant> baseTime,
    Duration spacing,
    double hugeGarbageRatio) {

  /** One message in 100,000. */
  public static final double DEFAULT_HUGE_GARBAGE_RATIO = 1e-5;

  public GeneratorSpec {
    checkArgument(count >= 0, "count must be >= 0, cannot be: %s", count);
    checkRatio("duplicate ratio", duplicateRatio);
    checkRatio("late ratio", lateRatio);
    checkRatio("malformed ratio", malformedRatio);
    checkArgument(
        duplicateRatio + malformedRatio < 1.0,
        "duplicate + malformed ratios must leave room for new events, cannot be: %s + %s",
        duplicateRatio,
        malformedRatio);
    checkArgument(maxLateDays >= 1, "max late days must be at least 1, cannot be: %s", maxLateDays);
    checkArgument(users >= 1, "users must be at least 1, cannot be: %s", users);
    checkArgument(products >= 1, "products must be at least 1, cannot be: %s", products);
    requireNonNull(baseTime, "baseTime is null");
    requireNonNull(spacing, "spacing is null");
    checkArgument(!spacing.isNegative(), "spacing must not be negative, cannot be: %s", spacing);
    checkArgument(
        hugeGarbageRatio >= 0 && hugeGarbageRatio <= malformedRatio,
        "huge garbage ratio must be in [0, malformed ratio %s], cannot be: %s",
        malformedRatio,
        hugeGarbageRatio);
  }

  /** The default share of huge garbage, or the malformed ratio when that is smaller. */
  public GeneratorSpec(
      long count,
      long seed,
      double duplicateRatio,
      double lateRatio,
      double malformedRatio,
      int maxLateDays,
      int users,
      int products,
      Optional<Instant> baseTime,
      Duration spacing) {
    this(count, seed, duplicateRatio, lateRatio, malformedRatio, maxLateDays, users, products, baseTime, spacing,
        Math.min(DEFAULT_HUGE_GARBAGE_RATIO, malformedRatio));
  }

  public static GeneratorSpec defaults(long count, long seed) {
    return new GeneratorSpec(
        count, seed, 0.05, 0.05, 0.03, 3, 500, 200, Optional.empty(), Duration.ofMillis(50));
  }

  public GeneratorSpec withBaseTime(Instant time) {
    return new GeneratorSpec(
        count, seed, duplicateRatio, lateRatio, malformedRatio, maxLateDays, users, products,
        Optional.of(time), spacing, hugeGarbageRatio);
  }

  public GeneratorSpec withHugeGarbageRatio(double ratio) {
    return new GeneratorSpec(
        count, seed, duplicateRatio, lateRatio, malformedRatio, maxLateDays, users, products,
        baseTime, spacing, ratio);
  }

  private static void checkRatio(String name, double ratio) {
    checkArgument(ratio >= 0 && ratio < 1, "%s must be in [0, 1), cannot be: %s", name, ratio);
  }

  private static void checkArgument(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(format, args));
    }
  }
}
