package dev.lakehouse.core.config;

import static dev.lakehouse.core.config.InvalidConfigException.check;

/**
 * The local Kafka broker and S3 server of {@code lakehouse local up}, and the Spark standalone
 * cluster of {@code local up --cluster}.
 *
 * @param stateDir their data, logs and pid files; relative paths are taken from the project home
 * @param kafkaPort the broker's client port
 * @param kafkaControllerPort the KRaft controller port
 * @param s3Port the S3 server's port
 * @param bucket created at start-up
 * @param s3Server {@code auto} (MinIO in Docker when a Docker engine answers, else the embedded
 *     server), {@code docker} or {@code embedded}
 * @param sparkMasterPort the standalone master's port (its URL is {@code spark://127.0.0.1:PORT})
 * @param sparkMasterUiPort the master's web UI (and its JSON API at {@code /json/})
 * @param sparkWorkerCores cores each worker offers
 * @param sparkWorkerMemory memory each worker offers its executors, e.g. {@code 2g}
 */
public record LocalServicesConfig(
    String stateDir,
    int kafkaPort,
    int kafkaControllerPort,
    int s3Port,
    String bucket,
    String s3Server,
    int sparkMasterPort,
    int sparkMasterUiPort,
    int sparkWorkerCores,
    String sparkWorkerMemory) {

  public LocalServicesConfig {
    check(stateDir != null && !stateDir.isBlank(), "local.state-dir must be set");
    checkPort("local.kafka-port", kafkaPort);
    checkPort("local.kafka-controller-port", kafkaControllerPort);
    checkPort("local.s3-port", s3Port);
    check(
        bucket != null && bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"),
        "local.bucket must be a valid S3 bucket name, cannot be: %s",
        bucket);
    check(
        "auto".equals(s3Server) || "docker".equals(s3Server) || "embedded".equals(s3Server),
        "local.s3-server must be auto, docker or embedded, cannot be: %s",
        s3Server);
    checkPort("local.spark-master-port", sparkMasterPort);
    checkPort("local.spark-master-ui-port", sparkMasterUiPort);
    check(sparkWorkerCores >= 1, "local.spark-worker-cores must be at least 1, cannot be: %s", sparkWorkerCores);
    check(
        sparkWorkerMemory != null && sparkWorkerMemory.matches("[0-9]+[mgMG]"),
        "local.spark-worker-memory must be like 2g or 1536m, cannot be: %s",
        sparkWorkerMemory);
  }

  private static void checkPort(String key, int port) {
    check(port > 0 && port < 65536, "%s must be a TCP port, cannot be: %s", key, port);
  }
}
