package dev.lakehouse.core.config;

import static dev.lakehouse.core.config.InvalidConfigException.check;

/**
 * One Kafka topic ingested into {@code bronze/<name>}.
 *
 * @param name the bronze table name, e.g. {@code clickstream}
 * @param topic the Kafka topic; {@code LAKEHOUSE_<NAME>_TOPIC} overrides it
 */
public record SourceConfig(String name, String topic) {

  public SourceConfig {
    check(
        name != null && name.matches("[a-z][a-z0-9_]*"),
        "source name must match [a-z][a-z0-9_]*, cannot be: %s",
        name);
    check(
        topic != null && topic.matches("[a-zA-Z0-9._-]{1,249}"),
        "topic of source %s must be a valid Kafka topic name, cannot be: %s",
        name,
        topic);
  }
}
