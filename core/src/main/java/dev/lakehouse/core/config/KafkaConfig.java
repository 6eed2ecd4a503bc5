package dev.lakehouse.core.config;

import static dev.lakehouse.core.config.InvalidConfigException.check;

import java.util.List;

/**
 * The Kafka cluster and the topics taken into bronze.
 *
 * @param bootstrapServers {@code host:port[,host:port…]} ({@code LAKEHOUSE_KAFKA_BOOTSTRAP})
 * @param sources one bronze table per source topic
 */
public record KafkaConfig(String bootstrapServers, List<SourceConfig> sources) {

  public KafkaConfig {
    check(
        bootstrapServers != null && bootstrapServers.matches("[^\\s,]+:\\d+(,[^\\s,]+:\\d+)*"),
        "kafka.bootstrap-servers must be host:port[,host:port], cannot be: %s",
        bootstrapServers);
    check(sources != null && !sources.isEmpty(), "kafka.sources must name at least one source");
    sources = List.copyOf(sources);
    check(
        sources.stream().map(SourceConfig::name).distinct().count() == sources.size(),
        "kafka.sources names must be unique: %s",
        sources);
  }

  public SourceConfig source(String name) {
    return sources.stream()
        .filter(source -> source.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new InvalidConfigException(
                    "no source named '" + name + "'; configured sources: " + sources));
  }
}
