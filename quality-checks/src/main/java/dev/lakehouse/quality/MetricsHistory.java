package dev.lakehouse.quality;

import static java.util.Objects.requireNonNull;

/**
 * Where Deequ keeps a suite's metrics between runs, and how far a batch's row count may move
 * against the previous run before the anomaly check warns.
 *
 * @param repositoryPath a Deequ {@code FileSystemMetricsRepository} JSON file, e.g. under {@code _system/}
 * @param maxRateDecrease e.g. 0.5: warn below half the previous row count
 * @param maxRateIncrease e.g. 2.0: warn above twice the previous row count
 */
public record MetricsHistory(String repositoryPath, double maxRateDecrease, double maxRateIncrease) {

  public MetricsHistory {
    requireNonNull(repositoryPath, "repositoryPath is null");
    if (maxRateDecrease < 0 || maxRateIncrease < 1) {
      throw new IllegalArgumentException("rates must be decrease >= 0 and increase >= 1, cannot be: "
          + maxRateDecrease + ", " + maxRateIncrease);
    }
  }

  public String strategy() {
    return "RelativeRateOfChange(maxRateDecrease=" + maxRateDecrease + ", maxRateIncrease=" + maxRateIncrease + ")";
  }
}
