package dev.lakehouse.testing.generator;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * DESIGN.md's four gold tables computed in plain Java from the generator's valid unique events,
 * as rows keyed by column name with the types a Delta reader returns (LocalDate, String, Long,
 * Double). Revenue is summed exactly (BigDecimal) and then made a double.
 */
public final class ExpectedGold {

  private ExpectedGold() {}

  public static Map<String, List<Map<String, Object>>> of(Collection<TruthEvent> events) {
    Map<String, List<Map<String, Object>>> tables = new TreeMap<>();
    tables.put("daily_event_metrics", dailyEventMetrics(events));
    tables.put("user_daily", userDaily(events));
    tables.put("product_daily", productDaily(events));
    tables.put("daily_funnel", dailyFunnel(events));
    return tables;
  }

  /** Only the rows of {@code date}. */
  public static List<Map<String, Object>> on(List<Map<String, Object>> rows, LocalDate date) {
    return rows.stream().filter(row -> date.equals(row.get("event_date"))).toList();
  }

  private static List<Map<String, Object>> dailyEventMetrics(Collection<TruthEvent> events) {
    Map<List<Object>, Tally> byKey = new HashMap<>();
    for (TruthEvent event : events) {
      byKey.computeIfAbsent(List.of(event.eventDate(), event.eventType()), key -> new Tally()).add(event);
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    byKey.forEach((key, tally) -> rows.add(Map.of(
        "event_date", key.get(0), "event_type", key.get(1), "events", tally.events,
        "unique_users", (long) tally.users.size(), "unique_sessions", (long) tally.sessions.size(),
        "revenue", tally.revenue.doubleValue())));
    return rows;
  }

  private static List<Map<String, Object>> userDaily(Collection<TruthEvent> events) {
    Map<List<Object>, Tally> byKey = new HashMap<>();
    for (TruthEvent event : events) {
      byKey.computeIfAbsent(List.of(event.eventDate(), event.userId()), key -> new Tally()).add(event);
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    byKey.forEach((key, tally) -> rows.add(Map.of(
        "event_date", key.get(0), "user_id", key.get(1), "events", tally.events,
        "sessions", (long) tally.sessions.size(), "purchases", tally.count("purchase"),
        "revenue", tally.revenue.doubleValue())));
    return rows;
  }

  private static List<Map<String, Object>> productDaily(Collection<TruthEvent> events) {
    Map<List<Object>, Tally> byKey = new HashMap<>();
    for (TruthEvent event : events) {
      event.productId().ifPresent(product ->
          byKey.computeIfAbsent(List.of(event.eventDate(), product), key -> new Tally()).add(event));
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    byKey.forEach((key, tally) -> rows.add(Map.of(
        "event_date", key.get(0), "product_id", key.get(1), "views", tally.count("product_view"),
        "add_to_carts", tally.count("add_to_cart"), "purchases", tally.count("purchase"),
        "revenue", tally.revenue.doubleValue())));
    return rows;
  }

  private static List<Map<String, Object>> dailyFunnel(Collection<TruthEvent> events) {
    Map<LocalDate, Tally> byDate = new HashMap<>();
    for (TruthEvent event : events) {
      byDate.computeIfAbsent(event.eventDate(), key -> new Tally()).add(event);
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    byDate.forEach((date, tally) -> rows.add(Map.of(
        "event_date", date, "sessions", (long) tally.sessions.size(),
        "sessions_with_product_view", tally.sessionsWith("product_view"),
        "sessions_with_add_to_cart", tally.sessionsWith("add_to_cart"),
        "sessions_with_purchase", tally.sessionsWith("purchase"))));
    return rows;
  }

  /** Counts of one group of events. */
  private static final class Tally {
    private long events;
    private BigDecimal revenue = BigDecimal.ZERO;
    private final Set<String> users = new HashSet<>();
    private final Set<String> sessions = new HashSet<>();
    private final Map<String, Long> byType = new HashMap<>();
    private final Map<String, Set<String>> sessionsByType = new HashMap<>();

    void add(TruthEvent event) {
      events++;
      users.add(event.userId());
      sessions.add(event.sessionId());
      byType.merge(event.eventType(), 1L, Long::sum);
      sessionsByType.computeIfAbsent(event.eventType(), type -> new HashSet<>()).add(event.sessionId());
      if (event.isPurchase()) {
        revenue = revenue.add(event.amount().orElseThrow());
      }
    }

    long count(String type) {
      return byType.getOrDefault(type, 0L);
    }

    long sessionsWith(String type) {
      return sessionsByType.getOrDefault(type, Set.of()).size();
    }
  }
}
