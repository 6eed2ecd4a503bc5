package dev.lakehouse.silver.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a raw bronze value by DESIGN.md's rules, strictly: strings must be JSON strings (not
 * numbers that Spark's JSON reader would turn into text), {@code event_time} must be ISO-8601
 * with a zone ({@code Z} or an offset) and is converted to a UTC instant, {@code amount} must be
 * a JSON number. Field order and unknown fields do not matter. Never throws on bad input.
 */
public final class EventParser {

  public static final String NOT_JSON = "parse: value is not valid JSON";
  public static final String NOT_AN_OBJECT = "parse: value is not a JSON object";
  public static final String NULL_VALUE = "parse: value is null";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private EventParser() {}

  public static ParsedEvent parse(String value) {
    if (value == null) {
      return failed(NULL_VALUE);
    }
    JsonNode node;
    try {
      node = JSON.readTree(value);
    } catch (JsonProcessingException e) {
      return failed(NOT_JSON);
    }
    if (node == null || !node.isObject()) {
      return failed(NOT_AN_OBJECT);
    }
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

  private static ParsedEvent failed(String reason) {
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
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      errors.add("parse: event_time is not an ISO-8601 time with a zone");
      return null;
    }
  }

  private static BigDecimal amount(JsonNode node, List<String> errors) {
    JsonNode value = node.get("amount");
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber()) {
      errors.add("parse: amount is not a number");
      return null;
    }
    return value.decimalValue();
  }
}
