package dev.lakehouse.core.config;

import static dev.lakehouse.core.config.InvalidConfigException.check;

/**
 * Limits of operator reruns.
 *
 * @param maxDays longest date range a rerun accepts, so a typo cannot rebuild a year
 */
public record RerunConfig(int maxDays) {

  public RerunConfig {
    check(maxDays >= 1, "reruns.max-days must be at least 1, cannot be: %s", maxDays);
  }
}
