package dev.lakehouse.scheduler.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.bronze.BronzeIngest;
import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.config.KafkaConfig;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.ServeConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.config.StorageConfig;
import dev.lakehouse.core.process.Ports;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.core.testing.KernelTableReader;
import dev.lakehouse.core.testing.TestSpark;
import dev.lakehouse.gold.GoldBuilder;
import dev.lakehouse.gold.GoldDefinitions;
import dev.lakehouse.testing.TestKafka;
import dev.lakehouse.testing.generator.ClickstreamGenerator;
import dev.lakehouse.testing.generator.EventProducer;
import dev.lakehouse.testing.generator.ExpectedGold;
import dev.lakehouse.testing.generator.ExpectedViews;
import dev.lakehouse.testing.generator.GeneratorSpec;
import dev.lakehouse.testing.generator.GroundTruth;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.serve.JdbcServer;
import dev.lakehouse.silver.SilverRefine;
import dev.lakehouse.views.ViewDefinition;
import dev.lakehouse.views.ViewDefinitions;
import dev.lakehouse.views.ViewRefresh;
import dev.lakehouse.views.ViewRefresher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC endpoint as a BI tool sees it: the server in this JVM, the client in another with only
 * the stock Hive JDBC driver on its classpath. Expected values come from the generator's truth.
 */
class ServeIT {

  private static final String USER = "bi";
  private static final String PASSWORD = "s3cret-" + UUID.randomUUID();

  @TempDir Path root;

  @Test
  void aStockHiveJdbcClientListsColumnsReadsTheTruthSeesRefreshesAndNeedsThePassword() throws Exception {
    SparkSession spark = TestSpark.session(ConfigLoader.defaultsOnly().s3());
    String topic = "serve-" + UUID.randomUUID().toString().substring(0, 8);
    int port = Ports.freePort();
    LakehouseConfig config = ConfigLoader.defaultsOnly()
        .withStorage(new StorageConfig(root.resolve("lake").toString()))
        .withKafka(new KafkaConfig(TestKafka.bootstrapServers(), List.of(new SourceConfig("clickstream", topic))))
        .withServe(new ServeConfig("127.0.0.1", port, "password", USER, PASSWORD, "", "", Duration.ofSeconds(2)));
    ExpectationSuite suite = SuiteLoader.load("silver_events", Optional.empty());
    GroundTruth truth = new GroundTruth(true);
    produce(topic, 1_200, 71, Instant.now().minus(Duration.ofMinutes(40)), truth);
    new BronzeIngest(spark, config).runUntilCaughtUp(config.kafka().source("clickstream"));
    new SilverRefine(spark, config, suite).run();
    GoldBuilder gold = new GoldBuilder(spark, config, GoldDefinitions.load(Optional.empty()));
    gold.build(gold.plan(), GoldBuilder.JOB, build -> { });
    ViewRefresher refresher = new ViewRefresher(spark, config, suite);
    Map<String, ViewDefinition> views = new HashMap<>();
    ViewDefinitions.load(Optional.empty()).forEach(view -> views.put(view.name(), view));
    Map<String, ViewRefresh> refreshes = new HashMap<>();
    views.values().forEach(view -> refreshes.put(view.name(), refresher.refresh(view)));

    try (JdbcServer server = JdbcServer.start(spark, new TableLocations(config.storage()), config.serve())) {
      String url = "jdbc:hive2://127.0.0.1:" + port + "/gold";
      List<String[]> out = probe(url, USER, PASSWORD, "tables:gold", "tables:views", "columns:gold", "columns:views",
          "query:SELECT event_date, event_type, events, unique_users, unique_sessions, revenue FROM gold.daily_event_metrics",
          "query:SELECT SUM(events), SUM(purchases) FROM views.live_kpis");

      assertThat(values(out, "table", 3)).containsExactlyInAnyOrder(
          List.of("gold", "daily_event_metrics"), List.of("gold", "user_daily"), List.of("gold", "product_daily"),
          List.of("gold", "daily_funnel"));
      assertThat(values(out, "table", 4)).containsExactlyInAnyOrder(
          List.of("views", "live_kpis"), List.of("views", "hourly_trends"), List.of("views", "daily_summary"));
      assertThat(values(out, "column", 5)).contains(
          List.of("daily_event_metrics", "event_date", "DATE"), List.of("daily_event_metrics", "events", "BIGINT"),
          List.of("daily_event_metrics", "revenue", "DOUBLE"), List.of("daily_funnel", "event_date", "DATE"));
      assertThat(values(out, "column", 6)).contains(
          List.of("live_kpis", "minute", "TIMESTAMP"), List.of("live_kpis", "events", "BIGINT"),
          List.of("daily_summary", "revenue_per_user", "DOUBLE"));
      List<List<String>> expectedMetrics = new ArrayList<>();
      ExpectedGold.of(truth.events()).get("daily_event_metrics").forEach(row -> expectedMetrics.add(List.of(
          row.get("event_date").toString(), row.get("event_type").toString(), row.get("events").toString(),
          row.get("unique_users").toString(), row.get("unique_sessions").toString(), row.get("revenue").toString())));
      assertThat(values(out, "row", 7)).containsExactlyInAnyOrderElementsOf(expectedMetrics);
      assertThat(values(out, "row", 8)).containsExactly(liveTotals(truth, refreshes.get("live_kpis").windowStart()));

      // new events reach bronze and the view is refreshed: the connected server shows them
      produce(topic, 300, 72, Instant.now().minus(Duration.ofMinutes(5)), truth);
      new BronzeIngest(spark, config).runUntilCaughtUp(config.kafka().source("clickstream"));
      ViewRefresh refreshed = refresher.refresh(views.get("live_kpis"));
      assertThat(values(probe(url, USER, PASSWORD, "query:SELECT SUM(events), SUM(purchases) FROM views.live_kpis"), "row", 3))
          .containsExactly(liveTotals(truth, refreshed.windowStart()));

      // a view created after the start is registered without a restart
      ViewDefinition kpis = views.get("live_kpis");
      refresher.refresh(new ViewDefinition("live_kpis_copy", "", kpis.schedule(), kpis.refresh(), kpis.source(), kpis.bucket(),
          kpis.window(), kpis.sql(), kpis.origin()));
      assertThat(Ports.await(() -> values(probe(url, USER, PASSWORD, "tables:views"), "table", 3)
          .contains(List.of("views", "live_kpis_copy")), Duration.ofSeconds(60), () -> false))
          .as("a new view shows up within the sync interval").isTrue();

      assertAttacksAreRefusedAndReadsStillWork(url, config, expectedMetrics);

      List<String[]> refused = probe(url, USER, "wrong-password", "tables:gold");
      assertThat(refused).anySatisfy(line -> assertThat(line[0]).isEqualTo("refused"));
      assertThat(refused).noneSatisfy(line -> assertThat(line[0]).isEqualTo("table"));
    }
  }

  /**
   * Issue 11's attacks by a logged-in BI user: each is refused with one line, nothing changes,
   * and queries over gold and views (also with CTEs, joins, EXPLAIN, DESCRIBE) still work.
   */
  private void assertAttacksAreRefusedAndReadsStillWork(String url, LakehouseConfig config, List<List<String>> expectedMetrics)
      throws IOException {
    TableLocations locations = new TableLocations(config.storage());
    String gold = locations.gold("daily_event_metrics");
    String silver = locations.silver("events");
    Path secret = Files.writeString(root.resolve("secret.conf"), "s3proxy.credential=do-not-show\n");
    List<String> attacks = List.of(
        "SELECT * FROM text.`" + secret + "`",
        "SELECT * FROM text.`/etc/passwd`",
        "SELECT * FROM binaryFile.`" + root + "`",
        "SELECT * FROM json.`" + locations.system("runs") + "`",
        "SELECT COUNT(*) FROM delta.`" + silver + "`",
        "SELECT COUNT(*) FROM parquet.`" + silver + "`",
        "SELECT * FROM gold.daily_event_metrics WHERE event_date IN (SELECT event_date FROM delta.`" + silver + "`)",
        "WITH s AS (SELECT * FROM delta.`" + silver + "`) SELECT COUNT(*) FROM s",
        "SELECT reflect('java.lang.System', 'getenv', 'HOME')",
        "SELECT java_method('java.lang.System', 'getProperty', 'user.home')",
        "SELECT events FROM gold.daily_event_metrics WHERE reflect('java.lang.Thread', 'sleep', 1) IS NULL",
        "DELETE FROM delta.`" + gold + "` WHERE true",
        "UPDATE delta.`" + gold + "` SET events = 0",
        "INSERT INTO delta.`" + gold + "` SELECT * FROM gold.daily_event_metrics",
        "MERGE INTO delta.`" + gold + "` t USING gold.daily_event_metrics s ON false WHEN NOT MATCHED THEN INSERT *",
        "DROP VIEW gold.daily_event_metrics",
        "CREATE TABLE gold.x (a INT) USING parquet LOCATION '" + root.resolve("x") + "'",
        "CREATE TEMPORARY VIEW t AS SELECT * FROM delta.`" + silver + "`",
        "CREATE FUNCTION f AS 'java.lang.String'",
        "CACHE TABLE gold.daily_event_metrics",
        "SET spark.sql.runSQLOnFiles=true",
        "SET",
        "SET -v",
        "SET spark.hadoop.fs.s3a.secret.key",
        "ADD JAR " + root.resolve("x.jar"),
        "DESCRIBE delta.`" + silver + "`",
        "SHOW COLUMNS IN delta.`" + silver + "`");
    List<String> requests = new ArrayList<>();
    attacks.forEach(attack -> requests.add("query:" + attack));
    requests.add("query:SELECT event_date, event_type, events, unique_users, unique_sessions, revenue FROM gold.daily_event_metrics");
    requests.add("query:SET spark.sql.session.timeZone=UTC");
    requests.add("query:USE views");
    requests.add("query:SHOW TABLES IN gold");
    requests.add("query:DESCRIBE gold.user_daily");
    requests.add("query:EXPLAIN SELECT * FROM gold.user_daily");
    requests.add("query:WITH d AS (SELECT event_date, SUM(events) AS n FROM gold.daily_event_metrics GROUP BY 1)"
        + " SELECT COUNT(*) FROM d JOIN views.daily_summary s ON d.event_date = s.event_date"
        + " WHERE d.n = (SELECT MAX(n) FROM d)");
    List<String[]> out = probe(url, USER, PASSWORD, requests.toArray(String[]::new));

    for (int i = 0; i < attacks.size(); i++) {
      int request = i + 3;
      List<List<String>> errors = values(out, "error", request);
      assertThat(errors).as("refused: %s", attacks.get(i)).hasSize(1);
      assertThat(errors.get(0).get(0)).as("one line: %s", errors.get(0)).isEqualTo("1");
      assertThat(errors.get(0).get(1)).as(attacks.get(i)).contains("not allowed: ");
      assertThat(values(out, "row", request)).as("no data for %s", attacks.get(i)).isEmpty();
    }
    int first = attacks.size() + 3;
    assertThat(values(out, "row", first)).as("gold unchanged").containsExactlyInAnyOrderElementsOf(expectedMetrics);
    for (int request = first; request < first + 7; request++) {
      assertThat(values(out, "error", request)).as("allowed request %s", requests.get(request - 3)).isEmpty();
    }
    assertThat(values(out, "row", first + 3)).extracting(row -> row.get(1)).contains("daily_event_metrics", "user_daily");
    assertThat(values(out, "row", first + 6)).containsExactly(List.of("1"));
    assertThat(KernelTableReader.local().readAll(gold)).hasSize(expectedMetrics.size());
  }

  /** SUM(events), SUM(purchases) of live_kpis computed from the truth, as the client prints them. */
  private static List<String> liveTotals(GroundTruth truth, Instant windowStart) {
    long events = 0;
    long purchases = 0;
    for (Map<String, Object> row : ExpectedViews.of("live_kpis", truth.events(), windowStart)) {
      events += (Long) row.get("events");
      purchases += (Long) row.get("purchases");
    }
    return List.of(Long.toString(events), Long.toString(purchases));
  }

  private static List<List<String>> values(List<String[]> lines, String kind, int request) {
    List<List<String>> values = new ArrayList<>();
    for (String[] line : lines) {
      if (line[0].equals(kind) && line.length > 1 && line[1].equals(Integer.toString(request))) {
        values.add(List.of(line).subList(2, line.length));
      }
    }
    return values;
  }

  /** Runs {@link JdbcProbe} in a new JVM whose classpath is the stock driver and the probe's class only. */
  private static List<String[]> probe(String url, String user, String password, String... requests) {
    Path driver = Path.of("target", "jdbc-client", "hive-jdbc-standalone.jar").toAbsolutePath();
    assertThat(driver).as("copied by the build (process-test-classes)").exists();
    Path probeClasses = probeClassesOnly();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", driver + java.io.File.pathSeparator + probeClasses, JdbcProbe.class.getName(), url, user, password));
    command.addAll(List.of(requests));
    try {
      Path log = Files.createTempFile("jdbc-probe", ".out");
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the JDBC client finished").isTrue();
      List<String> output = Files.readAllLines(log);
      Files.delete(log);
      assertThat(process.exitValue()).as("client output:%n%s", String.join("\n", output)).isIn(0, 3);
      return output.stream().map(line -> line.split("\t", -1)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A folder holding just JdbcProbe.class, so the client JVM sees nothing else of this project. */
  private static Path probeClassesOnly() {
    try {
      Path folder = Files.createDirectories(Path.of("target", "jdbc-probe-classes").toAbsolutePath());
      String resource = JdbcProbe.class.getName().replace('.', '/') + ".class";
      Path target = folder.resolve(resource);
      Files.createDirectories(target.getParent());
      try (var in = JdbcProbe.class.getClassLoader().getResourceAsStream(resource)) {
        Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void produce(String topic, long count, long seed, Instant base, GroundTruth truth) {
    new EventProducer(TestKafka.bootstrapServers(), topic)
        .send(new ClickstreamGenerator(GeneratorSpec.defaults(count, seed).withBaseTime(base)), 0, false, truth::record);
  }
}
