package dev.lakehouse.testing.generator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Set;

/** DESIGN.md's valid-record rules, written out plainly as a test oracle. */
final class DesignRules {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> TYPES =
      Set.of("page_view", "product_view", "add_to_cart", "purchase", "search");

  private DesignRules() {}

  static boolean isValid(Optional<String> value) {
    if (value.isEmpty()) {
      return false;
    }
    JsonNode node;
    try {
      node = JSON.readTree(value.get());
    } catch (Exception e) {
      return false;
    }
    if (node == null || !node.isObject()) {
      return false;
    }
    for (String field : new String[] {"event_id", "user_id", "session_id"}) {
      if (!node.path(field).isTextual() || node.path(field).asText().isEmpty()) {
        return false;
      }
    }
    if (!node.path("event_time").isTextual()) {
      return false;
    }
    try {
      OffsetDateTime.parse(node.path("event_time").asText());
    } catch (DateTimeParseException e) {
      return false;
    }
    if (!TYPES.contains(node.path("event_type").asText(null))) {
      return false;
    }
    return !node.path("event_type").asText().equals("purchase")
        || (node.path("amount").isNumber() && node.path("amount").decimalValue().signum() >= 0);
  }
}
