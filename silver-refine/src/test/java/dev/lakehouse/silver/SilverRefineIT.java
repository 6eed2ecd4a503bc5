package dev.lakehouse.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lakehouse.bronze.BronzeIngest;
import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.config.KafkaConfig;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.config.StorageConfig;
import dev.lakehouse.core.runs.RunLog;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.core.testing.KernelTableReader;
import dev.lakehouse.core.testing.TestSpark;
import dev.lakehouse.testing.RawProducer;
import dev.lakehouse.testing.TestKafka;
import dev.lakehouse.testing.TestLake;
import dev.lakehouse.testing.generator.ClickstreamGenerator;
import dev.lakehouse.testing.generator.EventProducer;
import dev.lakehouse.testing.generator.EventProducer.Produced;
import dev.lakehouse.testing.generator.GeneratorSpec;
import dev.lakehouse.testing.generator.GroundTruth;
import dev.lakehouse.testing.generator.HostileCorpus;
import dev.lakehouse.testing.generator.MessageKind;
import dev.lakehouse.testing.generator.TruthEvent;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.quality.suite.SuiteLoader;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SilverRefineIT {

  /** Two minutes before midnight UTC: on-time events straddle two dates, offsets move more. */
  private static final Instant BASE = Instant.parse("2026-11-20T23:58:00Z");

  private static SparkSession spark;

  @TempDir Path root;

  @BeforeAll
  static void start() {
    TestKafka.bootstrapServers();
    spark = TestSpark.session(ConfigLoader.defaultsOnly().s3());
  }

  @Test
  void silverIsExactlyTheValidUniqueEventsAndQuarantineHoldsEveryInvalidMessage() {
    LakehouseConfig config = config();
    GroundTruth truth = new GroundTruth(true);
    List<Produced> produced = produce(config, 4_000, 21, truth);
    ingest(config);

    SilverRefine refine = silver(config, defaultSuite());
    SilverRunResult first = refine.run();

    assertThat(first.rowsIn()).isEqualTo(produced.size());
    assertThat(first.rowsOut()).isEqualTo(truth.validUniqueEvents());
    assertThat(first.quarantined()).isEqualTo(truth.count(MessageKind.MALFORMED));
    assertSilverEqualsTruth(config, truth);
    assertQuarantineHoldsExactly(config, produced, 1);

    // the same instance again: nothing new, and no totals carried over from the first run
    SilverRunResult nothingNew = refine.run();
    assertThat(nothingNew.rowsIn()).isZero();
    assertThat(nothingNew.rowsOut()).isZero();
    assertThat(nothingNew.batches()).isZero();

    // the same messages again: every event is a duplicate now, every invalid message quarantined again
    List<Produced> resent = produce(config, 4_000, 21, new GroundTruth(false));
    ingest(config);
    SilverRunResult again = silver(config, defaultSuite()).run();
    assertThat(again.rowsOut()).isZero();
    assertSilverEqualsTruth(config, truth);
    List<Produced> all = new java.util.ArrayList<>(produced);
    all.addAll(resent);
    assertQuarantineHoldsExactly(config, all, 2);
    assertThat(KernelTableReader.local().readAll(new TableLocations(config.storage()).system(RunLog.TABLE)))
        .allMatch(run -> run.get("status").equals("succeeded") && run.get("job").equals("silver"));
  }

  @Test
  void hostileMessagesAmongValidEventsAreQuarantinedWithTheirReasonAndNothingIsLost() {
    LakehouseConfig config = config();
    GroundTruth truth = new GroundTruth(true);
    produce(config, 500, 24, truth);
    List<HostileCorpus.Entry> corpus = HostileCorpus.build("hostile");
    List<RawProducer.Landed> landed = RawProducer.send(TestKafka.bootstrapServers(), config.kafka().source("clickstream").topic(),
        corpus.stream().map(HostileCorpus.Entry::value).toList());
    Map<String, HostileCorpus.Entry> hostileAt = new HashMap<>();
    for (int i = 0; i < corpus.size(); i++) {
      HostileCorpus.Entry entry = corpus.get(i);
      if (entry.hostile()) {
        hostileAt.put(landed.get(i).coordinates(), entry);
      } else {
        String text = new String(entry.value().orElseThrow(), java.nio.charset.StandardCharsets.UTF_8);
        truth.record(new dev.lakehouse.testing.generator.GeneratedMessage(Optional.empty(), Optional.of(text),
            MessageKind.VALID, dev.lakehouse.testing.generator.Malformation.NONE, entry.event()));
      }
    }
    ingest(config);

    SilverRunResult run = silver(config, defaultSuite()).run();

    assertThat(run.rowsOut()).isEqualTo(truth.validUniqueEvents());
    assertSilverEqualsTruth(config, truth);
    TableLocations locations = new TableLocations(config.storage());
    Map<String, List<Object>> reasonsAt = new HashMap<>();
    for (Map<String, Object> row : KernelTableReader.local().readAll(locations.quarantine("events"))) {
      assertThat(reasonsAt.put(row.get("partition") + "/" + row.get("offset"), (List<Object>) row.get("failed_expectations")))
          .isNull();
    }
    hostileAt.forEach((coordinates, entry) ->
        assertThat(reasonsAt.get(coordinates)).as(entry.name()).isNotNull().contains(entry.reason().orElseThrow()));
    assertThat(reasonsAt).hasSize(hostileAt.size() + (int) truth.count(MessageKind.MALFORMED));
    // bronze keeps every byte as it came, invalid UTF-8 and NUL included
    Map<String, byte[]> bronzeBytes = new HashMap<>();
    spark.read().format("delta").load(locations.bronze("clickstream"))
        .selectExpr("CONCAT(partition, '/', offset)", "CAST(value AS BINARY)").collectAsList()
        .forEach(row -> bronzeBytes.put(row.getString(0), (byte[]) row.get(1)));
    for (int i = 0; i < corpus.size(); i++) {
      assertThat(bronzeBytes.get(landed.get(i).coordinates())).as(corpus.get(i).name())
          .isEqualTo(corpus.get(i).value().orElse(null));
    }
  }

  @Test
  void aFailedGatePublishesNothingAndTheNextRunPublishesTheBatch() {
    LakehouseConfig config = config();
    GroundTruth truth = new GroundTruth(true);
    produce(config, 1_000, 22, truth);
    ingest(config);
    ExpectationSuite strict = SuiteLoader.parse(
        "{\"name\": \"silver_events\", \"expectations\": [{\"type\": \"expect_table_row_count_to_be_between\","
            + " \"kwargs\": {\"max_value\": 10}, \"meta\": {\"severity\": \"error\"}}]}", "strict.json");
    SilverRefine gated = silver(config, strict);

    assertThatThrownBy(gated::run)
        .isInstanceOf(QualityGateException.class)
        .hasMessageContaining("silver.events (bronze batch 0) failed the quality gate (expect_table_row_count_to_be_between())")
        .hasMessageContaining("nothing was published");
    String silverTable = gated.silverTable();
    assertThat(io.delta.tables.DeltaTable.isDeltaTable(spark, silverTable)).isFalse();
    assertThat(KernelTableReader.local().readAll(new TableLocations(config.storage()).system(RunLog.TABLE)))
        .singleElement().satisfies(run -> assertThat(run.get("status")).isEqualTo("failed"));

    SilverRunResult fixed = silver(config, defaultSuite()).run();

    assertThat(fixed.rowsOut()).isEqualTo(truth.validUniqueEvents());
    assertSilverEqualsTruth(config, truth);
  }

  @Test
  void rerunRebuildsExactlyTheGivenDatesAndIsSafeToRepeat() {
    LakehouseConfig config = config();
    GroundTruth truth = new GroundTruth(true);
    List<Produced> produced = produce(config, 3_000, 23, truth);
    ingest(config);
    SilverRefine refine = silver(config, defaultSuite());
    refine.run();
    java.time.LocalDate lost = java.time.LocalDate.of(2026, 11, 20);
    java.time.LocalDate untouched = java.time.LocalDate.of(2026, 11, 21);
    io.delta.tables.DeltaTable.forPath(spark, refine.silverTable()).delete("event_date = DATE'" + lost + "'");
    List<Map<String, Object>> untouchedBefore = rowsOn(refine.silverTable(), untouched);
    assertThat(untouchedBefore).isNotEmpty();

    SilverRunResult rerun = refine.rebuild(dev.lakehouse.core.partition.DateRange.parse(lost.toString(), lost.toString(), 31));
    assertThat(rerun.rowsOut()).isEqualTo(truth.byEventDate().get(lost).events());
    long duplicatesOnThatDate = produced.stream()
        .filter(record -> record.message().kind() == MessageKind.DUPLICATE)
        .filter(record -> record.message().event().orElseThrow().eventDate().equals(lost))
        .count();
    assertThat(rerun.duplicates()).isEqualTo(duplicatesOnThatDate);
    assertSilverEqualsTruth(config, truth);
    refine.rebuild(dev.lakehouse.core.partition.DateRange.parse(lost.toString(), lost.toString(), 31));
    assertSilverEqualsTruth(config, truth);
    assertThat(rowsOn(refine.silverTable(), untouched)).containsExactlyInAnyOrderElementsOf(untouchedBefore);
  }

  private static List<Map<String, Object>> rowsOn(String table, java.time.LocalDate date) {
    return KernelTableReader.local().readAll(table).stream().filter(row -> row.get("event_date").equals(date)).toList();
  }

  private static void assertSilverEqualsTruth(LakehouseConfig config, GroundTruth truth) {
    List<Map<String, Object>> rows = KernelTableReader.local().readAll(new TableLocations(config.storage()).silver("events"));
    Map<String, Map<String, Object>> byId = new HashMap<>();
    rows.forEach(row -> assertThat(byId.put((String) row.get("event_id"), row)).as("duplicate %s", row.get("event_id")).isNull());
    assertThat(byId.keySet()).hasSize(truth.events().size());
    assertThat(rows.get(0).keySet()).containsExactlyInAnyOrderElementsOf(dev.lakehouse.core.definitions.BuiltInPipeline.events().silverColumns());
    for (TruthEvent event : truth.events()) {
      Map<String, Object> row = byId.get(event.eventId());
      assertThat(row).as(event.eventId()).isNotNull();
      assertThat(row.get("event_time")).isEqualTo(event.eventTime());
      assertThat(row.get("event_date")).isEqualTo(event.eventDate());
      assertThat(row.get("event_hour")).isEqualTo(event.eventHour());
      assertThat(row.get("user_id")).isEqualTo(event.userId());
      assertThat(row.get("session_id")).isEqualTo(event.sessionId());
      assertThat(row.get("event_type")).isEqualTo(event.eventType());
      assertThat(row.get("page")).isEqualTo(event.page().orElse(null));
      assertThat(row.get("product_id")).isEqualTo(event.productId().orElse(null));
      assertThat(row.get("currency")).isEqualTo(event.currency().orElse(null));
      if (event.amount().isPresent()) {
        assertThat((Double) row.get("amount")).isCloseTo(event.amount().get().doubleValue(), within(1e-9));
      } else {
        assertThat(row.get("amount")).isNull();
      }
    }
  }

  /** Quarantine = each malformed message {@code copies} times over, at its coordinates, with reasons. */
  private static void assertQuarantineHoldsExactly(LakehouseConfig config, List<Produced> produced, int copies) {
    List<Map<String, Object>> rows = KernelTableReader.local().readAll(new TableLocations(config.storage()).quarantine("events"));
    Set<String> expected = new HashSet<>();
    Map<String, Optional<String>> values = new HashMap<>();
    produced.stream().filter(record -> record.message().kind() == MessageKind.MALFORMED).forEach(record -> {
      expected.add(record.partition() + "/" + record.offset());
      values.put(record.partition() + "/" + record.offset(), record.message().value());
    });
    Set<String> actual = new HashSet<>();
    for (Map<String, Object> row : rows) {
      String coordinates = row.get("partition") + "/" + row.get("offset");
      assertThat(actual.add(coordinates)).as("quarantined twice: %s", coordinates).isTrue();
      assertThat(row.get("value")).isEqualTo(values.getOrDefault(coordinates, Optional.of("not malformed")).orElse(null));
      assertThat((List<?>) row.get("failed_expectations")).as("reasons of %s", row.get("value")).isNotEmpty();
    }
    assertThat(actual).isEqualTo(expected);
    assertThat(rows).hasSize(expected.size());
    assertThat(expected.size() % copies).isZero();
  }

  private LakehouseConfig config() {
    return TestLake.config(root, "silver");
  }

  private static List<Produced> produce(LakehouseConfig config, long count, long seed, GroundTruth truth) {
    return TestLake.produce(config, GeneratorSpec.defaults(count, seed).withBaseTime(BASE), true, truth::record).produced();
  }

  private static void ingest(LakehouseConfig config) {
    new BronzeIngest(spark, config).runUntilCaughtUp(config.kafka().source("clickstream"));
  }

  private static SilverRefine silver(LakehouseConfig config, ExpectationSuite suite) {
    return new SilverRefine(spark, config, suite);
  }

  private static ExpectationSuite defaultSuite() {
    return SuiteLoader.load("silver_events", Optional.empty());
  }
}
