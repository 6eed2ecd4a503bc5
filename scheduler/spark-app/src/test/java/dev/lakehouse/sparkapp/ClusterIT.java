package dev.lakehouse.sparkapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.S3Config;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.core.testing.KernelTableReader;
import dev.lakehouse.gold.GoldBuilder;
import dev.lakehouse.localminio.TestS3;
import dev.lakehouse.scheduler.local.LocalSparkCluster;
import dev.lakehouse.scheduler.pipeline.PipelineFixtures;
import dev.lakehouse.scheduler.pipeline.PipelineLoader;
import dev.lakehouse.scheduler.pipeline.PipelineRuntime;
import dev.lakehouse.silver.SilverRefine;
import dev.lakehouse.testing.RawProducer;
import dev.lakehouse.testing.TestKafka;
import dev.lakehouse.testing.TestLake;
import dev.lakehouse.testing.generator.ClickstreamGenerator;
import dev.lakehouse.testing.generator.EventProducer;
import dev.lakehouse.testing.generator.ExpectedGold;
import dev.lakehouse.testing.generator.ExpectedViews;
import dev.lakehouse.testing.generator.MessageKind;
import dev.lakehouse.views.ViewDefinition;
import dev.lakehouse.views.ViewRefresher;
import dev.lakehouse.testing.generator.GeneratorSpec;
import dev.lakehouse.testing.generator.GroundTruth;
import dev.lakehouse.testing.generator.TruthEvent;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline with its executors on a real Spark standalone cluster (a master and two workers,
 * processes of their own, whose executors have only a Spark distribution's jars and get the
 * application jar shipped), against the S3 server through S3A. The driver is this JVM, configured
 * by DESIGN.md's variables only. Every table is read back with Delta Kernel over S3A and compared
 * with ground truth computed in plain Java; one worker is killed with SIGKILL in the middle of a
 * gold build, which Spark must survive with exact results (gold, then a view refreshed on the
 * remaining executor).
 */
class ClusterIT {

  private static final String APP_NAME = "lakehouse-cluster-it";

  private static LocalSparkCluster cluster;
  private static S3Config s3;
  private static SparkSession spark;
  /** Every executor that started a task of this JVM's application. */
  private static final Set<String> TASK_EXECUTORS = ConcurrentHashMap.newKeySet();

  @TempDir Path folder;

  @BeforeAll
  static void startCluster() {
    cluster = TestCluster.get();
    s3 = TestS3.config();
    spark = SparkSessions.getOrCreate(config(Map.of()), APP_NAME);
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override
      public void onTaskStart(SparkListenerTaskStart start) {
        TASK_EXECUTORS.add(start.taskInfo().executorId());
      }
    });
  }

  @AfterAll
  static void stopSession() {
    // the other tests of this JVM submit applications of their own to the same two workers
    if (spark != null) {
      spark.stop();
    }
  }

  /** DESIGN.md's variables: the cluster's master, a fresh lake on the S3 server, the test broker. */
  private static LakehouseConfig config(Map<String, String> more) {
    Map<String, String> environment = new HashMap<>(Map.of(
        "LAKEHOUSE_SPARK_MASTER", cluster.masterUrl(),
        "LAKEHOUSE_SPARK_EXECUTOR_MEMORY", "768m",
        "LAKEHOUSE_STORAGE_ROOT", "s3a://" + TestS3.BUCKET + "/cluster-" + UUID.randomUUID(),
        "LAKEHOUSE_S3_ENDPOINT", s3.endpoint(),
        "LAKEHOUSE_S3_ACCESS_KEY", s3.accessKey(),
        "LAKEHOUSE_S3_SECRET_KEY", s3.secretKey(),
        "LAKEHOUSE_KAFKA_BOOTSTRAP", TestKafka.bootstrapServers()));
    environment.putAll(more);
    return ConfigLoader.load(Optional.empty(), environment);
  }

  private static KernelTableReader delta() {
    return KernelTableReader.withSparkSettings(SparkSessions.s3aSettings(s3));
  }

  @Test
  void builtInPipelineOnTheClusterEqualsTheTruthAndSurvivesAWorkerKilledMidBuild() throws Exception {
    LakehouseConfig config = config(Map.of("LAKEHOUSE_CLICKSTREAM_TOPIC", "cluster-" + UUID.randomUUID()));
    GroundTruth truth = new GroundTruth(true);
    new EventProducer(TestKafka.bootstrapServers(), config.kafka().source("clickstream").topic())
        .send(new ClickstreamGenerator(GeneratorSpec.defaults(2_000, 141)), 0, false, truth::record);
    PipelineRuntime runtime = PipelineRuntime.open(config,
        PipelineLoader.load(config.definitions(), config.kafka(), Map.of()), spark);
    TableLocations tables = runtime.locations();
    assertThat(tables.silver("events")).startsWith("s3a://");

    PipelineFixtures.ingestAll(runtime, spark);
    runtime.silverRefines(Optional.empty()).forEach(SilverRefine::run);
    assertThat(delta().readAll(tables.silver("events"))).extracting(row -> (String) row.get("event_id"))
        .containsExactlyInAnyOrderElementsOf(truth.events().stream().map(TruthEvent::eventId).toList());

    assertThat(spark.sparkContext().master()).isEqualTo(cluster.masterUrl());
    assertThat(TASK_EXECUTORS).as("executors that ran tasks")
        .hasSizeGreaterThanOrEqualTo(2).doesNotContain("driver");
    JsonNode application = activeApplication();
    assertThat(application.path("cores").asInt()).as("cores the master gave the driver's application").isEqualTo(2);

    // the worker running the gold build's first task dies with SIGKILL, and its executor with it
    CountDownLatch goldStarted = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<String> firstExecutor = new java.util.concurrent.atomic.AtomicReference<>();
    SparkListener onFirstTask = new SparkListener() {
      @Override
      public void onTaskStart(SparkListenerTaskStart start) {
        if (firstExecutor.compareAndSet(null, start.taskInfo().executorId())) {
          goldStarted.countDown();
        }
      }
    };
    java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
    Thread killer = new Thread(() -> {
      try {
        if (goldStarted.await(5, TimeUnit.MINUTES)) {
          ProcessHandle worker = workerOfExecutor(firstExecutor.get());
          worker.descendants().forEach(ProcessHandle::destroyForcibly);
          killed.set(worker.destroyForcibly());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "kill-a-worker");
    GoldBuilder gold = runtime.goldBuilder();
    int workersBefore = cluster.workerProcesses().size();
    spark.sparkContext().addSparkListener(onFirstTask);
    killer.start();
    try {
      gold.build(gold.plan(), GoldBuilder.JOB, build -> { });
    } finally {
      spark.sparkContext().removeSparkListener(onFirstTask);
      killer.join();
    }
    assertThat(killed).as("the worker running the gold build's first task was killed").isTrue();
    assertThat(cluster.workerProcesses()).as("one worker was killed").hasSize(workersBefore - 1);

    ExpectedGold.of(truth.events()).forEach((table, expected) ->
        assertThat(delta().readAll(tables.gold(table))).as("gold.%s", table).containsExactlyInAnyOrderElementsOf(expected));
    assertThat(delta().readAll(tables.quarantine("events"))).as("quarantine.events")
        .hasSize((int) truth.count(MessageKind.MALFORMED));

    // a view refreshed by the one remaining executor
    ViewDefinition daily = runtime.pipeline().views().stream()
        .filter(view -> view.name().equals("daily_summary")).findFirst().orElseThrow();
    runtime.viewRefresher().refresh(daily);
    assertThat(delta().readAll(tables.view("daily_summary"))).as("views.daily_summary")
        .containsExactlyInAnyOrderElementsOf(ExpectedViews.of("daily_summary", truth.events(), ViewRefresher.windowStart(daily, Instant.now())));
    TestCluster.restoreWorkers();
  }

  @Test
  void declaredPipelineWithAnUpsertTableOnTheClusterEqualsTheTruth() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> topics = Map.of("LAKEHOUSE_READINGS_TOPIC", "readings-" + suffix,
        "LAKEHOUSE_DEVICES_TOPIC", "devices-" + suffix);
    Path definitions = PipelineFixtures.definitions("/cluster-pipeline/",
        List.of("silver/readings.yaml", "silver/devices.yaml", "gold/device_daily.sql"), folder.resolve("definitions"));
    Map<String, String> variables = new HashMap<>(topics);
    variables.put("LAKEHOUSE_DEFINITIONS_DIR", definitions.toString());
    LakehouseConfig config = config(variables);
    PipelineRuntime runtime = PipelineRuntime.open(config,
        PipelineLoader.load(config.definitions(), config.kafka(), topics), spark);
    TableLocations tables = runtime.locations();

    // readings: each sent once or twice, times in several zones; the truth is per reading id
    Random random = new Random(7);
    Instant base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(3, ChronoUnit.DAYS);
    Map<String, Reading> readings = new LinkedHashMap<>();
    List<String> readingMessages = new ArrayList<>();
    for (int index = 0; index < 400; index++) {
      Reading reading = new Reading("r" + index, "d" + random.nextInt(5),
          base.plusSeconds(random.nextInt(3 * 24 * 3600)), BigDecimal.valueOf(random.nextInt(8000) - 2000, 2));
      readings.put(reading.id(), reading);
      String zone = List.of("Z", "+05:30", "-03:00").get(random.nextInt(3));
      String message = reading.json(zone);
      readingMessages.add(message);
      if (random.nextInt(10) == 0) {
        readingMessages.add(message);
      }
    }
    send(topics.get("LAKEHOUSE_READINGS_TOPIC"), readingMessages);

    // devices: versions out of order; the current state holds each device's highest version
    Map<String, Device> devices = new TreeMap<>();
    List<String> deviceMessages = new ArrayList<>();
    for (int version = 1; version <= 60; version++) {
      Device device = new Device("d" + random.nextInt(5), version, "site-" + random.nextInt(4));
      deviceMessages.add(device.json());
      devices.merge(device.id(), device, (held, next) -> next.version() > held.version() ? next : held);
    }
    java.util.Collections.shuffle(deviceMessages, random);
    send(topics.get("LAKEHOUSE_DEVICES_TOPIC"), deviceMessages);

    PipelineFixtures.ingestAll(runtime, spark);
    runtime.silverRefines(Optional.empty()).forEach(SilverRefine::run);
    GoldBuilder gold = runtime.goldBuilder();
    gold.build(gold.plan(), GoldBuilder.JOB, build -> { });

    assertThat(delta().readAll(tables.silver("readings"))).extracting(row -> (String) row.get("reading_id"))
        .containsExactlyInAnyOrderElementsOf(readings.keySet());
    assertThat(delta().readAll(tables.silver("devices"))).extracting(row -> row.get("device_id") + "@" + row.get("version") + ":" + row.get("site"))
        .containsExactlyInAnyOrderElementsOf(devices.values().stream().map(d -> d.id() + "@" + d.version() + ":" + d.site()).toList());
    Map<List<Object>, List<Reading>> daily = readings.values().stream()
        .collect(Collectors.groupingBy(r -> List.of(r.date(), r.deviceId())));
    List<Map<String, Object>> expectedGold = daily.entrySet().stream().map(entry -> Map.<String, Object>of(
        "event_date", entry.getKey().get(0), "device_id", entry.getKey().get(1),
        "readings", (long) entry.getValue().size(),
        "max_celsius", entry.getValue().stream().map(Reading::celsius).max(BigDecimal::compareTo).orElseThrow())).toList();
    assertThat(delta().readAll(tables.gold("device_daily"))).containsExactlyInAnyOrderElementsOf(expectedGold);
  }

  record Reading(String id, String deviceId, Instant measuredAt, BigDecimal celsius) {
    LocalDate date() {
      return measuredAt.atOffset(ZoneOffset.UTC).toLocalDate();
    }

    String json(String zone) {
      OffsetDateTime local = measuredAt.atOffset(zone.equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(zone));
      return "{\"reading_id\":\"" + id + "\",\"device_id\":\"" + deviceId + "\",\"measured_at\":\"" + local
          + "\",\"celsius\":" + celsius.toPlainString() + "}";
    }
  }

  record Device(String id, long version, String site) {
    String json() {
      return "{\"device_id\":\"" + id + "\",\"version\":" + version + ",\"site\":\"" + site + "\"}";
    }
  }

  private static void send(String topic, List<String> messages) {
    RawProducer.send(TestKafka.bootstrapServers(), topic,
        messages.stream().map(text -> Optional.of(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))).toList());
  }

  /** The worker whose child process is executor {@code executorId} (its command line names the id). */
  private static ProcessHandle workerOfExecutor(String executorId) {
    for (ProcessHandle worker : cluster.workerProcesses()) {
      boolean runsIt = worker.descendants().anyMatch(child -> child.info().commandLine()
          .map(line -> line.contains("--executor-id " + executorId + " ")).orElse(false));
      if (runsIt) {
        return worker;
      }
    }
    throw new AssertionError("no worker runs executor " + executorId);
  }

  /** The driver's application as the master lists it. */
  private static JsonNode activeApplication() {
    JsonNode state = cluster.masterState().orElseThrow();
    for (JsonNode application : state.path("activeapps")) {
      if (APP_NAME.equals(application.path("name").asText())) {
        return application;
      }
    }
    throw new AssertionError("the master lists no active application " + APP_NAME + ": " + state);
  }
}
