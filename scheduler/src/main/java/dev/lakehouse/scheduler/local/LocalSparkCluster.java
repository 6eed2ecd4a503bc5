package dev.lakehouse.scheduler.local;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.process.BackgroundProcess;
import dev.lakehouse.core.process.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A Spark standalone cluster on this machine: Spark's own {@code Master} and {@code Worker}s,
 * each its own process, run from the jars a Spark distribution ships (built into
 * {@code scheduler/spark-distribution/target/jars}). The executors get only those jars, as on a
 * real cluster, so the application's own reach them the way {@code spark-submit} ships them.
 */
public final class LocalSparkCluster {

  /** Where the build puts a Spark distribution's jars, relative to the project home. */
  public static final String JARS = "scheduler/spark-distribution/target/jars";

  private static final String HOST = "127.0.0.1";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path sparkHome;
  private final Path jars;
  private final int masterPort;
  private final int masterUiPort;
  private final int workerCores;
  private final String workerMemory;
  private final BackgroundProcess master;
  private final Path stateDir;

  public LocalSparkCluster(
      Path stateDir, Path jars, int masterPort, int masterUiPort, int workerCores, String workerMemory) {
    this.stateDir = requireNonNull(stateDir, "stateDir is null").toAbsolutePath();
    this.sparkHome = this.stateDir.resolve("spark-home");
    this.jars = requireNonNull(jars, "jars is null").toAbsolutePath();
    this.masterPort = masterPort;
    this.masterUiPort = masterUiPort;
    this.workerCores = workerCores;
    this.workerMemory = requireNonNull(workerMemory, "workerMemory is null");
    this.master = new BackgroundProcess("spark-master", this.stateDir);
  }

  public String masterUrl() {
    return "spark://" + HOST + ":" + masterPort;
  }

  public String masterUiUrl() {
    return "http://" + HOST + ":" + masterUiPort;
  }

  /** The master's process, if it runs. */
  public Optional<ProcessHandle> running() {
    return master.running();
  }

  /** True if this cluster was started and not stopped since (its master's pid file exists). */
  public boolean wasStarted() {
    return Files.exists(stateDir.resolve("spark-master.pid"));
  }

  /**
   * Starts the master unless it runs and then workers until {@code workers} are alive; waits
   * until the master lists them. Running it twice leaves one master and {@code workers} workers.
   */
  public void start(int workers, Duration timeout) {
    if (!Files.isDirectory(jars)) {
      throw LakehouseException.of(
          "cannot start the local Spark cluster",
          "the Spark jars are not at " + jars,
          "build the project first (`./lakehouse` does, or `mvn -DskipTests package`)");
    }
    prepareSparkHome();
    if (master.running().isEmpty()) {
      refuseTakenPort(masterPort, "LAKEHOUSE_LOCAL_SPARK_MASTER_PORT");
      refuseTakenPort(masterUiPort, "LAKEHOUSE_LOCAL_SPARK_MASTER_UI_PORT");
      List<String> command = java("-Xmx512m", "org.apache.spark.deploy.master.Master",
          "--host", HOST, "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(masterUiPort));
      master.startAndAwait(command, stateDir, true, timeout, () -> masterState().isPresent(),
          "the Spark master did not answer on " + masterUiUrl());
    }
    for (int index = 1; index <= workers; index++) {
      BackgroundProcess worker = worker(index);
      if (worker.running().isEmpty()) {
        Path workDir = sparkHome.resolve("work-" + index);
        createDirectories(workDir);
        worker.start(java("-Xmx512m", "org.apache.spark.deploy.worker.Worker", masterUrl(),
            "--host", HOST, "--cores", Integer.toString(workerCores), "--memory", workerMemory,
            "--webui-port", "0", "--work-dir", workDir.toString()), stateDir, true);
      }
    }
    if (!Ports.await(() -> aliveWorkers() >= workers, timeout, () -> false)) {
      throw new LakehouseException("the Spark master lists " + aliveWorkers() + " of " + workers
          + " workers after " + timeout.toSeconds() + "s; see " + worker(1).logFile());
    }
  }

  /** Stops every worker (and so its executors), then the master. True if anything ran. */
  public boolean stop() {
    boolean any = false;
    for (int index = 1; Files.exists(stateDir.resolve("spark-worker-" + index + ".pid")); index++) {
      any |= worker(index).stop(Duration.ofSeconds(15));
    }
    return master.stop(Duration.ofSeconds(15)) || any;
  }

  /** The number of workers the master lists as alive, 0 when it does not answer. */
  public int aliveWorkers() {
    return masterState().map(state -> state.path("aliveworkers").asInt(0)).orElse(0);
  }

  /** The master's JSON state ({@code /json/}): workers, running and completed applications. */
  public Optional<JsonNode> masterState() {
    try {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(masterUiUrl() + "/json/")).timeout(Duration.ofSeconds(2)).build(),
          HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? Optional.of(JSON.readTree(response.body())) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The worker processes that run now, in start order. */
  public List<ProcessHandle> workerProcesses() {
    List<ProcessHandle> workers = new ArrayList<>();
    for (int index = 1; Files.exists(stateDir.resolve("spark-worker-" + index + ".pid")); index++) {
      worker(index).running().ifPresent(workers::add);
    }
    return workers;
  }

  private BackgroundProcess worker(int index) {
    return new BackgroundProcess("spark-worker-" + index, stateDir);
  }

  /** Spark's scripts are not needed, but its launcher finds the jars under SPARK_HOME/jars. */
  private void prepareSparkHome() {
    try {
      Files.createDirectories(sparkHome);
      Path link = sparkHome.resolve("jars");
      if (Files.isSymbolicLink(link) && !Files.readSymbolicLink(link).equals(jars)) {
        Files.delete(link);
      }
      if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.createSymbolicLink(link, jars);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> java(String heap, String mainClass, String... arguments) {
    List<String> command = new ArrayList<>();
    // SPARK_HOME and the Scala version tell the worker how to build an executor's class path
    command.addAll(List.of("/usr/bin/env", "SPARK_HOME=" + sparkHome, "SPARK_SCALA_VERSION=2.12",
        "SPARK_LOCAL_IP=" + HOST, BackgroundProcess.javaExecutable(), heap));
    command.addAll(moduleFlags());
    command.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*", mainClass));
    command.addAll(List.of(arguments));
    return command;
  }

  /** The Java 17 flags Spark needs, as this JVM was given them (by ./lakehouse or the tests). */
  private static List<String> moduleFlags() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(argument -> argument.startsWith("--add-opens") || argument.startsWith("--add-exports")
            || argument.equals("-XX:+IgnoreUnrecognizedVMOptions") || argument.startsWith("-Djdk.reflect"))
        .toList();
  }

  private static void refuseTakenPort(int port, String variable) {
    if (Ports.isListening(HOST, port)) {
      throw LakehouseException.of(
          "cannot start the local Spark cluster",
          "port " + port + " is already in use by another process",
          "stop that process, or choose another port with " + variable);
    }
  }

  private static void createDirectories(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
