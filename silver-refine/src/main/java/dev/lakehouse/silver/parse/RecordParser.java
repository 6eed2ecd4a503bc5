package dev.lakehouse.silver.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakehouse.core.definitions.ColumnDefinition;
import dev.lakehouse.core.definitions.ColumnType;
import dev.lakehouse.core.definitions.SilverTableDefinition;
import dev.lakehouse.core.definitions.SilverTableDefinition.UnknownFields;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Parses a raw bronze value by a silver table's declared columns, strictly: one JSON object
 * ({@link StrictJson}), and each field of exactly its declared JSON type, in its type's range
 * (DESIGN.md, "Pipeline definitions"). A field that breaks a rule is null with a
 * {@code parse: <column> …} reason; the record then goes to quarantine. Never throws on bad input.
 *
 * <p>With {@code format: debezium-json} the message is a Kafka Connect / Debezium change event,
 * with or without the schema envelope ({@code {"schema": …, "payload": {…}}}): the columns come
 * from {@code after} ({@code before} for {@code op: d}, which deletes its key), and a declared
 * column the row image does not have is taken from the event's {@code source} block ({@code lsn},
 * {@code ts_ms} = the commit time, …) or the event itself ({@code op}), so a sequence can be the
 * source position or the commit time. A null value is the tombstone Debezium sends after a delete for log
 * compaction: not bad input, only counted.
 *
 * <p>Values come out as the external types Spark's row converter takes: String, Boolean,
 * Integer, Long, Double, BigDecimal, LocalDate, Instant (not java.sql.Timestamp, which Spark
 * converts from the hybrid Julian calendar and so moves instants before 1582), Object[].
 */
public final class RecordParser implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The range every Delta reader and Parquet's proleptic calendar agree on. */
  public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  public static final Instant LATEST_EXCLUSIVE = Instant.parse("+10000-01-01T00:00:00Z");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final int MAX_UNKNOWN_NAMED = 5;

  /**
   * @param values one per declared column, in order (null where absent or invalid)
   * @param extra with {@code unknown_fields: keep}, the undeclared fields as a JSON object text (null when none)
   * @param errors why the record cannot be refined; empty when it parsed
   * @param missing upsert tables: required columns (other than the key and sequence) that are
   *     absent or null, which only matters when the record is not a delete
   * @param delete a Debezium delete ({@code op: d}); a table's {@code deletes} predicate is applied later
   * @param tombstone a Debezium tombstone (a null value): skipped and counted, not quarantined
   */
  public record Parsed(Object[] values, String extra, List<String> errors, List<String> missing, boolean delete,
      boolean tombstone) {
    Parsed(Object[] values, String extra, List<String> errors) {
      this(values, extra, errors, List.of(), false, false);
    }
  }

  private static final Set<String> DEBEZIUM_OPS = Set.of("c", "u", "r", "d");

  private final List<ColumnDefinition> columns;
  /** Per column: declared {@code required}, or a key, event-time or sequence column, which a row cannot do without. */
  private final boolean[] required;
  private final Set<String> declared;
  private final UnknownFields unknownFields;
  /** Required columns other than key and sequence are checked later, when the record is not a delete. */
  private final boolean[] deferRequired;
  private final boolean debezium;

  public RecordParser(SilverTableDefinition table) {
    this.columns = table.columns();
    this.required = new boolean[columns.size()];
    for (int i = 0; i < required.length; i++) {
      String name = columns.get(i).name();
      required[i] = columns.get(i).required() || table.key().contains(name) || table.eventTime().filter(name::equals).isPresent()
          || table.sequence().filter(name::equals).isPresent();
    }
    this.declared = columns.stream().map(ColumnDefinition::name).collect(Collectors.toUnmodifiableSet());
    this.unknownFields = table.unknownFields();
    this.deferRequired = new boolean[columns.size()];
    for (int i = 0; i < deferRequired.length; i++) {
      String name = columns.get(i).name();
      deferRequired[i] = !table.isAppend() && !table.key().contains(name) && table.sequence().filter(name::equals).isEmpty();
    }
    this.debezium = table.isDebezium();
  }

  /** Tests and tools: the text's UTF-8 bytes. */
  public Parsed parse(String value) {
    return parse(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  /** The raw bytes as Kafka delivered them (bronze keeps them byte for byte). */
  public Parsed parse(byte[] value) {
    if (debezium && value == null) {
      return new Parsed(new Object[columns.size()], null, List.of(), List.of(), false, true);
    }
    StrictJson.Result json = StrictJson.parseObject(value);
    if (json.error().isPresent()) {
      return failed(json.error().get());
    }
    ObjectNode node = json.object().orElseThrow();
    if (!debezium) {
      return columns(node, List.of(), false);
    }
    JsonNode payload = node.has("payload") && node.has("schema") ? node.get("payload") : node;
    if (!(payload instanceof ObjectNode event)) {
      return failed("parse: debezium payload is not a JSON object");
    }
    JsonNode op = event.get("op");
    if (op == null || !op.isTextual() || !DEBEZIUM_OPS.contains(op.textValue())) {
      return failed("parse: debezium op must be one of c, u, r, d" + (op == null ? " (it is missing)" : ", cannot be: " + op));
    }
    boolean delete = op.textValue().equals("d");
    JsonNode image = event.get(delete ? "before" : "after");
    if (!(image instanceof ObjectNode row)) {
      return failed("parse: debezium " + (delete ? "before" : "after") + " must be a JSON object (the row"
          + (delete ? " deleted" : "") + "), cannot be: " + image);
    }
    // the source block first: its ts_ms is the database's commit time, the event's the connector's
    List<JsonNode> envelope = new ArrayList<>();
    if (event.get("source") instanceof ObjectNode source) {
      envelope.add(source);
    }
    envelope.add(event);
    return columns(row, envelope, delete);
  }

  /**
   * The declared columns of {@code node}; a column {@code node} does not have is looked up in
   * {@code fallbacks} in order (a Debezium event's own fields and its source block).
   */
  private Parsed columns(ObjectNode node, List<JsonNode> fallbacks, boolean delete) {
    List<String> errors = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    Object[] values = new Object[columns.size()];
    for (int i = 0; i < values.length; i++) {
      ColumnDefinition column = columns.get(i);
      JsonNode field = node.get(column.name());
      for (int fallback = 0; field == null && fallback < fallbacks.size(); fallback++) {
        field = fallbacks.get(fallback).get(column.name());
      }
      if (field == null || field.isNull()) {
        if (required[i]) {
          (deferRequired[i] ? missing : errors)
              .add("parse: " + column.name() + (field == null ? " is required but missing" : " is required but null"));
        }
        continue;
      }
      values[i] = value(column.name(), column.type(), field, errors);
    }
    return new Parsed(values, unknown(node, errors), errors, missing, delete, false);
  }

  public Parsed failed(String reason) {
    return new Parsed(new Object[columns.size()], null, List.of(reason));
  }

  private String unknown(ObjectNode node, List<String> errors) {
    if (unknownFields == UnknownFields.IGNORE) {
      return null;
    }
    List<String> unknown = new ArrayList<>();
    node.fieldNames().forEachRemaining(name -> {
      if (!declared.contains(name)) {
        unknown.add(name);
      }
    });
    if (unknown.isEmpty()) {
      return null;
    }
    if (unknownFields == UnknownFields.REJECT) {
      String named = unknown.stream().limit(MAX_UNKNOWN_NAMED).map(name -> "'" + name + "'").collect(Collectors.joining(", "));
      errors.add("parse: unknown field" + (unknown.size() > 1 ? "s " : " ") + named
          + (unknown.size() > MAX_UNKNOWN_NAMED ? " and " + (unknown.size() - MAX_UNKNOWN_NAMED) + " more" : "")
          + " (unknown_fields: reject)");
      return null;
    }
    ObjectNode extra = node.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!declared.contains(field.getKey())) {
        extra.set(field.getKey(), field.getValue());
      }
    }
    return extra.toString();
  }

  private static Object value(String name, ColumnType type, JsonNode field, List<String> errors) {
    if (type instanceof ColumnType.ArrayOf array) {
      if (!field.isArray()) {
        errors.add("parse: " + name + " is not an array");
        return null;
      }
      Object[] elements = new Object[field.size()];
      int errorsBefore = errors.size();
      for (int i = 0; i < elements.length; i++) {
        JsonNode element = field.get(i);
        if (element.isNull()) {
          errors.add("parse: " + name + "[" + i + "] is null");
        } else {
          elements[i] = value(name + "[" + i + "]", array.element(), element, errors);
        }
        if (errors.size() > errorsBefore) {
          return null; // the first bad element is reason enough; an array of 10⁶ bad ones is not 10⁶ reasons
        }
      }
      return elements;
    }
    if (type instanceof ColumnType.Decimal decimal) {
      return decimal(name, decimal, field, errors);
    }
    return switch (((ColumnType.Scalar) type).kind()) {
      case STRING -> field.isTextual() ? field.textValue() : fail(errors, name, "is not a string");
      case BOOLEAN -> field.isBoolean() ? (Object) field.booleanValue() : fail(errors, name, "is not a boolean (true or false)");
      case INT -> integral(name, field, errors, Integer.MIN_VALUE, Integer.MAX_VALUE, "int");
      case LONG -> integral(name, field, errors, Long.MIN_VALUE, Long.MAX_VALUE, "long");
      case DOUBLE -> doubleValue(name, field, errors);
      case DATE -> date(name, field, errors);
      case TIMESTAMP -> timestamp(name, field, errors);
    };
  }

  private static Object fail(List<String> errors, String name, String what) {
    errors.add("parse: " + name + " " + what);
    return null;
  }

  private static Object integral(String name, JsonNode field, List<String> errors, long min, long max, String typeName) {
    if (!field.isNumber()) {
      return fail(errors, name, "is not a number");
    }
    if (!field.isIntegralNumber()) {
      return fail(errors, name, "is not an integer (a JSON number without fraction or exponent)");
    }
    if (!field.canConvertToLong() || field.longValue() < min || field.longValue() > max) {
      return fail(errors, name, "is out of range for " + ("int".equals(typeName) ? "an int" : "a long"));
    }
    return "int".equals(typeName) ? (Object) field.intValue() : (Object) field.longValue();
  }

  /** A number a double cannot hold (overflow to infinity, or a non-zero value that underflows to 0) is refused. */
  private static Object doubleValue(String name, JsonNode field, List<String> errors) {
    if (!field.isNumber()) {
      return fail(errors, name, "is not a number");
    }
    // Jackson keeps a number beyond double's range as an infinite DoubleNode, even when asked
    // for BigDecimals, and its decimalValue() then throws
    if (field.isDouble() && !Double.isFinite(field.doubleValue())) {
      return fail(errors, name, "is out of range for a double");
    }
    BigDecimal exact = field.decimalValue();
    double asDouble = exact.doubleValue();
    if (Double.isInfinite(asDouble) || (asDouble == 0.0 && exact.signum() != 0)) {
      return fail(errors, name, "is out of range for a double");
    }
    return asDouble;
  }

  /** Fits exactly: no more fraction digits than the scale, no more integer digits than p - s; nothing is rounded. */
  private static Object decimal(String name, ColumnType.Decimal type, JsonNode field, List<String> errors) {
    if (!field.isNumber()) {
      return fail(errors, name, "is not a number");
    }
    if (field.isDouble() && !Double.isFinite(field.doubleValue())) { // beyond double's range: far beyond 38 digits
      return fail(errors, name, "does not fit " + type.text() + " (too many digits before the point)");
    }
    BigDecimal exact = field.decimalValue().stripTrailingZeros();
    // checked before any setScale, so 1e999999999 costs no memory
    long integerDigits = (long) exact.precision() - exact.scale();
    if (exact.signum() != 0 && integerDigits > type.precision() - type.scale()) {
      return fail(errors, name, "does not fit " + type.text() + " (too many digits before the point)");
    }
    if (exact.scale() > type.scale()) {
      return fail(errors, name, "does not fit " + type.text() + " (more than " + type.scale() + " digits after the point)");
    }
    return exact.setScale(type.scale(), RoundingMode.UNNECESSARY);
  }

  private static Object date(String name, JsonNode field, List<String> errors) {
    if (!field.isTextual()) {
      return fail(errors, name, "is not a date (a yyyy-MM-dd string)");
    }
    String text = field.textValue();
    if (!DATE.matcher(text).matches()) {
      return fail(errors, name, "is not a date (a yyyy-MM-dd string)");
    }
    LocalDate date;
    try {
      date = LocalDate.parse(text, DateTimeFormatter.ISO_LOCAL_DATE);
    } catch (DateTimeParseException e) {
      return fail(errors, name, "is not a valid date");
    }
    if (date.getYear() < 1) {
      return fail(errors, name, "is outside 0001-01-01 .. 9999-12-31");
    }
    return date;
  }

  private static Object timestamp(String name, JsonNode field, List<String> errors) {
    if (!field.isTextual()) {
      return fail(errors, name, "is not a string");
    }
    Instant instant;
    try {
      instant = IsoOffsetTimes.parse(field.textValue());
    } catch (DateTimeParseException e) {
      return fail(errors, name, "is not an ISO-8601 time with a zone");
    }
    if (instant.isBefore(EARLIEST) || !instant.isBefore(LATEST_EXCLUSIVE)) {
      return fail(errors, name, "is outside 0001-01-01 .. 9999-12-31 UTC");
    }
    return instant;
  }
}
