package dev.lakehouse.core.config;

import static dev.lakehouse.core.config.InvalidConfigException.check;

import java.time.Duration;

/**
 * Bronze streaming settings.
 *
 * @param triggerInterval micro-batch interval of the continuous query
 * @param maxOffsetsPerTrigger cap on records per micro-batch (0 = no cap)
 * @param failOnDataLoss stop when Kafka no longer holds offsets the checkpoint expects
 * @param brokerTimeout how long to wait for the broker before giving up with an error
 */
public record IngestConfig(
    Duration triggerInterval,
    long maxOffsetsPerTrigger,
    boolean failOnDataLoss,
    Duration brokerTimeout) {

  public IngestConfig {
    check(
        triggerInterval != null && !triggerInterval.isNegative(),
        "ingest.trigger-interval must be zero or positive, cannot be: %s",
        triggerInterval);
    check(
        maxOffsetsPerTrigger >= 0,
        "ingest.max-offsets-per-trigger must be >= 0, cannot be: %s",
        maxOffsetsPerTrigger);
    check(
        brokerTimeout != null && brokerTimeout.toMillis() >= 1000,
        "ingest.broker-timeout must be at least 1s, cannot be: %s",
        brokerTimeout);
  }
}
