package dev.lakehouse.sparkapp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakehouse.core.ProjectHome;
import dev.lakehouse.core.config.S3Config;
import dev.lakehouse.core.spark.ApplicationJars;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.core.testing.KernelTableReader;
import dev.lakehouse.localminio.TestS3;
import dev.lakehouse.scheduler.cli.LakehouseCli;
import dev.lakehouse.scheduler.local.LocalSparkCluster;
import dev.lakehouse.testing.TestKafka;
import dev.lakehouse.testing.generator.ClickstreamGenerator;
import dev.lakehouse.testing.generator.EventProducer;
import dev.lakehouse.testing.generator.GeneratorSpec;
import dev.lakehouse.testing.generator.GroundTruth;
import dev.lakehouse.testing.generator.TruthEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spark-submit} of {@code scheduler/target/lakehouse-spark.jar}: Spark's own
 * {@code SparkSubmit} in a JVM whose class path is only what a Spark 3.5 distribution ships, the
 * application jar given as its primary resource, against the test cluster and the S3 server. The
 * environment names a local master; the submitted master must win.
 */
class SparkSubmitIT {

  @TempDir Path folder;

  @Test
  void theApplicationJarRunsUnderSparkSubmitOnTheClusterWithOnlyTheDistributionsJars() throws Exception {
    LocalSparkCluster cluster = TestCluster.get();
    S3Config s3 = TestS3.config();
    String topic = "submit-" + UUID.randomUUID();
    GroundTruth truth = new GroundTruth(true);
    new EventProducer(TestKafka.bootstrapServers(), topic)
        .send(new ClickstreamGenerator(GeneratorSpec.defaults(600, 151)), 0, false, truth::record);
    String root = "s3a://" + TestS3.BUCKET + "/submit-" + UUID.randomUUID();
    Map<String, String> environment = Map.of(
        "LAKEHOUSE_SPARK_MASTER", "local[1]",
        "LAKEHOUSE_STORAGE_ROOT", root,
        "LAKEHOUSE_S3_ENDPOINT", s3.endpoint(),
        "LAKEHOUSE_S3_ACCESS_KEY", s3.accessKey(),
        "LAKEHOUSE_S3_SECRET_KEY", s3.secretKey(),
        "LAKEHOUSE_KAFKA_BOOTSTRAP", TestKafka.bootstrapServers(),
        "LAKEHOUSE_CLICKSTREAM_TOPIC", topic);

    String ingest = submit(cluster, environment, "lakehouse-submit-ingest", "ingest", "--once");
    String silver = submit(cluster, environment, "lakehouse-submit-silver", "silver");

    KernelTableReader delta = KernelTableReader.withSparkSettings(SparkSessions.s3aSettings(s3));
    List<String> silverIds = delta.readAll(root + "/silver/events").stream().map(row -> (String) row.get("event_id")).toList();
    Set<String> expected = truth.events().stream().map(TruthEvent::eventId).collect(Collectors.toSet());
    Set<String> missing = new TreeSet<>(expected);
    missing.removeAll(silverIds);
    Set<String> extra = new TreeSet<>(silverIds);
    extra.removeAll(expected);
    // the differences first, then the runs' own account: a set comparison of hundreds of ids says neither
    String account = String.format("%d silver rows, %d distinct, %d events in the truth; missing %s; not in the truth %s;"
        + "%n%d bronze rows%n--- ingest:%n%s%n--- silver:%n%s", silverIds.size(), new HashSet<>(silverIds).size(),
        expected.size(), first(missing), first(extra), delta.readAll(root + "/bronze/clickstream").size(), tail(ingest), tail(silver));
    assertThat(missing).as(account).isEmpty();
    assertThat(extra).as(account).isEmpty();
    assertThat(silverIds).as(account).doesNotHaveDuplicates();
    JsonNode state = cluster.masterState().orElseThrow();
    List<String> completed = new ArrayList<>();
    state.path("completedapps").forEach(app -> completed.add(app.path("name").asText()));
    assertThat(completed).as("applications the master ran").contains("lakehouse-submit-ingest", "lakehouse-submit-silver");
  }

  private static String first(Set<String> ids) {
    return ids.size() + (ids.isEmpty() ? "" : " " + ids.stream().limit(10).toList());
  }

  /** The last lines of a run's output: its summary, or where it failed. */
  private static String tail(String output) {
    List<String> lines = output.lines().filter(line -> !line.startsWith("\tat ")).toList();
    return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  private String submit(LocalSparkCluster cluster, Map<String, String> environment, String name, String... command)
      throws Exception {
    Path jar = ProjectHome.resolve(ApplicationJars.APPLICATION_JAR);
    assertThat(jar).isRegularFile();
    List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
    line.addAll(List.of(System.getProperty("lakehouse.test.child.flags", "").split("\\s+")));
    line.addAll(List.of("-cp", ProjectHome.resolve(LocalSparkCluster.JARS) + "/*", "org.apache.spark.deploy.SparkSubmit",
        "--master", cluster.masterUrl(), "--deploy-mode", "client", "--name", name,
        "--class", LakehouseCli.class.getName(), "--conf", "spark.executor.memory=768m", jar.toString()));
    line.addAll(List.of(command));
    line.removeIf(String::isBlank);
    Path log = folder.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process process = builder.start();
    assertThat(process.waitFor(8, TimeUnit.MINUTES)).as("%s finished", name).isTrue();
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as("%s:%n%s", name, output).isZero();
    return output;
  }
}
