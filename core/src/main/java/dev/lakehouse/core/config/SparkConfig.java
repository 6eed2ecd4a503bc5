package dev.lakehouse.core.config;

import static dev.lakehouse.core.config.InvalidConfigException.check;

import java.util.Map;

/**
 * How the driver creates its SparkSession. Under {@code spark-submit} the submitted master wins.
 *
 * @param master e.g. {@code local[2]}
 * @param shufflePartitions AQE coalesces from here; a low number suits one machine
 * @param uiEnabled the Spark web UI
 * @param settings any other {@code spark.*} settings, passed through
 */
public record SparkConfig(
    String master, int shufflePartitions, boolean uiEnabled, Map<String, String> settings) {

  public SparkConfig {
    check(master != null && !master.isBlank(), "spark.master must be set");
    check(
        shufflePartitions >= 1,
        "spark.shuffle-partitions must be at least 1, cannot be: %s",
        shufflePartitions);
    settings = settings == null ? Map.of() : Map.copyOf(settings);
  }
}
