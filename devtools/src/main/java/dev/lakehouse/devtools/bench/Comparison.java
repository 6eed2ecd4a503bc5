package dev.lakehouse.devtools.bench;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One side-by-side measurement of a benchmark run: the lakehouse's number next to a baseline
 * measured in the same run on the same data, their ratio and the goal it is held to.
 *
 * @param part the bench part ({@code ingest}, {@code silver}, {@code views}, {@code gold}, {@code latency})
 * @param title what is compared, in a few words
 * @param measured the lakehouse's number
 * @param baseline the number it is compared with; empty where the goal is absolute (latency)
 * @param ratio measured / baseline, or the measured value itself when there is no baseline
 * @param goal what the ratio must be
 * @param data what was sent and what came out (counts, bytes, sizes), for the report
 */
public record Comparison(
    String part, String title, Measure measured, Optional<Measure> baseline, double ratio, Goal goal, Map<String, Object> data) {

  public Comparison {
    requireNonNull(part, "part is null");
    requireNonNull(title, "title is null");
    requireNonNull(measured, "measured is null");
    requireNonNull(baseline, "baseline is null");
    requireNonNull(goal, "goal is null");
    data = new LinkedHashMap<>(requireNonNull(data, "data is null"));
  }

  /** Measured against a baseline; the ratio is measured / baseline. */
  public static Comparison of(String part, String title, Measure measured, Measure baseline, Goal goal, Map<String, Object> data) {
    return new Comparison(part, title, measured, Optional.of(baseline), measured.value() / baseline.value(), goal, data);
  }

  /** Measured against an absolute goal. */
  public static Comparison absolute(String part, String title, Measure measured, Goal goal, Map<String, Object> data) {
    return new Comparison(part, title, measured, Optional.empty(), measured.value(), goal, data);
  }

  public boolean met() {
    return goal.isMetBy(ratio);
  }

  /** A number with its unit and what it is. */
  public record Measure(String label, double value, String unit) {
    public Measure {
      requireNonNull(label, "label is null");
      requireNonNull(unit, "unit is null");
      if (!(value >= 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException("a measure must be a finite number >= 0, cannot be: " + value + " (" + label + ")");
      }
    }
  }

  /** A bound on the ratio: at least or at most {@code limit}. */
  public record Goal(boolean atMost, double limit, String unit) {
    public static Goal atLeast(double limit) {
      return new Goal(false, limit, "×");
    }

    public static Goal atMost(double limit) {
      return new Goal(true, limit, "×");
    }

    public static Goal atMost(double limit, String unit) {
      return new Goal(true, limit, unit);
    }

    boolean isMetBy(double ratio) {
      return atMost ? ratio <= limit : ratio >= limit;
    }

    @Override
    public String toString() {
      return (atMost ? "≤ " : "≥ ") + Report.number(limit) + (unit.equals("×") ? "×" : " " + unit);
    }
  }
}
