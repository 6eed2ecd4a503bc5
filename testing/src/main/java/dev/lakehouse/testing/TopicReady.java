package dev.lakehouse.testing;

import dev.lakehouse.core.LakehouseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates a topic with the broker's defaults when it is missing, and waits until every partition
 * has a leader. A producer that relies on auto-creation races the new partitions' leadership: on a
 * loaded host one partition's first batch once waited out the whole delivery timeout.
 */
public final class TopicReady {

  private static final Duration WAIT = Duration.ofSeconds(60);

  private TopicReady() {}

  public static void ensure(String bootstrapServers, String topic) {
    try (Admin admin = Admin.create(Map.<String, Object>of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000))) {
      create(admin, topic);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!everyPartitionLed(admin, topic)) {
        if (System.nanoTime() > deadline) {
          throw new LakehouseException("topic '" + topic + "' at " + bootstrapServers
              + " has partitions without a leader after " + WAIT.toSeconds() + "s");
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakehouseException("interrupted while creating topic " + topic, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw LakehouseException.of(
            "cannot produce to topic '" + topic + "'",
            "no Kafka broker answered at " + bootstrapServers + " within 15s",
            "start one with `./lakehouse local up` or set LAKEHOUSE_KAFKA_BOOTSTRAP");
      }
      throw new LakehouseException("cannot create topic '" + topic + "' at " + bootstrapServers + ": "
          + e.getCause().getMessage(), e.getCause());
    }
  }

  private static void create(Admin admin, String topic) throws InterruptedException, ExecutionException {
    try {
      admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty()))).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  private static boolean everyPartitionLed(Admin admin, String topic) throws InterruptedException, ExecutionException {
    try {
      TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
      return description.partitions().stream().map(TopicPartitionInfo::leader).allMatch(leader -> leader != null && !leader.isEmpty());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      throw e;
    }
  }
}
