package dev.lakehouse.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The environment variables that override the config file, and the keys they set. A source's
 * topic is overridden by {@code LAKEHOUSE_<SOURCE NAME>_TOPIC}, e.g. {@code
 * LAKEHOUSE_CLICKSTREAM_TOPIC}.
 */
public final class EnvironmentOverrides {

  /** Variable → dotted config key. The README's configuration table is this map. */
  public static final Map<String, String> VARIABLES = variables();

  private EnvironmentOverrides() {}

  private static Map<String, String> variables() {
    Map<String, String> variables = new LinkedHashMap<>();
    variables.put("LAKEHOUSE_STORAGE_ROOT", "storage.root");
    variables.put("LAKEHOUSE_KAFKA_BOOTSTRAP", "kafka.bootstrap-servers");
    variables.put("LAKEHOUSE_S3_ENDPOINT", "s3.endpoint");
    variables.put("LAKEHOUSE_S3_ACCESS_KEY", "s3.access-key");
    variables.put("LAKEHOUSE_S3_SECRET_KEY", "s3.secret-key");
    variables.put("LAKEHOUSE_S3_REGION", "s3.region");
    variables.put("LAKEHOUSE_S3_PATH_STYLE_ACCESS", "s3.path-style-access");
    variables.put("LAKEHOUSE_S3_RETRY_LIMIT", "s3.retry-limit");
    variables.put("LAKEHOUSE_S3_CONNECT_TIMEOUT", "s3.connect-timeout");
    variables.put("LAKEHOUSE_S3_REQUEST_TIMEOUT", "s3.request-timeout");
    variables.put("LAKEHOUSE_SPARK_MASTER", "spark.master");
    variables.put("LAKEHOUSE_SPARK_SHUFFLE_PARTITIONS", "spark.shuffle-partitions");
    variables.put("LAKEHOUSE_SPARK_UI_ENABLED", "spark.ui-enabled");
    variables.put("LAKEHOUSE_SPARK_EXECUTOR_MEMORY", "spark.executor-memory");
    variables.put("LAKEHOUSE_SPARK_EXECUTOR_CORES", "spark.executor-cores");
    variables.put("LAKEHOUSE_SPARK_CORES_MAX", "spark.cores-max");
    variables.put("LAKEHOUSE_INGEST_TRIGGER_INTERVAL", "ingest.trigger-interval");
    variables.put("LAKEHOUSE_INGEST_MAX_OFFSETS_PER_TRIGGER", "ingest.max-offsets-per-trigger");
    variables.put("LAKEHOUSE_INGEST_FAIL_ON_DATA_LOSS", "ingest.fail-on-data-loss");
    variables.put("LAKEHOUSE_INGEST_BROKER_TIMEOUT", "ingest.broker-timeout");
    variables.put("LAKEHOUSE_LOCAL_STATE_DIR", "local.state-dir");
    variables.put("LAKEHOUSE_LOCAL_KAFKA_PORT", "local.kafka-port");
    variables.put("LAKEHOUSE_LOCAL_KAFKA_CONTROLLER_PORT", "local.kafka-controller-port");
    variables.put("LAKEHOUSE_LOCAL_S3_PORT", "local.s3-port");
    variables.put("LAKEHOUSE_LOCAL_BUCKET", "local.bucket");
    variables.put("LAKEHOUSE_LOCAL_S3_SERVER", "local.s3-server");
    variables.put("LAKEHOUSE_LOCAL_SPARK_MASTER_PORT", "local.spark-master-port");
    variables.put("LAKEHOUSE_LOCAL_SPARK_MASTER_UI_PORT", "local.spark-master-ui-port");
    variables.put("LAKEHOUSE_LOCAL_SPARK_WORKER_CORES", "local.spark-worker-cores");
    variables.put("LAKEHOUSE_LOCAL_SPARK_WORKER_MEMORY", "local.spark-worker-memory");
    variables.put("LAKEHOUSE_DEFINITIONS_DIR", "definitions.dir");
    variables.put("LAKEHOUSE_RERUN_MAX_DAYS", "reruns.max-days");
    variables.put("LAKEHOUSE_SCHEDULE_SILVER", "schedules.silver");
    variables.put("LAKEHOUSE_SCHEDULE_GOLD", "schedules.gold");
    variables.put("LAKEHOUSE_SCHEDULE_MAINTENANCE", "schedules.maintenance");
    variables.put("LAKEHOUSE_SERVE_HOST", "serve.host");
    variables.put("LAKEHOUSE_SERVE_PORT", "serve.port");
    variables.put("LAKEHOUSE_SERVE_AUTH", "serve.auth");
    variables.put("LAKEHOUSE_SERVE_USER", "serve.user");
    variables.put("LAKEHOUSE_SERVE_PASSWORD", "serve.password");
    variables.put("LAKEHOUSE_SERVE_LDAP_URL", "serve.ldap-url");
    variables.put("LAKEHOUSE_SERVE_LDAP_BASE_DN", "serve.ldap-base-dn");
    return Map.copyOf(variables);
  }

  static void apply(ObjectNode tree, Map<String, String> environment) {
    VARIABLES.forEach(
        (variable, key) -> {
          String value = environment.get(variable);
          if (value != null && !value.isBlank()) {
            set(tree, key, value.trim());
          }
        });
    JsonNode sources = tree.path("kafka").path("sources");
    for (JsonNode source : sources) {
      String variable =
          "LAKEHOUSE_" + source.path("name").asText().toUpperCase(Locale.ROOT) + "_TOPIC";
      String topic = environment.get(variable);
      if (topic != null && !topic.isBlank()) {
        ((ObjectNode) source).put("topic", topic.trim());
      }
    }
  }

  private static void set(ObjectNode tree, String dottedKey, String value) {
    String[] parts = dottedKey.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      node = node.with(parts[i]);
    }
    node.put(parts[parts.length - 1], value);
  }
}
