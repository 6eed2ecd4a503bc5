package dev.lakehouse.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Sends values byte for byte (invalid UTF-8, NUL, null values included) and returns where each landed. */
public final class RawProducer {

  /** Where a value landed, as "partition/offset". */
  public record Landed(int partition, long offset) {
    public String coordinates() {
      return partition + "/" + offset;
    }
  }

  private RawProducer() {}

  public static List<Landed> send(String bootstrapServers, String topic, List<Optional<byte[]>> values) {
    return send(bootstrapServers, topic, java.util.Collections.nCopies(values.size(), null), values);
  }

  /**
   * With a key per value (null: none), as change-data producers send them: the records of one key
   * land in one partition, in the order sent.
   */
  public static List<Landed> send(String bootstrapServers, String topic, List<String> keys, List<Optional<byte[]>> values) {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    TopicReady.ensure(bootstrapServers, topic);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties)) {
      List<Future<RecordMetadata>> pending = new ArrayList<>();
      for (int i = 0; i < values.size(); i++) {
        String key = keys.get(i);
        byte[] keyBytes = key == null ? null : key.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        pending.add(producer.send(new ProducerRecord<>(topic, keyBytes, values.get(i).orElse(null))));
      }
      producer.flush();
      List<Landed> landed = new ArrayList<>();
      for (Future<RecordMetadata> future : pending) {
        RecordMetadata metadata = future.get();
        landed.add(new Landed(metadata.partition(), metadata.offset()));
      }
      return landed;
    } catch (ExecutionException e) {
      throw new IllegalStateException("producing to " + topic + " failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while producing to " + topic, e);
    }
  }
}
