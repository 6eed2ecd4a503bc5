package dev.lakehouse.scheduler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.core.config.StorageConfig;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.core.process.Ports;
import dev.lakehouse.core.testing.KernelTableReader;
import dev.lakehouse.testing.TestKafka;
import dev.lakehouse.testing.generator.ClickstreamGenerator;
import dev.lakehouse.testing.generator.EventProducer;
import dev.lakehouse.testing.generator.EventProducer.Produced;
import dev.lakehouse.testing.generator.GeneratorSpec;
import dev.lakehouse.testing.generator.ExpectedViews;
import dev.lakehouse.testing.generator.GroundTruth;
import dev.lakehouse.testing.generator.MessageKind;
import dev.lakehouse.testing.generator.TruthEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Optional;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import dev.lakehouse.views.ViewDefinition;
import dev.lakehouse.views.ViewDefinitions;
import dev.lakehouse.views.ViewRefresher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as a user runs it: a separate JVM per command, configured only through the
 * environment variables of DESIGN.md, against the real broker. This test JVM never starts Spark,
 * so only one Spark JVM runs at a time.
 */
class LakehouseCliIT {

  @TempDir Path folder;

  @Test
  void killMinus9MidStreamThenIngestOnceLeavesEveryOffsetExactlyOnce() throws Exception {
    String topic = "cli-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> environment = environment(topic);
    List<Produced> produced = new ArrayList<>(produce(topic, 2_000, 11));
    String table = new TableLocations(new StorageConfig(folder.resolve("lake").toString())).bronze("clickstream");
    Path log = folder.resolve("ingest.log");

    Process streaming = lakehouse(environment, log, "ingest");
    try {
      boolean wroteSome =
          Ports.await(() -> committedRows(table) > 0, Duration.ofSeconds(120), () -> !streaming.isAlive());
      assertThat(wroteSome).as("continuous ingest wrote a batch; log:%n%s", read(log)).isTrue();
      produced.addAll(produce(topic, 1_000, 12));
    } finally {
      streaming.destroyForcibly(); // SIGKILL: no shutdown hooks, no clean stop
      streaming.waitFor(30, TimeUnit.SECONDS);
    }

    Process once = lakehouse(environment, folder.resolve("once.log"), "ingest", "--once");
    assertThat(once.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(once.exitValue()).as(read(folder.resolve("once.log"))).isZero();
    Process again = lakehouse(environment, folder.resolve("again.log"), "ingest", "--once");
    assertThat(again.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(read(folder.resolve("again.log"))).contains("bronze/clickstream: 0 new records");

    List<Map<String, Object>> rows = KernelTableReader.local().readAll(table);
    Set<String> bronze = new HashSet<>();
    rows.forEach(row -> bronze.add(row.get("partition") + "/" + row.get("offset")));
    Set<String> expected = new HashSet<>();
    produced.forEach(record -> expected.add(record.partition() + "/" + record.offset()));
    assertThat(rows).hasSize(produced.size());
    assertThat(bronze).isEqualTo(expected);
  }

  @Test
  void silverKilledAfterItsQuarantineWriteThenRunAgainIsExact() throws Exception {
    String topic = "cli-silver-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> environment = environment(topic);
    GroundTruth truth = new GroundTruth(true);
    List<Produced> produced = new EventProducer(TestKafka.bootstrapServers(), topic)
        .send(new ClickstreamGenerator(GeneratorSpec.defaults(3_000, 31)), 0, true, truth::record)
        .produced();
    TableLocations tables = new TableLocations(new StorageConfig(folder.resolve("lake").toString()));
    assertThat(lakehouse(environment, folder.resolve("ingest.log"), "ingest", "--once").waitFor()).isZero();

    Process killed = lakehouse(environment, folder.resolve("silver-killed.log"), "silver");
    Path quarantineLog = Path.of(java.net.URI.create(tables.quarantine("events").replace("file:", "file://"))).resolve("_delta_log");
    boolean quarantined = Ports.await(() -> Files.isDirectory(quarantineLog) && quarantineLog.toFile().list((dir, name) -> name.endsWith(".json")).length > 0,
        Duration.ofMinutes(3), () -> !killed.isAlive());
    killed.destroyForcibly();
    killed.waitFor(30, TimeUnit.SECONDS);
    assertThat(quarantined).as("silver wrote quarantine before it was killed; log:%n%s", read(folder.resolve("silver-killed.log"))).isTrue();

    Process again = lakehouse(environment, folder.resolve("silver.log"), "silver");
    assertThat(again.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(again.exitValue()).as(read(folder.resolve("silver.log"))).isZero();

    Set<String> silverIds = new HashSet<>();
    List<Map<String, Object>> silver = KernelTableReader.local().readAll(tables.silver("events"));
    silver.forEach(row -> silverIds.add((String) row.get("event_id")));
    assertThat(silver).hasSize(truth.events().size());
    assertThat(silverIds).isEqualTo(truth.events().stream().map(TruthEvent::eventId).collect(java.util.stream.Collectors.toSet()));
    Set<String> expectedQuarantine = new HashSet<>();
    produced.stream().filter(record -> record.message().kind() == MessageKind.MALFORMED)
        .forEach(record -> expectedQuarantine.add(record.partition() + "/" + record.offset()));
    List<Map<String, Object>> quarantine = KernelTableReader.local().readAll(tables.quarantine("events"));
    assertThat(quarantine).hasSize(expectedQuarantine.size());
    assertThat(quarantine.stream().map(row -> row.get("partition") + "/" + row.get("offset")).collect(java.util.stream.Collectors.toSet()))
        .isEqualTo(expectedQuarantine);
  }

  @Test
  void goldPerDateThenForTheRestThenRerunsEqualTheTruthAndBadRangesAreRefused() throws Exception {
    String topic = "cli-gold-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> environment = environment(topic);
    GroundTruth truth = new GroundTruth(true);
    new EventProducer(TestKafka.bootstrapServers(), topic)
        .send(new ClickstreamGenerator(GeneratorSpec.defaults(2_500, 33).withBaseTime(java.time.Instant.parse("2026-11-20T23:58:00Z"))),
            0, false, truth::record);
    TableLocations tables = new TableLocations(new StorageConfig(folder.resolve("lake").toString()));
    assertThat(run(environment, "ingest", "--once")).contains("new records");
    run(environment, "silver");
    List<java.time.LocalDate> dates = new ArrayList<>(truth.byEventDate().keySet());
    String first = dates.get(0).toString();

    assertThat(run(environment, "gold", "--date", first)).contains(first + "  ").contains("never built");
    String rest = run(environment, "gold");
    assertThat(rest).doesNotContain("  " + first + "  ");
    dates.subList(1, dates.size()).forEach(date -> assertThat(rest).contains("  " + date + "  "));
    assertGoldEqualsTruth(tables, truth);
    assertThat(run(environment, "gold")).contains("gold is up to date");

    String last = dates.get(dates.size() - 1).toString();
    Map<String, Map<String, Set<String>>> before = goldFiles(tables);
    assertThat(run(environment, "rerun", "gold", "--from", last, "--to", last)).contains("  " + last + "  ");
    assertGoldEqualsTruth(tables, truth);
    Map<String, Map<String, Set<String>>> after = goldFiles(tables);
    before.forEach((table, files) -> files.forEach((date, paths) -> {
      if (!date.equals(last)) {
        assertThat(after.get(table).get(date)).as("files of gold.%s %s", table, date).isEqualTo(paths);
      }
    }));
    assertThat(after.get("user_daily").get(last)).isNotEqualTo(before.get("user_daily").get(last));

    long versionBefore = KernelTableReader.local().version(tables.gold("user_daily"));
    assertThat(run(environment, "rerun", "all", "--from", first, "--to", last, "--dry-run"))
        .contains("would rebuild silver/events for event dates " + first + ".." + last)
        .contains("would build " + dates.size() + " date(s)");
    assertThat(KernelTableReader.local().version(tables.gold("user_daily"))).isEqualTo(versionBefore);

    assertThat(fails(environment, "rerun", "gold", "--from", last, "--to", first))
        .isEqualTo("error: --from " + last + " is after --to " + first + "; swap them");
    assertThat(fails(environment, "rerun", "all", "--from", "2026-01-01", "--to", "2026-12-31")).startsWith(
        "error: the range 2026-01-01..2026-12-31 has 365 days, more than the maximum of 31");
    assertThat(fails(environment, "gold", "--date", "2026-11-31"))
        .isEqualTo("error: --date '2026-11-31' is not a date; write YYYY-MM-DD, e.g. 2026-11-20");
  }

  private String run(Map<String, String> environment, String... args) throws Exception {
    Path log = folder.resolve(String.join("-", args).replaceAll("[^a-z0-9-]", "_") + "-" + UUID.randomUUID() + ".log");
    Process process = lakehouse(environment, log, args);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("%s finished", List.of(args)).isTrue();
    assertThat(process.exitValue()).as("%s exit; log:%n%s", List.of(args), read(log)).isZero();
    return read(log);
  }

  /** The one error line of a command that must fail with exit code 1. */
  private String fails(Map<String, String> environment, String... args) throws Exception {
    Path log = folder.resolve("failing-" + UUID.randomUUID() + ".log");
    Process process = lakehouse(environment, log, args);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).as(read(log)).isEqualTo(1);
    List<String> errors = Files.readAllLines(log).stream().filter(line -> line.startsWith("error:")).toList();
    assertThat(errors).as(read(log)).hasSize(1);
    return errors.get(0);
  }

  private static void assertGoldEqualsTruth(TableLocations tables, GroundTruth truth) {
    dev.lakehouse.testing.generator.ExpectedGold.of(truth.events()).forEach((table, expected) ->
        assertThat(KernelTableReader.local().readAll(tables.gold(table))).as("gold.%s", table)
            .containsExactlyInAnyOrderElementsOf(expected));
  }

  private static Map<String, Map<String, Set<String>>> goldFiles(TableLocations tables) {
    Map<String, Map<String, Set<String>>> files = new java.util.HashMap<>();
    for (String table : List.of("daily_event_metrics", "user_daily", "product_daily", "daily_funnel")) {
      files.put(table, KernelTableReader.local().filesByPartition(tables.gold(table), "event_date"));
    }
    return files;
  }

  @Test
  void runKeepsLiveKpisEqualToTheTruthThenViewsAndStatusReportOnIt() throws Exception {
    String topic = "cli-run-" + UUID.randomUUID().toString().substring(0, 8);
    // the built-in pipeline as a definitions folder (what `init` writes), with a faster live_kpis
    Path definitions = folder.resolve("definitions");
    for (String file : dev.lakehouse.core.definitions.BuiltInPipeline.FILES) {
      Files.createDirectories(definitions.resolve(file).getParent());
      Files.writeString(definitions.resolve(file), dev.lakehouse.core.definitions.BuiltInPipeline.read(file));
    }
    String yaml = Files.readString(definitions.resolve("views/live_kpis.yaml"));
    assertThat(yaml).contains("schedule: 1m");
    Files.writeString(definitions.resolve("views/live_kpis.yaml"), yaml.replace("schedule: 1m", "schedule: 3s"));
    Map<String, String> environment = new HashMap<>(environment(topic));
    environment.put("LAKEHOUSE_DEFINITIONS_DIR", definitions.toString());
    environment.put("LAKEHOUSE_SCHEDULE_SILVER", "20s");
    GroundTruth truth = new GroundTruth(true);
    produceAt(topic, 600, 31, Instant.now().minus(Duration.ofMinutes(40)), truth);
    TableLocations tables = new TableLocations(new StorageConfig(folder.resolve("lake").toString()));
    ViewDefinition kpis = ViewDefinitions.load(Optional.of(definitions.resolve("views"))).stream()
        .filter(view -> view.name().equals("live_kpis")).findFirst().orElseThrow();
    Path log = folder.resolve("run.log");
    int consolePort = Ports.freePort();

    Process run = lakehouse(environment, log, "run", "--ui", "--ui-port", String.valueOf(consolePort));
    try {
      assertThat(Ports.await(() -> liveKpisEqualTruth(tables, kpis, truth), Duration.ofMinutes(4), () -> !run.isAlive()))
          .as("live_kpis equals the truth of the events produced before the start; log:%n%s", read(log)).isTrue();
      produceAt(topic, 200, 32, Instant.now(), truth); // arriving while the service runs
      assertThat(Ports.await(() -> liveKpisEqualTruth(tables, kpis, truth), Duration.ofMinutes(2), () -> !run.isAlive()))
          .as("live_kpis catches up with events produced while it runs; log:%n%s", read(log)).isTrue();
      ConsoleChecks.assertConsoleShowsTheTruth("http://127.0.0.1:" + consolePort, topic, truth, run, log);
    } finally {
      run.destroy(); // SIGTERM: stop the scheduler (waiting for jobs), then the streams
      assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("the service stops on SIGTERM").isTrue();
    }
    assertThat(read(log)).contains("stopping the scheduler; waiting for running jobs").doesNotContain("\tat ");

    // right after the stop (live_kpis' allowance is 2 x 3 s + 1 min): gold's daily schedule has not come yet: status says so and exits 3; the rest is fresh
    Path status = folder.resolve("status.log");
    Path page = folder.resolve("overview.html");
    Process checking = lakehouse(environment, status, "status", "--html", page.toString());
    assertThat(checking.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(checking.exitValue()).as(read(status)).isEqualTo(3);
    List<String> lines = Files.readAllLines(status);
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("gold").endsWith("STALE (nothing yet)"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("silver").endsWith("ok"));
    assertThat(lines).anySatisfy(line -> assertThat(line).contains("live_kpis").endsWith("ok"));
    ConsoleChecks.assertStaticOverview(page);

    Path list = folder.resolve("views-list.log");
    Process views = lakehouse(environment, list, "views", "list");
    assertThat(views.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(views.exitValue()).as(read(list)).isZero();
    assertThat(read(list)).contains("live_kpis", "3s", "hourly_trends", "daily_summary");

    Path refresh = folder.resolve("views-refresh.log");
    Process refreshing = lakehouse(environment, refresh, "views", "refresh", "daily_summary");
    assertThat(refreshing.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(refreshing.exitValue()).as(read(refresh)).isZero();
    ViewDefinition daily = ViewDefinitions.load(Optional.empty()).stream()
        .filter(view -> view.name().equals("daily_summary")).findFirst().orElseThrow();
    assertThat(KernelTableReader.local().readAll(tables.view("daily_summary")))
        .containsExactlyInAnyOrderElementsOf(ExpectedViews.of("daily_summary", truth.events(), ViewRefresher.windowStart(daily, Instant.now())));
  }

  private static boolean liveKpisEqualTruth(TableLocations tables, ViewDefinition kpis, GroundTruth truth) {
    List<Map<String, Object>> expected = ExpectedViews.of("live_kpis", truth.events(), ViewRefresher.windowStart(kpis, Instant.now()));
    try {
      return new HashSet<>(KernelTableReader.local().readAll(tables.view("live_kpis"))).equals(new HashSet<>(expected));
    } catch (RuntimeException notYetCreated) {
      return false;
    }
  }

  private static void produceAt(String topic, long count, long seed, Instant base, GroundTruth truth) {
    new EventProducer(TestKafka.bootstrapServers(), topic)
        .send(new ClickstreamGenerator(GeneratorSpec.defaults(count, seed).withBaseTime(base)), 0, false, truth::record);
  }

  @Test
  void failuresPrintOneLineAndExitNonZero() throws Exception {
    Map<String, String> environment = new java.util.HashMap<>(environment("never-created-topic"));
    environment.put("LAKEHOUSE_KAFKA_BOOTSTRAP", "127.0.0.1:" + Ports.freePort());
    environment.put("LAKEHOUSE_INGEST_BROKER_TIMEOUT", "2s");
    Path log = folder.resolve("unreachable.log");

    Process process = lakehouse(environment, log, "ingest", "--once");

    assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
    assertThat(process.exitValue()).isEqualTo(1);
    List<String> errors = Files.readAllLines(log).stream().filter(line -> line.startsWith("error:")).toList();
    assertThat(errors).singleElement().asString().contains("no Kafka broker answered at 127.0.0.1:");
    assertThat(read(log)).doesNotContain("\tat ");

    Path badConfig = folder.resolve("bad.log");
    environment.put("LAKEHOUSE_STORAGE_ROOT", "hdfs://nn/lake");
    Process invalid = lakehouse(environment, badConfig, "ingest", "--once");
    assertThat(invalid.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(invalid.exitValue()).isEqualTo(1);
    assertThat(read(badConfig).trim())
        .isEqualTo("error: storage.root must be a local path or s3a://bucket/prefix, cannot be: hdfs://nn/lake");
  }

  private Map<String, String> environment(String topic) {
    return dev.lakehouse.scheduler.faults.CliProcess.environment(folder, topic);
  }

  private static long committedRows(String table) {
    try {
      return KernelTableReader.local().readAll(table).size();
    } catch (RuntimeException notYetCreated) {
      return 0;
    }
  }

  private static List<Produced> produce(String topic, long count, long seed) {
    return new EventProducer(TestKafka.bootstrapServers(), topic)
        .send(new ClickstreamGenerator(GeneratorSpec.defaults(count, seed)), 0, true, message -> {})
        .produced();
  }

  /** Runs the CLI's main class in a new JVM with this test's classpath and the launcher's flags. */
  private static Process lakehouse(Map<String, String> environment, Path log, String... args) throws IOException {
    return dev.lakehouse.scheduler.faults.CliProcess.start(environment, log, args);
  }

  private static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
    } catch (IOException e) {
      return e.toString();
    }
  }

}
