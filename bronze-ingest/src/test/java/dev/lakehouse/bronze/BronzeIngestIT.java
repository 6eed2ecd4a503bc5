package dev.lakehouse.bronze;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.config.IngestConfig;
import dev.lakehouse.core.config.KafkaConfig;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.S3Config;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.config.StorageConfig;
import dev.lakehouse.core.process.Ports;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.core.testing.KernelTableReader;
import dev.lakehouse.core.testing.TestSpark;
import dev.lakehouse.testing.TestKafka;
import dev.lakehouse.testing.generator.ClickstreamGenerator;
import dev.lakehouse.testing.generator.EventProducer;
import dev.lakehouse.testing.generator.EventProducer.Produced;
import dev.lakehouse.testing.generator.GeneratorSpec;
import dev.lakehouse.localminio.TestS3;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BronzeIngestIT {

  private static final List<String> BRONZE_COLUMNS =
      List.of("key", "value", "topic", "partition", "offset", "kafka_timestamp", "ingested_at", "ingest_date");

  private static SparkSession spark;
  private static S3Config s3;

  @TempDir Path storage;

  @BeforeAll
  static void startServices() {
    s3 = TestS3.config();
    TestKafka.bootstrapServers();
    spark = TestSpark.session(s3);
  }

  @Test
  void ingestsEveryProducedMessageExactlyOnceWithItsCoordinatesAndRawValue() {
    LakehouseConfig config = config(storage.toString(), randomTopic(), Duration.ofSeconds(10), 0);
    SourceConfig source = config.kafka().source("clickstream");
    List<Produced> produced = produce(source.topic(), 3_000, 1);

    Instant before = Instant.now();
    IngestResult first = new BronzeIngest(spark, config).runUntilCaughtUp(source);

    assertThat(first.rows()).isEqualTo(produced.size());
    String table = new TableLocations(config.storage()).bronze("clickstream");
    List<Map<String, Object>> rows = KernelTableReader.local().readAll(table);
    assertThat(rows).hasSize(produced.size());
    assertThat(rows.get(0).keySet()).containsExactlyInAnyOrderElementsOf(BRONZE_COLUMNS);
    assertSameRecords(rows, produced, source.topic());
    for (Map<String, Object> row : rows) {
      Instant ingestedAt = (Instant) row.get("ingested_at");
      assertThat(ingestedAt).isAfterOrEqualTo(before.minusSeconds(1));
      assertThat(row.get("ingest_date")).isEqualTo(ingestedAt.atZone(ZoneOffset.UTC).toLocalDate());
    }

    IngestResult again = new BronzeIngest(spark, config).runUntilCaughtUp(source);
    assertThat(again.rows()).isZero();
    assertThat(KernelTableReader.local().readAll(table)).hasSize(produced.size());

    List<Produced> more = produce(source.topic(), 500, 2);
    assertThat(new BronzeIngest(spark, config).runUntilCaughtUp(source).rows()).isEqualTo(more.size());
    List<Produced> all = new ArrayList<>(produced);
    all.addAll(more);
    assertSameRecords(KernelTableReader.local().readAll(table), all, source.topic());
  }

  @Test
  void stoppingTheContinuousQueryMidStreamAndRestartingLosesAndRepeatsNothing() throws Exception {
    LakehouseConfig config = config(storage.toString(), randomTopic(), Duration.ofMillis(300), 150);
    SourceConfig source = config.kafka().source("clickstream");
    List<Produced> firstHalf = produce(source.topic(), 600, 3);
    String table = new TableLocations(config.storage()).bronze("clickstream");

    BronzeIngest ingest = new BronzeIngest(spark, config);
    StreamingQuery query = ingest.startContinuous(source);
    CompletableFuture<List<Produced>> secondHalf =
        CompletableFuture.supplyAsync(() -> produceAtRate(source.topic(), 1_500, 4, 1_000));
    assertThat(Ports.await(() -> committedBatches(query) >= 3, Duration.ofSeconds(120), () -> !query.isActive()))
        .as("the continuous query committed a few batches while events kept arriving")
        .isTrue();
    query.stop();
    long rowsAtStop = KernelTableReader.local().readAll(table).size();
    List<Produced> all = new ArrayList<>(firstHalf);
    all.addAll(secondHalf.get());
    assertThat(rowsAtStop).isGreaterThan(0).isLessThan(all.size());

    new BronzeIngest(spark, config).runUntilCaughtUp(source);

    assertSameRecords(KernelTableReader.local().readAll(table), all, source.topic());
  }

  @Test
  void writesBronzeToS3ThroughS3aAndAnyDeltaReaderReadsItBack() {
    String root = "s3a://" + TestS3.BUCKET + "/it-" + UUID.randomUUID() + "/";
    LakehouseConfig config = config(root, randomTopic(), Duration.ofSeconds(10), 0);
    SourceConfig source = config.kafka().source("clickstream");
    List<Produced> produced = produce(source.topic(), 1_000, 5);

    new BronzeIngest(spark, config).runUntilCaughtUp(source);

    String table = new TableLocations(config.storage()).bronze("clickstream");
    assertThat(table).startsWith("s3a://" + TestS3.BUCKET + "/it-");
    KernelTableReader reader = KernelTableReader.withSparkSettings(SparkSessions.s3aSettings(s3));
    assertSameRecords(reader.readAll(table), produced, source.topic());
    assertThat(spark.read().format("delta").load(table).count()).isEqualTo(produced.size());
  }

  @Test
  void missingTopicAndUnreachableBrokerAreClearErrors() {
    LakehouseConfig missingTopic = config(storage.toString(), randomTopic(), Duration.ofSeconds(10), 0);
    assertThatThrownBy(
            () -> new BronzeIngest(spark, missingTopic).runUntilCaughtUp(missingTopic.kafka().source("clickstream")))
        .isInstanceOf(LakehouseException.class)
        .hasMessageStartingWith("cannot ingest topic '" + missingTopic.kafka().source("clickstream").topic() + "': it does not exist on");

    LakehouseConfig base = config(storage.toString(), "clickstream", Duration.ofSeconds(10), 0);
    int closedPort = Ports.freePort();
    LakehouseConfig unreachable =
        base.withKafka(new KafkaConfig("127.0.0.1:" + closedPort, base.kafka().sources()))
            .withStorage(base.storage());
    LakehouseConfig quick =
        unreachable.withIngest(new IngestConfig(Duration.ofSeconds(1), 0, true, Duration.ofSeconds(2)));
    assertThatThrownBy(() -> new BronzeIngest(spark, quick).runUntilCaughtUp(quick.kafka().source("clickstream")))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("no Kafka broker answered at 127.0.0.1:" + closedPort + " within 2s")
        .hasMessageContaining("./lakehouse local up");
  }

  @Test
  void offsetsKafkaNoLongerHoldsStopTheQueryWithAnActionableMessage() throws Exception {
    LakehouseConfig config = config(storage.toString(), randomTopic(), Duration.ofSeconds(10), 0);
    SourceConfig source = config.kafka().source("clickstream");
    produce(source.topic(), 1_000, 6);
    new BronzeIngest(spark, config).runUntilCaughtUp(source);
    recreateTopic(source.topic());
    produce(source.topic(), 10, 7);

    assertThatThrownBy(() -> new BronzeIngest(spark, config).runUntilCaughtUp(source))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("Kafka no longer holds offsets the checkpoint expects")
        .hasMessageContaining("LAKEHOUSE_INGEST_FAIL_ON_DATA_LOSS=false");
  }

  private static void recreateTopic(String topic) throws Exception {
    try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", TestKafka.bootstrapServers()))) {
      admin.deleteTopics(List.of(topic)).all().get();
      assertThat(Ports.await(() -> !topicListed(admin, topic), Duration.ofSeconds(30), () -> false)).isTrue();
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    }
  }

  private static boolean topicListed(Admin admin, String topic) {
    try {
      return admin.listTopics().names().get().contains(topic);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static long committedBatches(StreamingQuery query) {
    return java.util.Arrays.stream(query.recentProgress()).filter(progress -> progress.numInputRows() > 0).count();
  }

  /** Bronze holds each produced record once, at its Kafka coordinates, with key and value as sent. */
  private static void assertSameRecords(List<Map<String, Object>> rows, List<Produced> produced, String topic) {
    Map<String, Produced> expected = new HashMap<>();
    produced.forEach(record -> expected.put(record.partition() + "/" + record.offset(), record));
    Map<String, Map<String, Object>> actual = new HashMap<>();
    for (Map<String, Object> row : rows) {
      String coordinates = row.get("partition") + "/" + row.get("offset");
      assertThat(actual.put(coordinates, row)).as("duplicate offset %s", coordinates).isNull();
      assertThat(row.get("topic")).isEqualTo(topic);
    }
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    expected.forEach(
        (coordinates, record) -> {
          Map<String, Object> row = actual.get(coordinates);
          assertThat(row.get("value")).isEqualTo(record.message().value().orElse(null));
          assertThat(row.get("key")).isEqualTo(record.message().key().orElse(null));
        });
  }

  private static List<Produced> produce(String topic, long count, long seed) {
    return produceAtRate(topic, count, seed, 0);
  }

  private static List<Produced> produceAtRate(String topic, long count, long seed, double rate) {
    ClickstreamGenerator generator =
        new ClickstreamGenerator(
            GeneratorSpec.defaults(count, seed).withBaseTime(LocalDate.of(2026, 11, 20).atStartOfDay().toInstant(ZoneOffset.UTC)));
    EventProducer.Result result =
        new EventProducer(TestKafka.bootstrapServers(), topic).send(generator, rate, true, message -> {});
    assertThat(result.produced()).hasSize((int) count);
    assertThat(result.produced()).allMatch(Objects::nonNull);
    return result.produced();
  }

  private static String randomTopic() {
    return "clickstream-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static LakehouseConfig config(String root, String topic, Duration trigger, long maxOffsetsPerTrigger) {
    LakehouseConfig defaults = ConfigLoader.defaultsOnly();
    return defaults
        .withStorage(new StorageConfig(root))
        .withKafka(new KafkaConfig(TestKafka.bootstrapServers(), List.of(new SourceConfig("clickstream", topic))))
        .withS3(s3)
        .withIngest(new IngestConfig(trigger, maxOffsetsPerTrigger, true, Duration.ofSeconds(15)));
  }
}
