package dev.lakehouse.scheduler.faults;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.core.ProjectHome;
import dev.lakehouse.testing.TestKafka;
import dev.lakehouse.scheduler.cli.LakehouseCli;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The command line in a JVM of its own, configured by environment variables only, as a user runs it. */
public final class CliProcess {

  private CliProcess() {}

  /** DESIGN.md's variables for a lake under {@code folder} reading {@code topic} of the test broker. */
  public static Map<String, String> environment(Path folder, String topic) {
    return Map.of(
        "LAKEHOUSE_STORAGE_ROOT", folder.resolve("lake").toString(),
        "LAKEHOUSE_KAFKA_BOOTSTRAP", TestKafka.bootstrapServers(),
        "LAKEHOUSE_CLICKSTREAM_TOPIC", topic,
        "LAKEHOUSE_INGEST_TRIGGER_INTERVAL", "500ms",
        "LAKEHOUSE_INGEST_MAX_OFFSETS_PER_TRIGGER", "300",
        "LAKEHOUSE_LOCAL_STATE_DIR", folder.resolve("state").toString());
  }

  /** Starts the CLI's main class with this test's classpath and the launcher's flags. */
  public static Process start(Map<String, String> environment, Path log, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx2g");
    command.addAll(List.of(System.getProperty("lakehouse.test.child.flags", "").split("\\s+")));
    command.add("-D" + ProjectHome.PROPERTY + "=" + ProjectHome.get());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LakehouseCli.class.getName());
    command.addAll(List.of(args));
    command.removeIf(String::isBlank);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    builder.environment().remove("LAKEHOUSE_CONFIG");
    return builder.start();
  }

  /** SIGKILL: no shutdown hook runs, nothing is cleaned up. */
  public static void kill(Process process) throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("killed process ended").isTrue();
  }

  /** Runs a command and expects it to succeed. */
  public static void runToTheEnd(Map<String, String> environment, Path log, String... args) throws Exception {
    Process process = start(environment, log, args);
    assertThat(process.waitFor(10, TimeUnit.MINUTES)).as("%s finished", String.join(" ", args)).isTrue();
    assertThat(process.exitValue()).as("%s:%n%s", String.join(" ", args), read(log)).isZero();
  }

  public static String read(Path log) {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)";
    } catch (IOException e) {
      return e.toString();
    }
  }
}
