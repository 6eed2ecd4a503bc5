package dev.lakehouse.gold;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a gold run will build.
 *
 * @param silverVersions per silver table read, the version the plan was made at
 * @param dates in date order
 */
public record GoldPlan(Map<String, Long> silverVersions, List<DatePlan> dates) {

  public GoldPlan {
    silverVersions = java.util.Collections.unmodifiableMap(new TreeMap<>(silverVersions));
    dates = List.copyOf(dates);
  }

  public boolean isEmpty() {
    return dates.isEmpty();
  }

  /** {@code 12} for one silver table, {@code events 12, orders 3} for several. */
  public String silverVersion() {
    return versionText(silverVersions);
  }

  static String versionText(Map<String, Long> versions) {
    if (versions.size() == 1) {
      return String.valueOf(versions.values().iterator().next());
    }
    return versions.entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue()).collect(Collectors.joining(", "));
  }
}
