package dev.lakehouse.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves the configuration: built-in defaults ({@code lakehouse-defaults.yaml} on the
 * classpath) → a YAML or JSON config file ({@code --config} or {@code LAKEHOUSE_CONFIG}) →
 * environment variables ({@link EnvironmentOverrides}). Later sources win key by key.
 */
public final class ConfigLoader {

  public static final String DEFAULTS_RESOURCE = "lakehouse-defaults.yaml";
  public static final String CONFIG_FILE_VARIABLE = "LAKEHOUSE_CONFIG";

  private static final ObjectMapper YAML = createMapper();

  private ConfigLoader() {}

  /** Defaults, then {@code file} if given, else the file named by {@code LAKEHOUSE_CONFIG}. */
  public static LakehouseConfig load(Optional<Path> file, Map<String, String> environment) {
    ObjectNode tree = defaults();
    Optional<Path> configFile =
        file.or(
            () ->
                Optional.ofNullable(environment.get(CONFIG_FILE_VARIABLE))
                    .filter(value -> !value.isBlank())
                    .map(Path::of));
    configFile.ifPresent(path -> merge(tree, readFile(path)));
    EnvironmentOverrides.apply(tree, environment);
    String origin = configFile.map(path -> " (config file " + path + ")").orElse("");
    try {
      return YAML.treeToValue(tree, LakehouseConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw new InvalidConfigException(
          "unknown config key '" + e.getPropertyName() + "' at " + path(e) + origin
              + "; known keys are in " + DEFAULTS_RESOURCE);
    } catch (IOException e) {
      Throwable cause = rootCause(e);
      if (cause instanceof InvalidConfigException invalid) {
        throw new InvalidConfigException(invalid.getMessage() + origin, invalid);
      }
      throw new InvalidConfigException("invalid configuration" + origin + ": " + cause.getMessage(), e);
    }
  }

  public static LakehouseConfig defaultsOnly() {
    return load(Optional.empty(), Map.of());
  }

  private static ObjectNode defaults() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath");
      }
      return (ObjectNode) YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode readFile(Path path) {
    if (!Files.isRegularFile(path)) {
      throw new InvalidConfigException(
          "config file " + path.toAbsolutePath() + " does not exist; pass an existing YAML file"
              + " with --config or " + CONFIG_FILE_VARIABLE);
    }
    try {
      JsonNode node = YAML.readTree(path.toFile());
      if (node == null || node.isMissingNode() || node.isNull()) {
        return YAML.createObjectNode();
      }
      if (!node.isObject()) {
        throw new InvalidConfigException("config file " + path + " must hold a YAML mapping");
      }
      return (ObjectNode) node;
    } catch (IOException e) {
      throw new InvalidConfigException(
          "config file " + path + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  /** Deep merge: mappings merge key by key, everything else (lists too) replaces. */
  private static void merge(ObjectNode target, ObjectNode overlay) {
    Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = target.get(field.getKey());
      if (existing instanceof ObjectNode existingObject && field.getValue() instanceof ObjectNode value) {
        merge(existingObject, value);
      } else {
        target.set(field.getKey(), field.getValue());
      }
    }
  }

  private static String path(UnrecognizedPropertyException e) {
    StringBuilder path = new StringBuilder();
    e.getPath().forEach(
        reference -> {
          if (reference.getFieldName() != null) {
            path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
          }
        });
    return path.length() == 0 ? "top level" : path.toString();
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }

  private static ObjectMapper createMapper() {
    SimpleModule durations = new SimpleModule("durations");
    durations.addDeserializer(
        Duration.class,
        new JsonDeserializer<>() {
          @Override
          public Duration deserialize(JsonParser parser, DeserializationContext context)
              throws IOException {
            return Durations.parse(parser.getValueAsString());
          }
        });
    return new ObjectMapper(new YAMLFactory())
        .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .registerModule(durations)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
  }
}
