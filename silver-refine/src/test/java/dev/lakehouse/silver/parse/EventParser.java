package dev.lakehouse.silver.parse;

import dev.lakehouse.core.definitions.BuiltInPipeline;
import java.util.List;

/**
 * The built-in table's parse, as the clickstream tests read it: {@link RecordParser} with
 * {@code silver/events.yaml}, its values named.
 */
public final class EventParser {

  public static final String NOT_JSON = StrictJson.NOT_JSON;
  public static final String NOT_AN_OBJECT = StrictJson.NOT_AN_OBJECT;
  public static final String NULL_VALUE = StrictJson.NULL_VALUE;
  public static final String TIME_NOT_ISO = "parse: event_time is not an ISO-8601 time with a zone";
  public static final String TIME_OUT_OF_RANGE = "parse: event_time is outside 0001-01-01 .. 9999-12-31 UTC";
  public static final String AMOUNT_OUT_OF_RANGE = "parse: amount is out of range for a double";

  private static final RecordParser PARSER = new RecordParser(BuiltInPipeline.events());

  private EventParser() {}

  public static ParsedEvent parse(String value) {
    return named(PARSER.parse(value));
  }

  public static ParsedEvent parse(byte[] value) {
    return named(PARSER.parse(value));
  }

  private static ParsedEvent named(RecordParser.Parsed parsed) {
    Object[] v = parsed.values();
    return new ParsedEvent((String) v[0], (java.time.Instant) v[1], (String) v[2], (String) v[3], (String) v[4],
        (String) v[5], (String) v[6], v[7] == null ? null : java.math.BigDecimal.valueOf((Double) v[7]), (String) v[8],
        List.copyOf(parsed.errors()));
  }
}
