package dev.lakehouse.testing.generator;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * DESIGN.md's three views computed in plain Java from the generator's valid unique events with
 * {@code event_time} at or after {@code windowStart}, as rows keyed by column name.
 */
public final class ExpectedViews {

  private ExpectedViews() {}

  public static List<Map<String, Object>> of(String view, Collection<TruthEvent> events, Instant windowStart) {
    return switch (view) {
      case "live_kpis" -> perBucket(events, windowStart, event -> List.of(event.eventTime().truncatedTo(ChronoUnit.MINUTES)),
          (key, tally) -> Map.of("minute", key.get(0), "events", tally.events, "active_users", (long) tally.users.size(),
              "purchases", tally.purchases, "revenue", tally.revenue.doubleValue()));
      case "hourly_trends" -> perBucket(events, windowStart,
          event -> List.of(event.eventTime().truncatedTo(ChronoUnit.HOURS), event.eventType()),
          (key, tally) -> Map.of("hour", key.get(0), "event_type", key.get(1), "events", tally.events,
              "users", (long) tally.users.size(), "revenue", tally.revenue.doubleValue()));
      case "daily_summary" -> perBucket(events, windowStart.truncatedTo(ChronoUnit.DAYS), event -> List.of(event.eventDate()),
          (key, tally) -> Map.of("event_date", key.get(0), "events", tally.events, "users", (long) tally.users.size(),
              "revenue", tally.revenue.doubleValue(), "revenue_per_user", tally.revenue.doubleValue() / tally.users.size()));
      default -> throw new IllegalArgumentException("no expected rows for view " + view);
    };
  }

  private static List<Map<String, Object>> perBucket(Collection<TruthEvent> events, Instant windowStart,
      Function<TruthEvent, List<Object>> key, BiFunction<List<Object>, Tally, Map<String, Object>> row) {
    Map<List<Object>, Tally> tallies = new HashMap<>();
    for (TruthEvent event : events) {
      if (!event.eventTime().isBefore(windowStart)) {
        tallies.computeIfAbsent(key.apply(event), k -> new Tally()).add(event);
      }
    }
    List<Map<String, Object>> rows = new ArrayList<>();
    tallies.forEach((k, tally) -> rows.add(row.apply(k, tally)));
    return rows;
  }

  private static final class Tally {
    long events;
    long purchases;
    BigDecimal revenue = BigDecimal.ZERO;
    final Set<String> users = new HashSet<>();

    void add(TruthEvent event) {
      events++;
      users.add(event.userId());
      if (event.isPurchase()) {
        purchases++;
        revenue = revenue.add(event.amount().orElseThrow());
      }
    }
  }
}
