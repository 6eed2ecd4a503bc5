package dev.lakehouse.testing;

import dev.lakehouse.core.LakehouseException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates a topic with the broker's defaults when it is missing, and waits until the leader of
 * every partition answers for it. Why: the metadata names a new partition's leader before that
 * broker has created the partition, and an idempotent producer whose first batch to a partition
 * fails there may have its second batch accepted first; the first is then out of sequence for
 * good and expires after the delivery timeout (seen in CI: "Out of order sequence number ... 0
 * (incoming seq. number)" in the broker's log, then "Expiring 393 record(s)" in the test).
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
      while (!everyLeaderAnswers(admin, topic)) {
        if (System.nanoTime() > deadline) {
          throw new LakehouseException("topic '" + topic + "' at " + bootstrapServers
              + " has partitions whose leader does not answer after " + WAIT.toSeconds() + "s");
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

  /** A partition's leader answers a list-offsets request for it once it has created the partition. */
  private static boolean everyLeaderAnswers(Admin admin, String topic) throws InterruptedException, ExecutionException {
    try {
      TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
      Map<TopicPartition, OffsetSpec> latest = description.partitions().stream()
          .map(partition -> new TopicPartition(topic, partition.partition()))
          .collect(Collectors.toMap(Function.identity(), partition -> OffsetSpec.latest()));
      admin.listOffsets(latest).all().get();
      return true;
    } catch (ExecutionException e) {
      // a timeout here is a leader still not answering: the caller's deadline says so in its own words
      if (e.getCause() instanceof RetriableException) {
        return false;
      }
      throw e;
    }
  }
}
