package dev.lakehouse.testing.generator;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * One Kafka message to produce and what it is.
 *
 * @param key the Kafka key ({@code user_id} for events; may be absent for malformed ones)
 * @param value the JSON text; absent for a null-value (tombstone) record
 * @param event the valid event this message carries (new or duplicate); absent when malformed
 */
public record GeneratedMessage(
    Optional<String> key,
    Optional<String> value,
    MessageKind kind,
    Malformation malformation,
    Optional<TruthEvent> event) {

  public GeneratedMessage {
    requireNonNull(key, "key is null");
    requireNonNull(value, "value is null");
    requireNonNull(kind, "kind is null");
    requireNonNull(malformation, "malformation is null");
    requireNonNull(event, "event is null");
    if ((kind == MessageKind.MALFORMED) != (malformation != Malformation.NONE)) {
      throw new IllegalArgumentException(kind + " message cannot have malformation " + malformation);
    }
    if (event.isPresent() == (kind == MessageKind.MALFORMED)) {
      throw new IllegalArgumentException(kind + " message must " + (event.isPresent() ? "not " : "") + "carry an event");
    }
  }
}
