package dev.lakehouse.core.definitions;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lakehouse.core.definitions.SilverTableDefinition.Mode;
import dev.lakehouse.core.definitions.SilverTableDefinition.UnknownFields;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one {@code silver/<table>.yaml} and checks it against DESIGN.md's contract, collecting
 * every problem (one per wrong key) instead of stopping at the first, so {@code validate} can
 * list them all.
 */
public final class SilverTableLoader {

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final Pattern TABLE_NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern COLUMN_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final Set<String> KEYS = Set.of("source", "topic", "format", "mode", "key", "event_time", "columns",
      "unknown_fields", "expectations", "sequence", "deletes", "history", "derived", "description", "owner");
  private static final Set<String> COLUMN_KEYS = Set.of("type", "required", "description");
  /** Columns the pipeline adds to silver, quarantine or a change feed. */
  private static final Set<String> RESERVED = Set.of(SilverTableDefinition.EVENT_DATE, SilverTableDefinition.INGESTED_AT,
      SilverTableDefinition.EXTRA, "valid_from", "valid_to", "is_current", "failed_expectations", "_change_type",
      "_commit_version", "_commit_timestamp");
  /** Prefixes of the working columns refining uses (bronze's Kafka columns, the parse result). */
  private static final List<String> RESERVED_PREFIXES = List.of("_bronze_", "_lakehouse_");

  /** A definition, or the problems that stop it from being one. */
  public record Loaded(Optional<SilverTableDefinition> table, List<DefinitionProblem> problems) {}

  private SilverTableLoader() {}

  /**
   * @param table the table name (the file name without {@code .yaml})
   * @param origin the file, for messages
   */
  public static Loaded parse(String table, String yaml, String origin) {
    Problems problems = new Problems(origin);
    if (!TABLE_NAME.matcher(table).matches()) {
      problems.add("the file name must be <table>.yaml with a table name of lower-case letters, digits and _"
          + " (starting with a letter), cannot be: " + table);
    }
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      problems.add("not valid YAML: " + e.getOriginalMessage());
      return problems.result();
    }
    if (root == null || !root.isObject()) {
      problems.add("must be a YAML mapping with source, topic, mode, key, event_time and columns");
      return problems.result();
    }
    root.fieldNames().forEachRemaining(field -> {
      if (!KEYS.contains(field)) {
        problems.add("unknown key '" + field + "'; known keys: " + String.join(", ", new java.util.TreeSet<>(KEYS)));
      }
    });
    Optional<String> declaredSource = text(root, "source", problems);
    String source = declaredSource.orElse(table);
    if (declaredSource.isPresent() && !TABLE_NAME.matcher(source).matches()) {
      problems.add("source must be lower-case letters, digits and _ (it names bronze/<source>), cannot be: " + source);
    }
    String topic = text(root, "topic", problems).orElse("");
    if (!topic.isEmpty() && !TOPIC.matcher(topic).matches()) {
      problems.add("topic must be a valid Kafka topic name, cannot be: " + topic);
    }
    String format = text(root, "format", problems).orElse(SilverTableDefinition.JSON);
    if (!format.equals(SilverTableDefinition.JSON) && !format.equals(SilverTableDefinition.DEBEZIUM_JSON)) {
      problems.add("format must be json (one JSON object per message) or debezium-json (Kafka Connect / Debezium change"
          + " events), cannot be: " + format);
    }
    Mode mode = choice(root, "mode", Mode.class, Mode.APPEND, problems);
    if (format.equals(SilverTableDefinition.DEBEZIUM_JSON) && mode != Mode.UPSERT) {
      problems.add("format: debezium-json needs mode: upsert (change events update and delete their key)");
    }
    List<ColumnDefinition> columns = columns(root.get("columns"), problems);
    List<String> key = key(root.get("key"), columns, problems);
    Optional<String> eventTime = text(root, "event_time", problems);
    if (mode == Mode.APPEND && eventTime.isEmpty()) {
      problems.add("event_time is required for mode: append (silver is partitioned by its UTC date)");
    }
    eventTime.ifPresent(column -> checkColumn("event_time", column, columns, problems, ColumnType.Kind.TIMESTAMP));
    UnknownFields unknown = choice(root, "unknown_fields", UnknownFields.class, UnknownFields.IGNORE, problems);
    String expectations = text(root, "expectations", problems).orElse("silver_" + table);
    Optional<String> sequence = text(root, "sequence", problems);
    Optional<String> deletes = text(root, "deletes", problems);
    boolean history = bool(root, "history", problems);
    if (mode == Mode.UPSERT) {
      if (sequence.isEmpty()) {
        problems.add("sequence is required for mode: upsert (the column that orders the versions of a key)");
      }
      sequence.ifPresent(column -> {
        checkColumn("sequence", column, columns, problems);
        columns.stream().filter(candidate -> candidate.name().equals(column)).findFirst()
            .filter(declared -> declared.type() instanceof ColumnType.Scalar scalar
                && List.of(ColumnType.Kind.STRING, ColumnType.Kind.BOOLEAN, ColumnType.Kind.DOUBLE).contains(scalar.kind()))
            .ifPresent(declared -> problems.add("sequence column '" + column + "' must be an int, long, decimal, date or"
                + " timestamp (a number or time that grows with each version), is " + declared.type().text()));
      });
    } else {
      for (String upsertOnly : List.of("sequence", "deletes", "history")) {
        if (root.has(upsertOnly)) {
          problems.add(upsertOnly + " applies to mode: upsert only");
        }
      }
    }
    Map<String, String> derived = derived(root.get("derived"), columns, problems);
    if (!problems.isEmpty()) {
      return problems.result();
    }
    return new Loaded(Optional.of(new SilverTableDefinition(table, source, topic, format, mode, key, eventTime, columns,
        unknown, derived, expectations, sequence, deletes, history, origin)), List.of());
  }

  private static List<ColumnDefinition> columns(JsonNode node, Problems problems) {
    List<ColumnDefinition> columns = new ArrayList<>();
    if (node == null || !node.isObject() || node.isEmpty()) {
      problems.add("columns must map each JSON field to its type, e.g. columns: {id: {type: string, required: true}}");
      return columns;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      JsonNode spec = field.getValue();
      if (!COLUMN_NAME.matcher(name).matches()) {
        problems.add("column '" + name + "': a column name is letters, digits and _ (not starting with a digit)");
        continue;
      }
      if (RESERVED.contains(name.toLowerCase(Locale.ROOT))
          || RESERVED_PREFIXES.stream().anyMatch(prefix -> name.toLowerCase(Locale.ROOT).startsWith(prefix))) {
        problems.add("column '" + name + "': the name is reserved for a column the pipeline adds");
        continue;
      }
      String typeText;
      boolean required = false;
      if (spec != null && spec.isTextual()) {
        typeText = spec.asText();
      } else if (spec != null && spec.isObject()) {
        spec.fieldNames().forEachRemaining(key -> {
          if (!COLUMN_KEYS.contains(key)) {
            problems.add("column '" + name + "': unknown key '" + key + "'; known: type, required, description");
          }
        });
        JsonNode type = spec.get("type");
        if (type == null || !type.isTextual()) {
          problems.add("column '" + name + "': type is missing");
          problems.badColumns.add(name);
          continue;
        }
        typeText = type.asText();
        JsonNode requiredNode = spec.get("required");
        if (requiredNode != null && !requiredNode.isBoolean()) {
          problems.add("column '" + name + "': required must be true or false");
        }
        required = requiredNode != null && requiredNode.asBoolean(false);
      } else {
        problems.add("column '" + name + "': give its type, e.g. " + name + ": {type: string}");
        problems.badColumns.add(name);
        continue;
      }
      try {
        columns.add(new ColumnDefinition(name, ColumnType.parse(typeText), required));
      } catch (IllegalArgumentException e) {
        problems.add("column '" + name + "': " + e.getMessage());
        problems.badColumns.add(name);
      }
    }
    long distinct = columns.stream().map(column -> column.name().toLowerCase(Locale.ROOT)).distinct().count();
    if (distinct != columns.size()) {
      problems.add("columns: two columns differ only in case; Spark and Delta treat them as one");
    }
    return columns;
  }

  private static List<String> key(JsonNode node, List<ColumnDefinition> columns, Problems problems) {
    List<String> key = new ArrayList<>();
    if (node != null && node.isTextual()) {
      key.add(node.asText());
    } else if (node != null && node.isArray()) {
      node.forEach(part -> {
        if (part.isTextual()) {
          key.add(part.asText());
        } else {
          problems.add("key must list column names, cannot hold: " + part);
        }
      });
    }
    if (key.isEmpty()) {
      problems.add("key must name one or more columns, e.g. key: [id]");
    }
    for (String column : key) {
      checkColumn("key", column, columns, problems);
    }
    return key;
  }

  /** The column must be declared, and a scalar (of one of {@code kinds} when given). */
  private static void checkColumn(String role, String column, List<ColumnDefinition> columns, Problems problems,
      ColumnType.Kind... kinds) {
    Optional<ColumnDefinition> declared = columns.stream().filter(candidate -> candidate.name().equals(column)).findFirst();
    if (declared.isEmpty()) {
      if (!columns.isEmpty() && !problems.badColumns.contains(column)) { // a bad column's own problem says it all
        problems.add(role + " column '" + column + "' is not among the columns");
      }
      return;
    }
    ColumnType type = declared.get().type();
    if (type instanceof ColumnType.ArrayOf) {
      problems.add(role + " column '" + column + "' cannot be an array");
    } else if (kinds.length > 0 && !(type instanceof ColumnType.Scalar scalar && List.of(kinds).contains(scalar.kind()))) {
      problems.add(role + " column '" + column + "' must be of type " + kinds[0].name().toLowerCase(Locale.ROOT)
          + ", is " + type.text());
    }
  }

  private static Map<String, String> derived(JsonNode node, List<ColumnDefinition> columns, Problems problems) {
    Map<String, String> derived = new LinkedHashMap<>();
    if (node == null) {
      return derived;
    }
    if (!node.isObject()) {
      problems.add("derived must map column names to Spark SQL expressions");
      return derived;
    }
    node.fields().forEachRemaining(entry -> {
      if (!COLUMN_NAME.matcher(entry.getKey()).matches() || !entry.getValue().isTextual()) {
        problems.add("derived column '" + entry.getKey() + "' must be a name mapped to a SQL expression");
      } else if (columns.stream().anyMatch(column -> column.name().equalsIgnoreCase(entry.getKey()))
          || RESERVED.contains(entry.getKey().toLowerCase(Locale.ROOT))
          || RESERVED_PREFIXES.stream().anyMatch(prefix -> entry.getKey().toLowerCase(Locale.ROOT).startsWith(prefix))) {
        problems.add("derived column '" + entry.getKey() + "' has the name of another column");
      } else {
        derived.put(entry.getKey(), entry.getValue().asText());
      }
    });
    return derived;
  }

  private static Optional<String> text(JsonNode root, String key, Problems problems) {
    JsonNode node = root.get(key);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      problems.add(key + " must be a non-empty text, cannot be: " + node);
      return Optional.empty();
    }
    return Optional.of(node.asText().trim());
  }

  private static boolean bool(JsonNode root, String key, Problems problems) {
    JsonNode node = root.get(key);
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      problems.add(key + " must be true or false, cannot be: " + node);
      return false;
    }
    return node.asBoolean();
  }

  private static <E extends Enum<E>> E choice(JsonNode root, String key, Class<E> type, E fallback, Problems problems) {
    Optional<String> value = text(root, key, problems);
    if (value.isEmpty()) {
      return fallback;
    }
    for (E constant : type.getEnumConstants()) {
      if (constant.name().equalsIgnoreCase(value.get())) {
        return constant;
      }
    }
    problems.add(key + " must be one of " + java.util.Arrays.stream(type.getEnumConstants())
        .map(constant -> constant.name().toLowerCase(Locale.ROOT)).toList() + ", cannot be: " + value.get());
    return fallback;
  }

  /** The problems of one file. */
  private static final class Problems {
    private final String origin;
    private final List<DefinitionProblem> list = new ArrayList<>();
    /** Columns whose declaration is wrong (already a problem): not reported again where used. */
    private final java.util.Set<String> badColumns = new java.util.HashSet<>();

    Problems(String origin) {
      this.origin = origin;
    }

    void add(String message) {
      list.add(new DefinitionProblem(origin, message));
    }

    boolean isEmpty() {
      return list.isEmpty();
    }

    Loaded result() {
      return new Loaded(Optional.empty(), List.copyOf(list));
    }
  }
}
