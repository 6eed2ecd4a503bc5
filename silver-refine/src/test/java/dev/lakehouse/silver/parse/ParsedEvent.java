package dev.lakehouse.silver.parse;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * A raw clickstream value after strict parsing. Fields that are absent or of the wrong JSON type
 * are null and named in {@code parseErrors}; the expectation suite then judges the rest
 * (non-empty ids, the event type set, purchase amounts).
 */
public record ParsedEvent(
    String eventId,
    Instant eventTime,
    String userId,
    String sessionId,
    String eventType,
    String page,
    String productId,
    BigDecimal amount,
    String currency,
    List<String> parseErrors)
    implements Serializable {

  public ParsedEvent {
    parseErrors = List.copyOf(parseErrors);
  }

  public boolean parsedCleanly() {
    return parseErrors.isEmpty();
  }
}
