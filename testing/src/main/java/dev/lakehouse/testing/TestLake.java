package dev.lakehouse.testing;

import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.config.KafkaConfig;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.config.StorageConfig;
import dev.lakehouse.testing.generator.ClickstreamGenerator;
import dev.lakehouse.testing.generator.EventProducer;
import dev.lakehouse.testing.generator.GeneratedMessage;
import dev.lakehouse.testing.generator.GeneratorSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The set-up the integration tests share: a lake under a test's folder with the built-in
 * clickstream source on a fresh topic of the test broker, and generated events sent to it with
 * their ground truth recorded.
 */
public final class TestLake {

  private TestLake() {}

  /** Built-in defaults, storage under {@code root}, the clickstream source on topic {@code <prefix>-<random>}. */
  public static LakehouseConfig config(Path root, String topicPrefix) {
    String topic = topicPrefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    return ConfigLoader.defaultsOnly()
        .withStorage(new StorageConfig(root.toString()))
        .withKafka(new KafkaConfig(TestKafka.bootstrapServers(), List.of(new SourceConfig("clickstream", topic))));
  }

  /**
   * Sends the generator's messages to the configuration's clickstream topic as fast as the broker
   * takes them; {@code onMessage} sees each (e.g. {@code truth::record}).
   *
   * @param keepProduced whether the result lists every message with its partition and offset
   */
  public static EventProducer.Result produce(LakehouseConfig config, GeneratorSpec spec, boolean keepProduced,
      Consumer<GeneratedMessage> onMessage) {
    return new EventProducer(TestKafka.bootstrapServers(), config.kafka().source("clickstream").topic())
        .send(new ClickstreamGenerator(spec), 0, keepProduced, onMessage::accept);
  }
}
