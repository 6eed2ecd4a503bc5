package dev.lakehouse.core.config;

import static dev.lakehouse.core.config.InvalidConfigException.check;

import java.util.Map;

/**
 * How the driver creates its SparkSession. Under {@code spark-submit} the submitted master wins.
 *
 * @param master e.g. {@code local[2]}
 * @param shufflePartitions AQE coalesces from here; a low number suits one machine
 * @param uiEnabled the Spark web UI
 * @param executorMemory {@code spark.executor.memory} on a cluster, e.g. {@code 2g}; blank: Spark's default
 * @param executorCores {@code spark.executor.cores} on a cluster; 0: Spark's default (standalone: all of a worker's)
 * @param coresMax {@code spark.cores.max}: the most cores one command takes of a standalone cluster; 0: all it
 *     can get (then a long-running {@code ingest} leaves none to the other commands)
 * @param settings any other {@code spark.*} settings, passed through
 */
public record SparkConfig(
    String master,
    int shufflePartitions,
    boolean uiEnabled,
    String executorMemory,
    int executorCores,
    int coresMax,
    Map<String, String> settings) {

  public SparkConfig {
    check(master != null && !master.isBlank(), "spark.master must be set");
    check(
        shufflePartitions >= 1,
        "spark.shuffle-partitions must be at least 1, cannot be: %s",
        shufflePartitions);
    check(executorCores >= 0, "spark.executor-cores cannot be negative: %s", executorCores);
    check(coresMax >= 0, "spark.cores-max cannot be negative: %s", coresMax);
    executorMemory = executorMemory == null ? "" : executorMemory.trim();
    settings = settings == null ? Map.of() : Map.copyOf(settings);
  }

  /** The cluster settings this config sets ({@code spark.executor.*}, {@code spark.cores.max}): none when left at the defaults. */
  public Map<String, String> executorSettings() {
    Map<String, String> executor = new java.util.LinkedHashMap<>();
    if (!executorMemory.isEmpty()) {
      executor.put("spark.executor.memory", executorMemory);
    }
    if (executorCores > 0) {
      executor.put("spark.executor.cores", Integer.toString(executorCores));
    }
    if (coresMax > 0) {
      executor.put("spark.cores.max", Integer.toString(coresMax));
    }
    return executor;
  }
}
