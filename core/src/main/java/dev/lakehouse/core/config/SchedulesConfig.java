package dev.lakehouse.core.config;

import static dev.lakehouse.core.config.InvalidConfigException.check;

import java.time.Duration;

/**
 * Schedules of the {@code lakehouse run} service. Each is an interval ({@code 30s}, {@code 1h}) or
 * a Quartz cron expression with seconds ({@code 0 15 1 * * ?} = 01:15:00 every day, UTC).
 *
 * @param silver the incremental bronze → silver run
 * @param gold the gold run that builds new dates and rebuilds late-changed ones
 * @param maintenance OPTIMIZE and VACUUM of every table
 * @param vacuumRetention files older than this that no table version needs are deleted (Delta's minimum is 7 days)
 */
public record SchedulesConfig(String silver, String gold, String maintenance, Duration vacuumRetention) {

  public SchedulesConfig {
    check(silver != null && !silver.isBlank(), "schedules.silver must be set");
    check(gold != null && !gold.isBlank(), "schedules.gold must be set");
    check(maintenance != null && !maintenance.isBlank(), "schedules.maintenance must be set");
    check(vacuumRetention != null && vacuumRetention.compareTo(Duration.ofDays(7)) >= 0,
        "schedules.vacuum-retention must be at least 7d so readers and streams never lose files they need, cannot be: %s",
        vacuumRetention);
  }
}
