package dev.lakehouse.devtools.bench;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.ProjectHome;
import dev.lakehouse.core.process.BackgroundProcess;
import dev.lakehouse.localkafka.LocalKafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The baseline for bronze ingest: Kafka's own {@code ConsumerPerformance} tool, run from the local
 * broker's classpath in its own JVM, reading the whole topic once in a fresh consumer group.
 */
public final class RawConsumer {

  private static final String TOOL = "org.apache.kafka.tools.ConsumerPerformance";

  /** What the tool reports; its fetch rate leaves out the consumer group's join time. */
  public record Result(long messages, double megabytes, double fetchSeconds, double messagesPerSecond) {}

  private RawConsumer() {}

  public static Result consume(String bootstrapServers, String topic, long messages) {
    Path libs = ProjectHome.resolve(LocalKafkaBroker.LIBS);
    if (!Files.isDirectory(libs)) {
      throw new LakehouseException("bench: the raw consumer baseline runs Kafka's ConsumerPerformance from " + libs
          + ", which is not there; build the project first (mvn -DskipTests package)");
    }
    List<String> command = new ArrayList<>(List.of(BackgroundProcess.javaExecutable(), "-Xmx1g", "-cp",
        libs.resolve("*").toString(), "-Dlog4j2.level=warn", TOOL, "--bootstrap-server", bootstrapServers, "--topic", topic,
        "--messages", Long.toString(messages), "--timeout", "60000", "--group", "bench-raw-" + System.nanoTime()));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new LakehouseException("bench: Kafka's ConsumerPerformance failed on topic " + topic + ":\n" + output);
      }
      return parse(output);
    } catch (IOException e) {
      throw new LakehouseException("bench: cannot start Kafka's ConsumerPerformance: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakehouseException("bench: interrupted while the raw consumer ran", e);
    }
  }

  /**
   * Reads the tool's summary: a header line starting {@code start.time} and the values line after
   * it; columns data.consumed.in.MB, data.consumed.in.nMsg, fetch.time.ms and fetch.nMsg.sec are used.
   */
  static Result parse(String output) {
    List<String> lines = output.lines().map(String::trim).toList();
    for (int i = 0; i + 1 < lines.size(); i++) {
      if (lines.get(i).startsWith("start.time")) {
        List<String> header = List.of(lines.get(i).split("\\s*,\\s*"));
        String[] values = lines.get(i + 1).split("\\s*,\\s*");
        double megabytes = Double.parseDouble(values[header.indexOf("data.consumed.in.MB")]);
        long consumed = Long.parseLong(values[header.indexOf("data.consumed.in.nMsg")]);
        double fetchMillis = Double.parseDouble(values[header.indexOf("fetch.time.ms")]);
        double rate = Double.parseDouble(values[header.indexOf("fetch.nMsg.sec")]);
        return new Result(consumed, megabytes, fetchMillis / 1000.0, rate);
      }
    }
    throw new LakehouseException("bench: Kafka's ConsumerPerformance printed no summary:\n" + output);
  }
}
