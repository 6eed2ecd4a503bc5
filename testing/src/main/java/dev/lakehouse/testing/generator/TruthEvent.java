package dev.lakehouse.testing.generator;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * A valid event as the generator made it: the values silver must hold for it.
 *
 * @param eventTime the instant (the JSON may show it at another offset)
 */
public record TruthEvent(
    String eventId,
    Instant eventTime,
    String userId,
    String sessionId,
    String eventType,
    Optional<String> page,
    Optional<String> productId,
    Optional<BigDecimal> amount,
    Optional<String> currency) {

  public TruthEvent {
    requireNonNull(eventId, "eventId is null");
    requireNonNull(eventTime, "eventTime is null");
    requireNonNull(userId, "userId is null");
    requireNonNull(sessionId, "sessionId is null");
    requireNonNull(eventType, "eventType is null");
    requireNonNull(page, "page is null");
    requireNonNull(productId, "productId is null");
    requireNonNull(amount, "amount is null");
    requireNonNull(currency, "currency is null");
  }

  public LocalDate eventDate() {
    return eventTime.atZone(ZoneOffset.UTC).toLocalDate();
  }

  public int eventHour() {
    return eventTime.atZone(ZoneOffset.UTC).getHour();
  }

  public boolean isPurchase() {
    return eventType.equals("purchase");
  }
}
