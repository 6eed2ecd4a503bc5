package dev.lakehouse.sparkapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.core.ProjectHome;
import dev.lakehouse.core.config.S3Config;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.core.storage.ConditionalPutLogStore;
import dev.lakehouse.core.testing.KernelTableReader;
import dev.lakehouse.localminio.TestS3;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes writing one Delta table on the S3 server at the same time: with commits written
 * put-if-absent, the one that loses a race for version N sees the file exists and Delta retries it
 * at N+1, so every commit of both lands once.
 */
class TwoWritersIT {

  private static final int COMMITS = 12;

  @TempDir Path folder;

  @Test
  void twoProcessesAppendingToOneS3TableAtOnceLoseNoCommit() throws Exception {
    S3Config s3 = TestS3.config();
    String table = "s3a://" + TestS3.BUCKET + "/two-writers-" + UUID.randomUUID() + "/t";
    Map<String, String> environment = Map.of(
        "LAKEHOUSE_SPARK_MASTER", "local[1]",
        "LAKEHOUSE_S3_ENDPOINT", s3.endpoint(),
        "LAKEHOUSE_S3_ACCESS_KEY", s3.accessKey(),
        "LAKEHOUSE_S3_SECRET_KEY", s3.secretKey());

    Process create = start(environment, folder.resolve("create.log"), table, "create", 0);
    assertThat(create.waitFor(3, TimeUnit.MINUTES)).as("table created").isTrue();
    assertThat(create.exitValue()).as("create:%n%s", Files.readString(folder.resolve("create.log"))).isZero();
    List<Process> writers = new ArrayList<>();
    for (String writer : List.of("a", "b")) {
      writers.add(start(environment, folder.resolve(writer + ".log"), table, writer, COMMITS));
    }
    for (int index = 0; index < writers.size(); index++) {
      Process writer = writers.get(index);
      Path log = folder.resolve(List.of("a", "b").get(index) + ".log");
      assertThat(writer.waitFor(6, TimeUnit.MINUTES)).as("writer %d finished", index).isTrue();
      assertThat(writer.exitValue()).as("writer %d:%n%s", index, Files.readString(log, StandardCharsets.UTF_8)).isZero();
    }

    KernelTableReader delta = KernelTableReader.withSparkSettings(SparkSessions.s3aSettings(s3));
    Set<String> expected = new HashSet<>();
    for (String writer : List.of("a", "b")) {
      for (int n = 0; n < COMMITS; n++) {
        expected.add(writer + n);
      }
    }
    assertThat(delta.readAll(table)).extracting(row -> row.get("writer") + "" + row.get("n"))
        .containsExactlyInAnyOrderElementsOf(expected);
    assertThat(delta.version(table)).as("the table's creation, then one version per commit of both writers")
        .isEqualTo(2L * COMMITS);
  }

  @Test
  void aCommitFileThatExistsIsRefusedNotOverwritten() throws Exception {
    S3Config s3 = TestS3.config();
    Configuration hadoop = new Configuration();
    SparkSessions.s3aSettings(s3).forEach((key, value) -> hadoop.set(key.substring("spark.hadoop.".length()), value));
    org.apache.hadoop.fs.Path commit = new org.apache.hadoop.fs.Path(
        "s3a://" + TestS3.BUCKET + "/log-store-" + UUID.randomUUID() + "/_delta_log/00000000000000000000.json");
    ConditionalPutLogStore store = new ConditionalPutLogStore(hadoop);

    store.write(commit, List.of("{\"first\":1}").iterator(), false, hadoop);
    assertThatThrownBy(() -> store.write(commit, List.of("{\"second\":2}").iterator(), false, hadoop))
        .isInstanceOf(FileAlreadyExistsException.class);

    List<String> lines = new ArrayList<>();
    store.read(commit, hadoop).forEachRemaining(lines::add);
    assertThat(lines).containsExactly("{\"first\":1}");
  }

  private static Process start(Map<String, String> environment, Path log, String table, String writer, int commits)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx768m"));
    command.addAll(List.of(System.getProperty("lakehouse.test.child.flags", "").split("\\s+")));
    command.addAll(List.of("-D" + ProjectHome.PROPERTY + "=" + ProjectHome.get(), "-cp", System.getProperty("java.class.path"),
        ConcurrentAppender.class.getName(), table, writer, Integer.toString(commits)));
    command.removeIf(String::isBlank);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder.start();
  }
}
