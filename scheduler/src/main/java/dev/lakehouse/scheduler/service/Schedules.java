package dev.lakehouse.scheduler.service;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.Durations;
import java.time.Duration;
import java.util.TimeZone;
import org.quartz.CronExpression;
import org.quartz.CronScheduleBuilder;
import org.quartz.ScheduleBuilder;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;

/**
 * Turns a schedule text into a Quartz schedule: an interval ({@code 30s}, {@code 1h}) or a cron
 * expression with seconds (UTC). A missed slot (the service was down, or the previous run took
 * longer) fires once as soon as possible, never once per missed slot.
 */
final class Schedules {

  private Schedules() {}

  static ScheduleBuilder<? extends Trigger> of(String what, String text) {
    String trimmed = text.trim();
    if (trimmed.contains(" ")) {
      if (!CronExpression.isValidExpression(trimmed)) {
        throw new LakehouseException("the " + what + " schedule '" + trimmed + "' is not a Quartz cron expression"
            + " (seconds minutes hours day-of-month month day-of-week, e.g. 0 15 1 * * ?)");
      }
      return CronScheduleBuilder.cronSchedule(trimmed).inTimeZone(TimeZone.getTimeZone("UTC"))
          .withMisfireHandlingInstructionFireAndProceed();
    }
    Duration every;
    try {
      every = Durations.parse(trimmed);
    } catch (RuntimeException e) {
      throw new LakehouseException("the " + what + " schedule '" + trimmed + "' is neither an interval (30s, 5m, 1h) nor a cron expression");
    }
    if (every.toMillis() < 1000) {
      throw new LakehouseException("the " + what + " schedule must be at least 1s, cannot be: " + trimmed);
    }
    return SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(every.toMillis()).repeatForever()
        // fire once now and go on every interval from there (Quartz's default for an endless
        // interval would wait for the next slot, up to a whole interval after a long outage)
        .withMisfireHandlingInstructionNowWithExistingCount();
  }
}
