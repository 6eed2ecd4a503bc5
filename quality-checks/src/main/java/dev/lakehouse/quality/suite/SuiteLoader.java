package dev.lakehouse.quality.suite;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Loads Great Expectations suites in either JSON shape: 0.x ({@code expectation_suite_name},
 * {@code expectations[].expectation_type}) or 1.x ({@code name}, {@code expectations[].type}).
 * Everything is checked at load time, so a bad suite fails before any data is read.
 */
public final class SuiteLoader {

  /** Where suites shipped with the project live on the classpath. */
  public static final String CLASSPATH_FOLDER = "expectations/";

  private static final ObjectMapper JSON = new ObjectMapper();

  private SuiteLoader() {}

  /** {@code <userFolder>/<name>.json} when it exists, else the classpath's {@code expectations/<name>.json}. */
  public static ExpectationSuite load(String suiteName, Optional<Path> userFolder) {
    Optional<Path> userFile = userFolder.map(folder -> folder.resolve(suiteName + ".json")).filter(Files::isRegularFile);
    if (userFile.isPresent()) {
      return fromFile(userFile.get());
    }
    String resource = CLASSPATH_FOLDER + suiteName + ".json";
    try (InputStream in = SuiteLoader.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new InvalidSuiteException(
            "no expectation suite '" + suiteName + "': neither "
                + userFolder.map(folder -> folder.resolve(suiteName + ".json") + " nor ").orElse("")
                + "classpath:" + resource + " exists");
      }
      return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + resource);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ExpectationSuite fromFile(Path file) {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    } catch (IOException e) {
      throw new InvalidSuiteException("cannot read expectation suite " + file + ": " + e.getMessage(), e);
    }
  }

  /** @param origin the file or resource, for messages */
  public static ExpectationSuite parse(String json, String origin) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidSuiteException("suite " + origin + " is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidSuiteException("suite " + origin + " must be a JSON object");
    }
    String name = text(root, "expectation_suite_name").or(() -> text(root, "name"))
        .orElseThrow(() -> new InvalidSuiteException(
            "suite " + origin + " has no name: set \"expectation_suite_name\" (GE 0.x) or \"name\" (GE 1.x)"));
    JsonNode expectations = root.get("expectations");
    if (expectations == null || !expectations.isArray()) {
      throw new InvalidSuiteException("suite " + origin + " has no \"expectations\" list");
    }
    List<Expectation> parsed = new ArrayList<>();
    for (int i = 0; i < expectations.size(); i++) {
      parsed.add(expectation(expectations.get(i), origin + " expectation #" + (i + 1)));
    }
    return new ExpectationSuite(name, parsed);
  }

  private static Expectation expectation(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new InvalidSuiteException(where + " must be a JSON object");
    }
    String typeName = text(node, "expectation_type").or(() -> text(node, "type"))
        .orElseThrow(() -> new InvalidSuiteException(where + " has no \"expectation_type\" (0.x) or \"type\" (1.x)"));
    String context = where + " (" + typeName + ")";
    ExpectationType type = ExpectationType.fromGeName(typeName).orElseThrow(() -> new InvalidSuiteException(
        context + ": unknown expectation type; supported: "
            + Arrays.stream(ExpectationType.values()).map(ExpectationType::geName).toList()));
    ObjectNode kwargs = objectOrEmpty(node.get("kwargs"), context + " kwargs");
    ObjectNode meta = objectOrEmpty(node.get("meta"), context + " meta");
    for (String required : type.requiredKwargs()) {
      if (!kwargs.hasNonNull(required)) {
        throw new InvalidSuiteException(context + ": kwargs." + required + " is required");
      }
    }
    Iterator<String> names = kwargs.fieldNames();
    while (names.hasNext()) {
      String kwarg = names.next();
      if (!type.allows(kwarg)) {
        throw new InvalidSuiteException(context + ": kwargs." + kwarg + " is not supported for this expectation");
      }
    }
    checkKwargs(type, kwargs, context);
    return new Expectation(type, kwargs, meta, severity(meta, context));
  }

  private static void checkKwargs(ExpectationType type, ObjectNode kwargs, String context) {
    if (kwargs.has("mostly")) {
      JsonNode mostly = kwargs.get("mostly");
      if (!mostly.isNumber() || mostly.asDouble() < 0 || mostly.asDouble() > 1) {
        throw new InvalidSuiteException(context + ": kwargs.mostly must be a number in [0, 1], cannot be: " + mostly);
      }
    }
    for (String bound : List.of("min_value", "max_value")) {
      JsonNode value = kwargs.get(bound);
      if (value != null && !value.isNull() && !value.isNumber()) {
        throw new InvalidSuiteException(context + ": kwargs." + bound + " must be a number or null, cannot be: " + value);
      }
    }
    if (kwargs.path("min_value").isNumber() && kwargs.path("max_value").isNumber()
        && kwargs.get("min_value").asDouble() > kwargs.get("max_value").asDouble()) {
      throw new InvalidSuiteException(context + ": kwargs.min_value " + kwargs.get("min_value")
          + " is greater than max_value " + kwargs.get("max_value"));
    }
    if (type == ExpectationType.EXPECT_COLUMN_VALUES_TO_BE_IN_SET && !kwargs.get("value_set").isArray()) {
      throw new InvalidSuiteException(context + ": kwargs.value_set must be a list");
    }
    if (type == ExpectationType.EXPECT_COMPOUND_COLUMNS_TO_BE_UNIQUE
        && (!kwargs.get("column_list").isArray() || kwargs.get("column_list").size() < 2)) {
      throw new InvalidSuiteException(context + ": kwargs.column_list must list at least two columns");
    }
    if (type == ExpectationType.EXPECT_COLUMN_VALUES_TO_MATCH_REGEX) {
      try {
        java.util.regex.Pattern.compile(kwargs.get("regex").asText());
      } catch (java.util.regex.PatternSyntaxException e) {
        throw new InvalidSuiteException(context + ": kwargs.regex is not a valid regular expression: " + e.getDescription());
      }
    }
  }

  private static Severity severity(ObjectNode meta, String context) {
    Optional<String> severity = text(meta, "severity");
    if (severity.isEmpty()) {
      return Severity.ERROR;
    }
    return switch (severity.get().toLowerCase(Locale.ROOT)) {
      case "error", "critical" -> Severity.ERROR;
      case "warning", "warn", "info" -> Severity.WARNING;
      default -> throw new InvalidSuiteException(
          context + ": meta.severity must be \"error\" or \"warning\", cannot be: " + severity.get());
    };
  }

  private static ObjectNode objectOrEmpty(JsonNode node, String where) {
    if (node == null || node.isNull()) {
      return JSON.createObjectNode();
    }
    if (!node.isObject()) {
      throw new InvalidSuiteException(where + " must be a JSON object");
    }
    return (ObjectNode) node;
  }

  private static Optional<String> text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
  }
}
