package dev.lakehouse.bronze;

import dev.lakehouse.core.LakehouseException;
import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Asks the broker about a topic before a streaming query starts, so that an unreachable broker
 * or a missing topic is a one-line error instead of a query that hangs or silently reads nothing.
 */
final class KafkaTopicCheck {

  private KafkaTopicCheck() {}

  /** True if the topic exists; throws if the broker does not answer within {@code timeout}. */
  static boolean topicExists(String bootstrapServers, String topic, Duration timeout) {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 5000));
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    try (Admin admin = Admin.create(properties)) {
      Set<String> topics = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return topics.contains(topic);
    } catch (TimeoutException | ExecutionException e) {
      throw LakehouseException.of(
          "cannot ingest topic '" + topic + "'",
          "no Kafka broker answered at " + bootstrapServers + " within " + timeout.toSeconds() + "s",
          "start one with `./lakehouse local up`, or point LAKEHOUSE_KAFKA_BOOTSTRAP at yours");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakehouseException("interrupted while contacting Kafka at " + bootstrapServers, e);
    }
  }

  static LakehouseException missingTopic(String bootstrapServers, String topic) {
    return LakehouseException.of(
        "cannot ingest topic '" + topic + "'",
        "it does not exist on " + bootstrapServers,
        "produce events to it first (e.g. `./lakehouse generate`), or set LAKEHOUSE_CLICKSTREAM_TOPIC"
            + " to the topic you produce to");
  }
}
