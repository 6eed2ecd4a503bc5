package dev.lakehouse.scheduler.local;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.ProjectHome;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.LocalServicesConfig;
import dev.lakehouse.localkafka.LocalKafkaBroker;
import dev.lakehouse.localminio.BucketBootstrap;
import dev.lakehouse.localminio.DockerMinio;
import dev.lakehouse.localminio.LocalS3Server;
import dev.lakehouse.localminio.S3Credentials;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code lakehouse local up|down|status}: the local Kafka broker and S3 server (MinIO in Docker
 * where a Docker engine answers, the embedded S3 server otherwise), with the bucket created, and
 * with {@code --cluster} a Spark standalone cluster.
 */
public final class LocalServices {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final LakehouseConfig config;
  private final LocalServicesConfig local;
  private final Path stateDir;
  private final LocalKafkaBroker kafka;
  private final LocalS3Server s3;
  private final S3Credentials credentials;
  private final LocalSparkCluster cluster;

  public LocalServices(LakehouseConfig config) {
    this.config = requireNonNull(config, "config is null");
    this.local = config.local();
    this.stateDir = ProjectHome.resolve(local.stateDir());
    this.kafka =
        new LocalKafkaBroker(
            stateDir, ProjectHome.resolve(LocalKafkaBroker.LIBS), local.kafkaPort(), local.kafkaControllerPort());
    this.credentials = new S3Credentials(config.s3().accessKey(), config.s3().secretKey());
    this.s3 = new LocalS3Server(stateDir, ProjectHome.resolve(LocalS3Server.JAR), local.s3Port(), credentials);
    this.cluster = new LocalSparkCluster(stateDir, ProjectHome.resolve(LocalSparkCluster.JARS),
        local.sparkMasterPort(), local.sparkMasterUiPort(), local.sparkWorkerCores(), local.sparkWorkerMemory());
  }

  /** Starts the broker and the S3 server, and with {@code clusterWorkers} > 0 a Spark cluster of that many workers. */
  public void up(PrintStream out, int clusterWorkers) {
    up(out);
    if (clusterWorkers > 0) {
      out.printf("spark  starting a master and %d worker(s) (%d core(s), %s each)...%n",
          clusterWorkers, local.sparkWorkerCores(), local.sparkWorkerMemory());
      cluster.start(clusterWorkers, START_TIMEOUT);
      out.printf("spark  master %s (UI %s), %d worker(s) alive; run commands on it with LAKEHOUSE_SPARK_MASTER=%s%n",
          cluster.masterUrl(), cluster.masterUiUrl(), cluster.aliveWorkers(), cluster.masterUrl());
    }
  }

  public void up(PrintStream out) {
    boolean startedKafka = kafka.start(true, START_TIMEOUT);
    out.printf("kafka  %s on %s (state %s)%n", startedKafka ? "started" : "already running",
        kafka.bootstrapServers(), stateDir);
    String s3Endpoint = "http://127.0.0.1:" + local.s3Port();
    if (useDocker()) {
      DockerMinio.up(ProjectHome.resolve(DockerMinio.COMPOSE_FILE), local.s3Port(), credentials, stateDir.resolve("minio-data"));
      rememberS3Mode("docker");
      out.printf("s3     MinIO (docker compose) on %s%n", s3Endpoint);
    } else {
      boolean startedS3 = s3.start(true, START_TIMEOUT);
      rememberS3Mode("embedded");
      out.printf("s3     %s on %s (embedded S3 server, no Docker engine found)%n",
          startedS3 ? "started" : "already running", s3Endpoint);
    }
    boolean created = BucketBootstrap.ensureBucket(s3Endpoint, credentials, config.s3().region(), local.bucket());
    out.printf("bucket s3a://%s/ %s%n", local.bucket(), created ? "created" : "exists");
  }

  public void down(PrintStream out) {
    if (cluster.wasStarted()) {
      out.println(cluster.stop() ? "spark  stopped" : "spark  was not running");
    }
    out.println(kafka.stop() ? "kafka  stopped" : "kafka  was not running");
    if ("docker".equals(readS3Mode())) {
      DockerMinio.down(ProjectHome.resolve(DockerMinio.COMPOSE_FILE));
      out.println("s3     MinIO stopped");
    } else {
      out.println(s3.stop() ? "s3     stopped" : "s3     was not running");
    }
  }

  /** Prints each service's state; true if both run. */
  public boolean status(PrintStream out) {
    boolean kafkaUp = kafka.running().isPresent() && kafka.answers();
    out.printf("kafka  %s  %s%n", kafkaUp ? "running" : "stopped",
        kafkaUp ? kafka.bootstrapServers() + " pid " + kafka.running().orElseThrow().pid() : "");
    boolean s3Up;
    if ("docker".equals(readS3Mode())) {
      s3Up = dev.lakehouse.core.process.Ports.isListening("127.0.0.1", local.s3Port());
      out.printf("s3     %s  MinIO (docker) on port %d%n", s3Up ? "running" : "stopped", local.s3Port());
    } else {
      s3Up = s3.running().isPresent();
      out.printf("s3     %s  %s%n", s3Up ? "running" : "stopped",
          s3Up ? s3.endpoint() + " pid " + s3.running().orElseThrow().pid() : "");
    }
    boolean clusterUp = true;
    if (cluster.wasStarted()) {
      clusterUp = cluster.running().isPresent();
      out.printf("spark  %s  %s%n", clusterUp ? "running" : "stopped", clusterUp
          ? cluster.masterUrl() + " (UI " + cluster.masterUiUrl() + ") pid " + cluster.running().orElseThrow().pid()
              + ", " + cluster.aliveWorkers() + " worker(s) alive"
          : "");
    }
    out.printf("state  %s%n", stateDir);
    return kafkaUp && s3Up && clusterUp;
  }

  private boolean useDocker() {
    return switch (local.s3Server()) {
      case "docker" -> true;
      case "embedded" -> false;
      default -> s3.running().isEmpty() && DockerMinio.engineAvailable();
    };
  }

  private void rememberS3Mode(String mode) {
    try {
      Files.createDirectories(stateDir);
      Files.writeString(stateDir.resolve("s3.mode"), mode);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String readS3Mode() {
    try {
      Path file = stateDir.resolve("s3.mode");
      return Files.exists(file) ? Files.readString(file).trim() : "embedded";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
