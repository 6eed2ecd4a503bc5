package dev.lakehouse.core.config;

import static dev.lakehouse.core.config.InvalidConfigException.check;

/**
 * The local Kafka broker and S3 server of {@code lakehouse local up}.
 *
 * @param stateDir their data, logs and pid files; relative paths are taken from the project home
 * @param kafkaPort the broker's client port
 * @param kafkaControllerPort the KRaft controller port
 * @param s3Port the S3 server's port
 * @param bucket created at start-up
 * @param s3Server {@code auto} (MinIO in Docker when a Docker engine answers, else the embedded
 *     server), {@code docker} or {@code embedded}
 */
public record LocalServicesConfig(
    String stateDir,
    int kafkaPort,
    int kafkaControllerPort,
    int s3Port,
    String bucket,
    String s3Server) {

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
  }

  private static void checkPort(String key, int port) {
    check(port > 0 && port < 65536, "%s must be a TCP port, cannot be: %s", key, port);
  }
}
