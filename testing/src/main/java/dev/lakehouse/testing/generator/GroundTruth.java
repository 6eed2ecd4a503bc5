package dev.lakehouse.testing.generator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the pipeline should end up with for the generated messages, tallied in plain Java as
 * they are made: the valid unique events (first arrival of each {@code event_id}) and per-date
 * totals. Tests compare tables with this, never with the pipeline's own SQL.
 */
public final class GroundTruth {

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final boolean retainEvents;
  private final Map<MessageKind, Long> byKind = new EnumMap<>(MessageKind.class);
  private final Map<Malformation, Long> byMalformation = new EnumMap<>(Malformation.class);
  private final Map<String, TruthEvent> events = new LinkedHashMap<>();
  private final Map<LocalDate, DateTotals> byDate = new TreeMap<>();
  private long messages;

  /** @param retainEvents keep every valid event (for tests); off for millions of messages */
  public GroundTruth(boolean retainEvents) {
    this.retainEvents = retainEvents;
  }

  public void record(GeneratedMessage message) {
    messages++;
    byKind.merge(message.kind(), 1L, Long::sum);
    if (message.kind() == MessageKind.MALFORMED) {
      byMalformation.merge(message.malformation(), 1L, Long::sum);
    }
    if (message.kind().isNewValidEvent()) {
      TruthEvent event = message.event().orElseThrow();
      if (retainEvents) {
        events.putIfAbsent(event.eventId(), event);
      }
      byDate.computeIfAbsent(event.eventDate(), date -> new DateTotals()).add(event);
    }
  }

  public long messages() {
    return messages;
  }

  public long count(MessageKind kind) {
    return byKind.getOrDefault(kind, 0L);
  }

  public Map<Malformation, Long> malformedByReason() {
    return Collections.unmodifiableMap(byMalformation);
  }

  public long validUniqueEvents() {
    return count(MessageKind.VALID) + count(MessageKind.LATE);
  }

  /** Valid unique events by id, in generation order; empty unless retained. */
  public Collection<TruthEvent> events() {
    return Collections.unmodifiableCollection(events.values());
  }

  public Map<LocalDate, DateTotals> byEventDate() {
    return Collections.unmodifiableMap(byDate);
  }

  /** The summary written next to a generator run, for checks outside the JVM. */
  public void writeSummary(Path file, Map<String, Object> run) {
    ObjectNode root = JSON.createObjectNode();
    root.set("run", JSON.valueToTree(run));
    root.put("messages", messages);
    ObjectNode kinds = root.putObject("by_kind");
    for (MessageKind kind : MessageKind.values()) {
      kinds.put(kind.name().toLowerCase(), count(kind));
    }
    root.put("valid_unique_events", validUniqueEvents());
    ObjectNode reasons = root.putObject("malformed_by_reason");
    byMalformation.forEach((reason, count) -> reasons.put(reason.name().toLowerCase(), count));
    ObjectNode dates = root.putObject("by_event_date");
    byDate.forEach((date, totals) -> dates.set(date.toString(), totals.toJson()));
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      JSON.writeValue(file.toFile(), root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Totals of the valid unique events of one UTC event date. */
  public static final class DateTotals {
    private long events;
    private long purchases;
    private BigDecimal revenue = BigDecimal.ZERO.setScale(2);
    private final Set<String> users = new HashSet<>();
    private final Set<String> sessions = new HashSet<>();
    private final Map<String, Long> byEventType = new TreeMap<>();

    void add(TruthEvent event) {
      events++;
      users.add(event.userId());
      sessions.add(event.sessionId());
      byEventType.merge(event.eventType(), 1L, Long::sum);
      if (event.isPurchase()) {
        purchases++;
        revenue = revenue.add(event.amount().orElseThrow());
      }
    }

    public long events() {
      return events;
    }

    public long purchases() {
      return purchases;
    }

    public BigDecimal revenue() {
      return revenue;
    }

    public int uniqueUsers() {
      return users.size();
    }

    public int uniqueSessions() {
      return sessions.size();
    }

    public Map<String, Long> byEventType() {
      return Collections.unmodifiableMap(byEventType);
    }

    ObjectNode toJson() {
      ObjectNode node = JSON.createObjectNode();
      node.put("events", events);
      node.put("unique_users", users.size());
      node.put("unique_sessions", sessions.size());
      node.put("purchases", purchases);
      node.put("revenue", revenue);
      node.set("by_event_type", JSON.valueToTree(byEventType));
      return node;
    }
  }
}
