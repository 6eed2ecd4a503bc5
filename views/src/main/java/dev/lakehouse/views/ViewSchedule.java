package dev.lakehouse.views;

import java.time.Duration;
import java.util.Optional;

/**
 * When a view refreshes: every fixed interval, or on a Quartz cron expression.
 *
 * @param every the interval, if not a cron schedule
 * @param cron a Quartz cron expression (seconds first), if not an interval
 */
public record ViewSchedule(Optional<Duration> every, Optional<String> cron) {

  public ViewSchedule {
    if (every.isPresent() == cron.isPresent()) {
      throw new IllegalArgumentException("a schedule is an interval or a cron expression");
    }
  }

  public static ViewSchedule every(Duration interval) {
    return new ViewSchedule(Optional.of(interval), Optional.empty());
  }

  public static ViewSchedule cron(String expression) {
    return new ViewSchedule(Optional.empty(), Optional.of(expression));
  }

  /** The longest expected gap between refreshes, for staleness checks (cron: one day). */
  public Duration period() {
    return every.orElse(Duration.ofDays(1));
  }

  @Override
  public String toString() {
    return every.map(interval -> "every " + interval.toString().substring(2).toLowerCase()).orElseGet(() -> "cron " + cron.get());
  }
}
