package dev.lakehouse.scheduler.console;

import dev.lakehouse.core.config.Durations;
import dev.lakehouse.views.ViewSchedule;
import java.time.Duration;
import java.time.Instant;

/**
 * Whether a table or view is fresh: the one rule {@code status}, {@code status --html} and the
 * console share. A layer is stale when its last success is older than its allowance, twice its
 * schedule plus a minute (a cron schedule: 26 hours).
 */
public enum Freshness {
  OK("ok", "ok"),
  NOTHING_YET("stale", "STALE (nothing yet)"),
  STALE("stale", "STALE (older than its allowance)"),
  FAILED("failing", "FAILED (last run failed)"),
  ABORTED("failing", "ABORTED (last run was interrupted)");

  private final String colour;
  private final String label;

  Freshness(String colour, String label) {
    this.colour = colour;
    this.label = label;
  }

  /** {@code ok}, {@code stale} or {@code failing}: what the console colours a node by. */
  public String colour() {
    return colour;
  }

  /** What {@code status} prints in its state column. */
  public String label() {
    return label;
  }

  /**
   * @param status the last run's status, or null when there was none
   * @param ended when it ended, or null when there was none
   * @param allowance how old a success may be, or null for no limit (streaming bronze)
   */
  public static Freshness of(String status, Instant ended, Duration allowance, Instant now) {
    if (ended == null || status == null) {
      return NOTHING_YET;
    }
    if (status.equals("failed")) {
      return FAILED;
    }
    if (status.equals("aborted")) {
      return ABORTED;
    }
    if (allowance != null && Duration.between(ended, now).compareTo(allowance) > 0) {
      return STALE;
    }
    return OK;
  }

  /**
   * A silver table: as {@link #of}, but fresh however old its last success when bronze has had
   * no commit since that run started. A run that finds no new bronze rows records nothing, so an
   * up-to-date table would otherwise age like a stopped one. A commit landing while the run
   * started can pass for refined until the next scheduled run, sooner than the allowance. Without
   * {@code newestBronzeCommit} (gold) this is {@link #of}.
   */
  public static Freshness ofRefined(String status, Instant started, Instant ended, Duration allowance, Instant now,
      java.util.Optional<Instant> newestBronzeCommit) {
    if ("succeeded".equals(status) && started != null && newestBronzeCommit.filter(commit -> commit.isBefore(started)).isPresent()) {
      return OK;
    }
    return of(status, ended, allowance, now);
  }

  /** Twice the schedule plus a minute; a cron schedule is treated as daily. */
  public static Duration allowance(String schedule) {
    if (schedule.trim().contains(" ")) {
      return Duration.ofHours(26);
    }
    return Durations.parse(schedule).multipliedBy(2).plusMinutes(1);
  }

  public static Duration allowance(ViewSchedule schedule) {
    return schedule.every().map(every -> every.multipliedBy(2).plusMinutes(1)).orElse(Duration.ofHours(26));
  }
}
