package dev.lakehouse.testing.generator;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.testing.TopicReady;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends generated messages to a topic (idempotent producer, acks=all) at an optional rate. */
public final class EventProducer {

  private static final Logger LOG = LoggerFactory.getLogger(EventProducer.class);

  /** Where a message landed. */
  public record Produced(GeneratedMessage message, int partition, long offset) {}

  /** The outcome of a run; {@code produced} is empty unless coordinates were kept. */
  public record Result(long messages, Duration elapsed, List<Produced> produced) {
    public double messagesPerSecond() {
      return messages / Math.max(0.001, elapsed.toNanos() / 1e9);
    }
  }

  private final String bootstrapServers;
  private final String topic;

  public EventProducer(String bootstrapServers, String topic) {
    this.bootstrapServers = requireNonNull(bootstrapServers, "bootstrapServers is null");
    this.topic = requireNonNull(topic, "topic is null");
  }

  /**
   * @param messagesPerSecond 0 for as fast as the broker takes them
   * @param keepCoordinates remember each message's partition and offset (tests)
   * @param onMessage called with each message as it is sent, e.g. to tally ground truth
   */
  public Result send(
      Iterator<GeneratedMessage> messages,
      double messagesPerSecond,
      boolean keepCoordinates,
      Consumer<GeneratedMessage> onMessage) {
    List<Future<RecordMetadata>> pending = new ArrayList<>();
    List<GeneratedMessage> sent = new ArrayList<>();
    // every send's outcome is checked, kept coordinates or not: the caller's truth already counts the message
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstFailure = new AtomicReference<>();
    TopicReady.ensure(bootstrapServers, topic); // before the clock: the rate is of sending, not of creating the topic
    long count = 0;
    long start = System.nanoTime();
    long lastReport = start;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
      while (messages.hasNext()) {
        GeneratedMessage message = messages.next();
        pace(start, count, messagesPerSecond);
        Future<RecordMetadata> future =
            producer.send(
                new ProducerRecord<>(
                    topic,
                    message.key().map(EventProducer::bytes).orElse(null),
                    message.value().map(EventProducer::bytes).orElse(null)),
                (metadata, error) -> {
                  if (error != null) {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, error);
                  }
                });
        onMessage.accept(message);
        count++;
        if (keepCoordinates) {
          pending.add(future);
          sent.add(message);
        }
        long now = System.nanoTime();
        if (now - lastReport > TimeUnit.SECONDS.toNanos(5)) {
          LOG.info("produced {} messages to {} ({} msg/s)", count, topic,
              Math.round(count / ((now - start) / 1e9)));
          lastReport = now;
        }
      }
      producer.flush();
      if (failed.get() > 0) {
        throw new LakehouseException("producing to topic '" + topic + "' at " + bootstrapServers + " failed for "
            + failed.get() + " of " + count + " messages: " + firstFailure.get(), firstFailure.get());
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      List<Produced> produced = new ArrayList<>(pending.size());
      for (int i = 0; i < pending.size(); i++) {
        RecordMetadata metadata = pending.get(i).get();
        produced.add(new Produced(sent.get(i), metadata.partition(), metadata.offset()));
      }
      return new Result(count, elapsed, produced);
    } catch (ExecutionException e) {
      throw new LakehouseException(
          "producing to topic '" + topic + "' at " + bootstrapServers + " failed: "
              + e.getCause().getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakehouseException("interrupted while producing to " + topic, e);
    }
  }

  private static void pace(long start, long sent, double messagesPerSecond)
      throws InterruptedException {
    if (messagesPerSecond <= 0) {
      return;
    }
    long due = start + (long) (sent * 1e9 / messagesPerSecond);
    long wait = due - System.nanoTime();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }

  private Properties producerProperties() {
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    properties.put(ProducerConfig.LINGER_MS_CONFIG, 10);
    properties.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    properties.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024);
    properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    return properties;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

}
