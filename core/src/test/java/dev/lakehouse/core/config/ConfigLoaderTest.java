package dev.lakehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path folder;

  @Test
  void defaultsMatchTheDesign() {
    LakehouseConfig config = ConfigLoader.defaultsOnly();

    assertThat(config.storage().root()).isEqualTo("./data");
    assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(config.kafka().source("clickstream").topic()).isEqualTo("clickstream");
    assertThat(config.s3().endpoint()).isEqualTo("http://localhost:9000");
    assertThat(config.s3().pathStyleAccess()).isTrue();
    assertThat(config.spark().master()).isEqualTo("local[2]");
    assertThat(config.spark().shufflePartitions()).isEqualTo(4);
    assertThat(config.ingest().triggerInterval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.ingest().failOnDataLoss()).isTrue();
    assertThat(config.local().kafkaPort()).isEqualTo(9092);
    assertThat(config.local().s3Port()).isEqualTo(9000);
    assertThat(config.local().bucket()).isEqualTo("lakehouse");
  }

  @Test
  void fileOverridesDefaultsKeyByKeyAndEnvironmentOverridesFile() throws IOException {
    Path file =
        write(
            """
            storage:
              root: s3a://from-file/lake
            kafka:
              bootstrap-servers: file-host:19092
            ingest:
              trigger-interval: 2m
            """);

    LakehouseConfig fileOnly = ConfigLoader.load(Optional.of(file), Map.of());
    assertThat(fileOnly.storage().root()).isEqualTo("s3a://from-file/lake");
    assertThat(fileOnly.kafka().bootstrapServers()).isEqualTo("file-host:19092");
    assertThat(fileOnly.ingest().triggerInterval()).isEqualTo(Duration.ofMinutes(2));
    // untouched keys keep their defaults
    assertThat(fileOnly.ingest().brokerTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(fileOnly.kafka().source("clickstream").topic()).isEqualTo("clickstream");

    LakehouseConfig withEnvironment =
        ConfigLoader.load(
            Optional.of(file),
            Map.of(
                "LAKEHOUSE_STORAGE_ROOT", "/tmp/env-root",
                "LAKEHOUSE_KAFKA_BOOTSTRAP", "env-host:29092",
                "LAKEHOUSE_CLICKSTREAM_TOPIC", "clicks-v2",
                "LAKEHOUSE_S3_ENDPOINT", "http://minio.internal:9000",
                "LAKEHOUSE_S3_ACCESS_KEY", "env-access",
                "LAKEHOUSE_S3_SECRET_KEY", "env-secret"));
    assertThat(withEnvironment.storage().root()).isEqualTo("/tmp/env-root");
    assertThat(withEnvironment.kafka().bootstrapServers()).isEqualTo("env-host:29092");
    assertThat(withEnvironment.kafka().source("clickstream").topic()).isEqualTo("clicks-v2");
    assertThat(withEnvironment.s3().endpoint()).isEqualTo("http://minio.internal:9000");
    assertThat(withEnvironment.s3().accessKey()).isEqualTo("env-access");
    assertThat(withEnvironment.s3().secretKey()).isEqualTo("env-secret");
    assertThat(withEnvironment.ingest().triggerInterval()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void configFileComesFromTheEnvironmentWhenNotGiven() throws IOException {
    Path file = write("storage:\n  root: ./elsewhere\n");

    LakehouseConfig config =
        ConfigLoader.load(Optional.empty(), Map.of("LAKEHOUSE_CONFIG", file.toString()));

    assertThat(config.storage().root()).isEqualTo("./elsewhere");
  }

  @Test
  void everyDocumentedVariableSetsAnExistingKey() {
    Map<String, String> values =
        Map.ofEntries(
            Map.entry("LAKEHOUSE_STORAGE_ROOT", "./x"),
            Map.entry("LAKEHOUSE_KAFKA_BOOTSTRAP", "h:1"),
            Map.entry("LAKEHOUSE_S3_ENDPOINT", "https://s3.example:443"),
            Map.entry("LAKEHOUSE_S3_ACCESS_KEY", "a"),
            Map.entry("LAKEHOUSE_S3_SECRET_KEY", "s"),
            Map.entry("LAKEHOUSE_S3_REGION", "eu-west-1"),
            Map.entry("LAKEHOUSE_S3_PATH_STYLE_ACCESS", "false"),
            Map.entry("LAKEHOUSE_S3_RETRY_LIMIT", "5"),
            Map.entry("LAKEHOUSE_S3_CONNECT_TIMEOUT", "2s"),
            Map.entry("LAKEHOUSE_S3_REQUEST_TIMEOUT", "45s"),
            Map.entry("LAKEHOUSE_SPARK_MASTER", "local[1]"),
            Map.entry("LAKEHOUSE_SPARK_SHUFFLE_PARTITIONS", "8"),
            Map.entry("LAKEHOUSE_SPARK_UI_ENABLED", "true"),
            Map.entry("LAKEHOUSE_SPARK_EXECUTOR_MEMORY", "3g"),
            Map.entry("LAKEHOUSE_SPARK_EXECUTOR_CORES", "2"),
            Map.entry("LAKEHOUSE_SPARK_CORES_MAX", "4"),
            Map.entry("LAKEHOUSE_INGEST_TRIGGER_INTERVAL", "500ms"),
            Map.entry("LAKEHOUSE_INGEST_MAX_OFFSETS_PER_TRIGGER", "1000"),
            Map.entry("LAKEHOUSE_INGEST_FAIL_ON_DATA_LOSS", "false"),
            Map.entry("LAKEHOUSE_INGEST_BROKER_TIMEOUT", "3s"),
            Map.entry("LAKEHOUSE_LOCAL_STATE_DIR", "/var/lake"),
            Map.entry("LAKEHOUSE_LOCAL_KAFKA_PORT", "19092"),
            Map.entry("LAKEHOUSE_LOCAL_KAFKA_CONTROLLER_PORT", "19093"),
            Map.entry("LAKEHOUSE_LOCAL_S3_PORT", "19000"),
            Map.entry("LAKEHOUSE_LOCAL_BUCKET", "other-bucket"),
            Map.entry("LAKEHOUSE_LOCAL_S3_SERVER", "embedded"),
            Map.entry("LAKEHOUSE_LOCAL_SPARK_MASTER_PORT", "17077"),
            Map.entry("LAKEHOUSE_LOCAL_SPARK_MASTER_UI_PORT", "18080"),
            Map.entry("LAKEHOUSE_LOCAL_SPARK_WORKER_CORES", "2"),
            Map.entry("LAKEHOUSE_LOCAL_SPARK_WORKER_MEMORY", "1536m"),
            Map.entry("LAKEHOUSE_DEFINITIONS_DIR", "my-definitions"),
            Map.entry("LAKEHOUSE_RERUN_MAX_DAYS", "7"),
            Map.entry("LAKEHOUSE_SCHEDULE_SILVER", "10m"),
            Map.entry("LAKEHOUSE_SCHEDULE_GOLD", "0 0 2 * * ?"),
            Map.entry("LAKEHOUSE_SCHEDULE_MAINTENANCE", "1d"),
            Map.entry("LAKEHOUSE_SERVE_HOST", "0.0.0.0"),
            Map.entry("LAKEHOUSE_SERVE_PORT", "10001"),
            Map.entry("LAKEHOUSE_SERVE_AUTH", "ldap"),
            Map.entry("LAKEHOUSE_SERVE_USER", "bi"),
            Map.entry("LAKEHOUSE_SERVE_PASSWORD", "secret"),
            Map.entry("LAKEHOUSE_SERVE_LDAP_URL", "ldap://ldap.example:389"),
            Map.entry("LAKEHOUSE_SERVE_LDAP_BASE_DN", "ou=people,dc=example"));
    assertThat(values.keySet()).isEqualTo(EnvironmentOverrides.VARIABLES.keySet());

    LakehouseConfig config = ConfigLoader.load(Optional.empty(), values);

    assertThat(config.s3().sslEnabled()).isTrue();
    assertThat(config.s3().region()).isEqualTo("eu-west-1");
    assertThat(config.s3().pathStyleAccess()).isFalse();
    assertThat(config.s3().retryLimit()).isEqualTo(5);
    assertThat(config.s3().connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(config.s3().requestTimeout()).isEqualTo(java.time.Duration.ofSeconds(45));
    assertThat(config.spark().master()).isEqualTo("local[1]");
    assertThat(config.spark().shufflePartitions()).isEqualTo(8);
    assertThat(config.spark().executorSettings())
        .isEqualTo(Map.of("spark.executor.memory", "3g", "spark.executor.cores", "2", "spark.cores.max", "4"));
    assertThat(config.spark().uiEnabled()).isTrue();
    assertThat(config.ingest().triggerInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.ingest().maxOffsetsPerTrigger()).isEqualTo(1000);
    assertThat(config.ingest().failOnDataLoss()).isFalse();
    assertThat(config.ingest().brokerTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.local())
        .isEqualTo(new LocalServicesConfig("/var/lake", 19092, 19093, 19000, "other-bucket", "embedded", 17077, 18080, 2, "1536m"));
    assertThat(config.definitions().dir()).isEqualTo("my-definitions");
    assertThat(config.reruns().maxDays()).isEqualTo(7);
    assertThat(config.schedules()).isEqualTo(new SchedulesConfig("10m", "0 0 2 * * ?", "1d", Duration.ofDays(7)));
    assertThat(config.serve()).isEqualTo(new ServeConfig("0.0.0.0", 10001, "ldap", "bi", "secret", "ldap://ldap.example:389",
        "ou=people,dc=example", Duration.ofSeconds(30)));
    assertThat(config.serve().toString()).doesNotContain("secret");
  }

  @Test
  void serveAuthenticatesByDefaultExceptOnLoopback() {
    ServeConfig defaults = ConfigLoader.defaultsOnly().serve();
    assertThat(defaults.host()).isEqualTo("127.0.0.1");
    assertThat(defaults.port()).isEqualTo(10000);
    assertThat(defaults.effectiveAuth()).isEqualTo(ServeConfig.Auth.NONE);
    assertThat(new ServeConfig("0.0.0.0", 10000, "auto", "u", "p", "", "", Duration.ofSeconds(30)).effectiveAuth())
        .isEqualTo(ServeConfig.Auth.PASSWORD);
    assertThat(new ServeConfig("localhost", 10000, "password", "u", "p", "", "", Duration.ofSeconds(30)).effectiveAuth())
        .isEqualTo(ServeConfig.Auth.PASSWORD);
    assertThatThrownBy(() -> ConfigLoader.load(Optional.empty(), Map.of("LAKEHOUSE_SERVE_AUTH", "kerberos")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("serve.auth must be auto, none, password or ldap, cannot be: kerberos");
  }

  @Test
  void unknownKeyIsNamedWithTheFile() throws IOException {
    Path file = write("kafka:\n  bootstrap: typo:9092\n");

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(file), Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("unknown config key 'bootstrap' at kafka")
        .hasMessageContaining(file.toString());
  }

  @Test
  void invalidValuesAreRejectedWithTheValue() {
    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.empty(), Map.of("LAKEHOUSE_STORAGE_ROOT", "hdfs://nn/x")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("storage.root must be a local path or s3a://bucket/prefix, cannot be: hdfs://nn/x");
    assertThatThrownBy(
            () -> ConfigLoader.load(Optional.empty(), Map.of("LAKEHOUSE_KAFKA_BOOTSTRAP", "nohost")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("kafka.bootstrap-servers must be host:port[,host:port], cannot be: nohost");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    Optional.empty(), Map.of("LAKEHOUSE_INGEST_TRIGGER_INTERVAL", "soon")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("not a duration: 'soon'");
  }

  @Test
  void missingConfigFileIsAClearError() {
    Path missing = folder.resolve("nope.yaml");

    assertThatThrownBy(() -> ConfigLoader.load(Optional.of(missing), Map.of()))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("config file " + missing.toAbsolutePath() + " does not exist");
  }

  private Path write(String yaml) throws IOException {
    Path file = folder.resolve("lakehouse.yaml");
    Files.writeString(file, yaml);
    return file;
  }
}
