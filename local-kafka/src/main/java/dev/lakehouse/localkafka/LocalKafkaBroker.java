package dev.lakehouse.localkafka;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.process.BackgroundProcess;
import dev.lakehouse.core.process.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A real Apache Kafka broker (KRaft, broker and controller in one) in its own JVM, from the
 * jars that {@code local-kafka/broker} copies to {@code target/libs}. State, log and pid file are
 * kept in {@code stateDir}; starting it twice finds the running broker.
 */
public final class LocalKafkaBroker {

  /** Where the build puts the broker's classpath, relative to the project home. */
  public static final String LIBS = "local-kafka/broker/target/libs";

  private static final String HOST = "127.0.0.1";

  private final Path stateDir;
  private final Path libsDir;
  private final int port;
  private final int controllerPort;
  private final BackgroundProcess process;

  public LocalKafkaBroker(Path stateDir, Path libsDir, int port, int controllerPort) {
    this.stateDir = requireNonNull(stateDir, "stateDir is null").toAbsolutePath();
    this.libsDir = requireNonNull(libsDir, "libsDir is null").toAbsolutePath();
    this.port = port;
    this.controllerPort = controllerPort;
    this.process = new BackgroundProcess("kafka", this.stateDir);
  }

  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  public Optional<ProcessHandle> running() {
    return process.running();
  }

  public Path logFile() {
    return process.logFile();
  }

  /**
   * Starts the broker unless it is already running, and waits until it answers.
   *
   * @return true if this call started it, false if it was running already
   */
  public boolean start(boolean detached, Duration timeout) {
    if (process.running().isPresent()) {
      awaitReady(timeout);
      return false;
    }
    for (int candidate : List.of(port, controllerPort)) {
      if (Ports.isListening(HOST, candidate)) {
        throw LakehouseException.of(
            "cannot start the local Kafka broker",
            "port " + candidate + " is already in use by another process",
            "stop that process, or choose other ports with LAKEHOUSE_LOCAL_KAFKA_PORT and"
                + " LAKEHOUSE_LOCAL_KAFKA_CONTROLLER_PORT (and point LAKEHOUSE_KAFKA_BOOTSTRAP at it)");
      }
    }
    requireLibs();
    Path properties = writeConfiguration();
    formatStorageOnce(properties);
    List<String> command = javaCommand("-Xms256m", "-Xmx1g");
    command.add("kafka.Kafka");
    command.add(properties.toString());
    process.startAndAwait(command, stateDir, detached, timeout, this::answers, "the local Kafka broker did not answer");
    return true;
  }

  public boolean stop() {
    return process.stop(Duration.ofSeconds(30));
  }

  /** True when a Kafka client can list topics. */
  public boolean answers() {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
    try (Admin admin = Admin.create(properties)) {
      admin.listTopics().names().get(3, TimeUnit.SECONDS);
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private void awaitReady(Duration timeout) {
    if (!Ports.await(this::answers, timeout, () -> process.running().isEmpty())) {
      throw new LakehouseException(
          "a local Kafka broker is running (pid file in " + stateDir + ") but does not answer on "
              + bootstrapServers() + "; stop it with `lakehouse local down` and start it again");
    }
  }

  private void requireLibs() {
    if (!Files.isDirectory(libsDir)) {
      throw LakehouseException.of(
          "cannot start the local Kafka broker",
          "its jars are not at " + libsDir,
          "build the project first (`./lakehouse` does, or `mvn -DskipTests package`)");
    }
  }

  private Path writeConfiguration() {
    Map<String, String> settings =
        new java.util.LinkedHashMap<>(
            Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@" + HOST + ":" + controllerPort),
                Map.entry(
                    "listeners",
                    "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry(
                    "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("auto.create.topics.enable", "true"),
                Map.entry("num.partitions", "2"),
                Map.entry("log.dirs", stateDir.resolve("kafka-data").toString())));
    try {
      Files.createDirectories(stateDir);
      Path properties = stateDir.resolve("server.properties");
      StringBuilder text = new StringBuilder("# written by lakehouse local up\n");
      settings.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
      Files.writeString(properties, text);
      Files.writeString(
          stateDir.resolve("kafka-log4j2.properties"),
          """
          rootLogger.level = INFO
          rootLogger.appenderRef.stdout.ref = STDOUT
          appender.stdout.type = Console
          appender.stdout.name = STDOUT
          appender.stdout.layout.type = PatternLayout
          appender.stdout.layout.pattern = [%d] %p %m (%c)%n
          logger.kafka.name = kafka
          logger.kafka.level = INFO
          logger.apache.name = org.apache.kafka
          logger.apache.level = WARN
          """);
      return properties;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** KRaft storage is formatted once with a random cluster id; later starts reuse it. */
  private void formatStorageOnce(Path properties) {
    if (Files.exists(stateDir.resolve("kafka-data").resolve("meta.properties"))) {
      return;
    }
    List<String> command = javaCommand("-Xmx256m");
    command.addAll(
        List.of("kafka.tools.StorageTool", "format", "-t", randomClusterId(), "-c", properties.toString()));
    try {
      Process format =
          new ProcessBuilder(command)
              .directory(stateDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(process.logFile().toFile()))
              .start();
      if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
        format.destroyForcibly();
        throw new LakehouseException(
            "formatting the Kafka storage in " + stateDir + " failed; log:" + System.lineSeparator()
                + process.logTail(15));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakehouseException("interrupted while formatting the Kafka storage", e);
    }
  }

  private List<String> javaCommand(String... heap) {
    List<String> command = new ArrayList<>();
    command.add(BackgroundProcess.javaExecutable());
    command.addAll(List.of(heap));
    command.add("-Dlog4j2.configurationFile=" + stateDir.resolve("kafka-log4j2.properties"));
    command.add("-Dkafka.logs.dir=" + stateDir);
    command.add("-cp");
    command.add(libsDir.resolve("*").toString());
    return command;
  }

  /**
   * Kafka cluster ids are 16 random bytes in URL-safe base64 without padding. One starting with
   * '-' would be read as an option by the storage tool, so those are drawn again.
   */
  static String randomClusterId() {
    SecureRandom random = new SecureRandom();
    byte[] bytes = new byte[16];
    String id;
    do {
      random.nextBytes(bytes);
      id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (id.startsWith("-"));
    return id;
  }
}
