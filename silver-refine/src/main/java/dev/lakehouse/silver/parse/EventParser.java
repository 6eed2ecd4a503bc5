package dev.lakehouse.silver.parse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a raw bronze value by DESIGN.md's rules, strictly: one JSON object ({@link StrictJson}),
 * strings must be JSON strings (not numbers that Spark's JSON reader would turn into text),
 * {@code event_time} must be ISO-8601 with a zone ({@code Z} or an offset), within
 * 0001-01-01 … 9999-12-31 UTC, and is converted to a UTC instant, {@code amount} must be a JSON
 * number that a double holds. Field order and unknown fields do not matter. Never throws on bad
 * input.
 */
public final class EventParser {

  public static final String NOT_JSON = StrictJson.NOT_JSON;
  public static final String NOT_AN_OBJECT = StrictJson.NOT_AN_OBJECT;
  public static final String NULL_VALUE = StrictJson.NULL_VALUE;
  public static final String TIME_NOT_ISO = "parse: event_time is not an ISO-8601 time with a zone";
  public static final String TIME_OUT_OF_RANGE = "parse: event_time is outside 0001-01-01 .. 9999-12-31 UTC";
  public static final String AMOUNT_OUT_OF_RANGE = "parse: amount is out of range for a double";

  /** The range every Delta reader and Parquet's proleptic calendar agree on. */
  public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
  public static final Instant LATEST_EXCLUSIVE = Instant.parse("+10000-01-01T00:00:00Z");

  private EventParser() {}

  /** Tests and tools: the text's UTF-8 bytes. */
  public static ParsedEvent parse(String value) {
    return parse(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  /** The raw bytes as Kafka delivered them (bronze keeps them byte for byte). */
  public static ParsedEvent parse(byte[] value) {
    StrictJson.Result json = StrictJson.parseObject(value);
    if (json.error().isPresent()) {
      return failed(json.error().get());
    }
    ObjectNode node = json.object().orElseThrow();
    List<String> errors = new ArrayList<>();
    return new ParsedEvent(
        string(node, "event_id", errors),
        time(node, errors),
        string(node, "user_id", errors),
        string(node, "session_id", errors),
        string(node, "event_type", errors),
        string(node, "page", errors),
        string(node, "product_id", errors),
        amount(node, errors),
        string(node, "currency", errors),
        errors);
  }

  public static ParsedEvent failed(String reason) {
    return new ParsedEvent(null, null, null, null, null, null, null, null, null, List.of(reason));
  }

  /** Absent or JSON null is null without an error (the suite decides if it is required). */
  private static String string(JsonNode node, String field, List<String> errors) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      errors.add("parse: " + field + " is not a string");
      return null;
    }
    return value.asText();
  }

  private static Instant time(JsonNode node, List<String> errors) {
    String text = string(node, "event_time", errors);
    if (text == null) {
      return null;
    }
    Instant instant;
    try {
      instant = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      errors.add(TIME_NOT_ISO);
      return null;
    }
    if (instant.isBefore(EARLIEST) || !instant.isBefore(LATEST_EXCLUSIVE)) {
      errors.add(TIME_OUT_OF_RANGE);
      return null;
    }
    return instant;
  }

  /** A number a double cannot hold (overflow to infinity, or a non-zero value that underflows to 0). */
  private static BigDecimal amount(JsonNode node, List<String> errors) {
    JsonNode value = node.get("amount");
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber()) {
      errors.add("parse: amount is not a number");
      return null;
    }
    // Jackson keeps a number beyond double's range as an infinite DoubleNode, even when asked
    // for BigDecimals, and its decimalValue() then throws
    if (value.isDouble() && !Double.isFinite(value.doubleValue())) {
      errors.add(AMOUNT_OUT_OF_RANGE);
      return null;
    }
    BigDecimal amount = value.decimalValue();
    double asDouble = amount.doubleValue();
    if (Double.isInfinite(asDouble) || (asDouble == 0.0 && amount.signum() != 0)) {
      errors.add(AMOUNT_OUT_OF_RANGE);
      return null;
    }
    return amount;
  }
}
