package dev.lakehouse.core.definitions;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.types.StructType;

/**
 * One {@code silver/<table>.yaml}: where its records come from and what they must look like.
 *
 * @param name the silver table, from the file name
 * @param source the bronze table ({@code bronze/<source>}); several tables may share one
 * @param topic the Kafka topic as declared (empty: the configuration's or the source name)
 * @param key the columns that identify a record (append: the first arrival per key wins)
 * @param eventTime append tables: the timestamp column that gives {@code event_date}
 * @param derived extra columns computed by Spark SQL expressions over the parsed columns, placed
 *     after {@code event_date} (the built-in table's {@code event_hour}); not part of DESIGN.md's contract
 * @param expectations the suite run on the table
 * @param sequence upsert tables: the column that orders versions
 * @param deletes upsert tables: a SQL predicate marking a record that deletes its key
 * @param history upsert tables: keep every version (SCD type 2)
 * @param origin the file (or classpath resource) it came from, for messages
 */
public record SilverTableDefinition(
    String name,
    String source,
    String topic,
    String format,
    Mode mode,
    List<String> key,
    Optional<String> eventTime,
    List<ColumnDefinition> columns,
    UnknownFields unknownFields,
    Map<String, String> derived,
    String expectations,
    Optional<String> sequence,
    Optional<String> deletes,
    boolean history,
    String origin) implements Serializable {

  public static final String EVENT_DATE = "event_date";
  public static final String INGESTED_AT = "ingested_at";
  public static final String EXTRA = "_extra";
  /** History tables (SCD type 2): a version is valid from its own sequence to the next one's. */
  public static final String VALID_FROM = "valid_from";
  public static final String VALID_TO = "valid_to";
  public static final String IS_CURRENT = "is_current";
  public static final String JSON = "json";
  /** Kafka Connect / Debezium change events: {@code before}/{@code after}/{@code op}/{@code ts_ms}. */
  public static final String DEBEZIUM_JSON = "debezium-json";

  public enum Mode { APPEND, UPSERT }

  /** What happens to JSON fields the definition does not declare. */
  public enum UnknownFields { IGNORE, KEEP, REJECT }

  public SilverTableDefinition {
    requireNonNull(name, "name is null");
    requireNonNull(source, "source is null");
    requireNonNull(topic, "topic is null");
    requireNonNull(format, "format is null");
    requireNonNull(mode, "mode is null");
    key = List.copyOf(key);
    requireNonNull(eventTime, "eventTime is null");
    columns = List.copyOf(columns);
    requireNonNull(unknownFields, "unknownFields is null");
    derived = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(derived));
    requireNonNull(expectations, "expectations is null");
    requireNonNull(sequence, "sequence is null");
    requireNonNull(deletes, "deletes is null");
    requireNonNull(origin, "origin is null");
  }

  public boolean isAppend() {
    return mode == Mode.APPEND;
  }

  /** An upsert table that keeps every version (SCD type 2) rather than the current one. */
  public boolean isHistory() {
    return mode == Mode.UPSERT && history;
  }

  public boolean isDebezium() {
    return format.equals(DEBEZIUM_JSON);
  }

  /** The same table without its deletes predicate (to check the rest when the predicate does not compile). */
  public SilverTableDefinition withoutDeletes() {
    return new SilverTableDefinition(name, source, topic, format, mode, key, eventTime, columns, unknownFields, derived,
        expectations, sequence, Optional.empty(), history, origin);
  }

  /** The sequence column of an upsert table. */
  public String sequenceColumn() {
    return sequence.orElseThrow(() -> new IllegalStateException(name + " has no sequence"));
  }

  public Optional<ColumnDefinition> column(String column) {
    return columns.stream().filter(candidate -> candidate.name().equals(column)).findFirst();
  }

  /** The event-time column of an append table. */
  public String eventTimeColumn() {
    return eventTime.orElseThrow(() -> new IllegalStateException(name + " has no event_time"));
  }

  /** The parsed JSON fields, in declared order, with their Spark types. */
  public StructType parsedSchema() {
    StructType schema = new StructType();
    for (ColumnDefinition column : columns) {
      schema = schema.add(column.name(), column.type().sparkType(), true);
    }
    return schema;
  }

  /**
   * Silver's column names in order: declared, event_date (append) or valid_from, valid_to,
   * is_current (history), derived, ingested_at, _extra (keep).
   */
  public List<String> silverColumns() {
    List<String> names = new ArrayList<>();
    columns.forEach(column -> names.add(column.name()));
    if (isAppend()) {
      names.add(EVENT_DATE);
    }
    if (isHistory()) {
      names.addAll(List.of(VALID_FROM, VALID_TO, IS_CURRENT));
    }
    names.addAll(derived.keySet());
    names.add(INGESTED_AT);
    if (unknownFields == UnknownFields.KEEP) {
      names.add(EXTRA);
    }
    return names;
  }
}
