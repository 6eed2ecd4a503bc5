package dev.lakehouse.silver.parse;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Reads one message as exactly one JSON object, refusing what a lenient reader would quietly
 * change: bytes that are not valid UTF-8 (checked before decoding, which would replace them with
 * U+FFFD), a byte order mark, anything after the value, duplicate keys (a reader keeps the last),
 * escapes that are lone surrogates (they would be stored as {@code ?}, so distinct ids could
 * collide) and nesting deeper than {@link #MAX_DEPTH}. Never throws: every refusal is a reason.
 */
public final class StrictJson {

  public static final String NULL_VALUE = "parse: value is null";
  public static final String EMPTY_VALUE = "parse: value is empty";
  public static final String NOT_JSON = "parse: value is not valid JSON";
  public static final String NOT_AN_OBJECT = "parse: value is not a JSON object";
  public static final String NOT_UTF8 = "parse: value is not valid UTF-8";
  public static final String BYTE_ORDER_MARK = "parse: value starts with a byte order mark";
  public static final String TRAILING_DATA = "parse: value has data after the JSON object";
  public static final String LONE_SURROGATE = "parse: value has a \\u escape that is not valid Unicode (lone surrogate)";
  public static final String DUPLICATE_KEY_PREFIX = "parse: duplicate key ";
  public static final int MAX_DEPTH = 64;

  private static final JsonFactory FACTORY =
      JsonFactory.builder()
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_DEPTH).build())
          .build();
  private static final ObjectMapper MAPPER =
      new ObjectMapper(FACTORY).enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  /** One reporting decoder per task thread: decode() resets it, and a new one per record was garbage. */
  private static final ThreadLocal<CharsetDecoder> UTF8 = ThreadLocal.withInitial(() -> StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT));

  private StrictJson() {}

  /** The object, or why the message is not one. */
  public record Result(Optional<ObjectNode> object, Optional<String> error) {
    static Result ok(ObjectNode node) {
      return new Result(Optional.of(node), Optional.empty());
    }

    static Result failed(String reason) {
      return new Result(Optional.empty(), Optional.of(reason));
    }
  }

  public static Result parseObject(byte[] raw) {
    if (raw == null) {
      return Result.failed(NULL_VALUE);
    }
    String text;
    try {
      text = UTF8.get().decode(ByteBuffer.wrap(raw)).toString();
    } catch (CharacterCodingException e) {
      return Result.failed(NOT_UTF8);
    }
    if (text.startsWith("\uFEFF")) {
      return Result.failed(BYTE_ORDER_MARK);
    }
    if (text.isBlank()) {
      return Result.failed(EMPTY_VALUE);
    }
    return parseText(text);
  }

  private static Result parseText(String text) {
    try (JsonParser parser = FACTORY.createParser(text)) {
      JsonNode node;
      try {
        node = MAPPER.readTree(parser);
      } catch (StreamConstraintsException e) {
        return Result.failed("parse: value is nested deeper than " + MAX_DEPTH + " levels or has an over-long number or string");
      } catch (JsonParseException e) {
        String message = String.valueOf(e.getOriginalMessage());
        return Result.failed(message.startsWith("Duplicate field ")
            ? DUPLICATE_KEY_PREFIX + message.substring("Duplicate field ".length())
            : NOT_JSON);
      }
      if (node == null || !node.isObject()) {
        return Result.failed(NOT_AN_OBJECT);
      }
      if (hasTrailingData(parser)) {
        return Result.failed(TRAILING_DATA);
      }
      // lone surrogates can only come from \\u escapes: the decoded UTF-8 has none
      if (text.contains("\\u") && hasLoneSurrogate(node)) {
        return Result.failed(LONE_SURROGATE);
      }
      return Result.ok((ObjectNode) node);
    } catch (JsonProcessingException e) {
      return Result.failed(NOT_JSON);
    } catch (IOException e) { // a String source does no I/O; kept as a reason rather than thrown
      return Result.failed(NOT_JSON);
    }
  }

  private static boolean hasTrailingData(JsonParser parser) {
    try {
      return parser.nextToken() != null;
    } catch (IOException e) {
      return true;
    }
  }

  private static boolean hasLoneSurrogate(JsonNode node) {
    if (node.isTextual()) {
      return !validSurrogates(node.textValue());
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        if (!validSurrogates(field.getKey()) || hasLoneSurrogate(field.getValue())) {
          return true;
        }
      }
    }
    if (node.isArray()) {
      for (JsonNode element : node) {
        if (hasLoneSurrogate(element)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean validSurrogates(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
