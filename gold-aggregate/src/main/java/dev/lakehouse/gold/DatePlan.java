package dev.lakehouse.gold;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One event date to build: the gold tables to rebuild for it, each with the reason.
 *
 * @param reasonByTable table name → why it is rebuilt, in build order
 */
public record DatePlan(LocalDate date, Map<String, String> reasonByTable) {

  public DatePlan {
    requireNonNull(date, "date is null");
    reasonByTable = Map.copyOf(requireNonNull(reasonByTable, "reasonByTable is null"));
  }

  public List<String> tables() {
    return reasonByTable.keySet().stream().sorted().toList();
  }

  /** One reason when every table shares it, else "table: reason" per table. */
  public String reason() {
    if (reasonByTable.values().stream().distinct().count() == 1) {
      return reasonByTable.values().iterator().next();
    }
    return reasonByTable.keySet().stream().sorted()
        .map(table -> table + ": " + reasonByTable.get(table))
        .collect(Collectors.joining("; "));
  }
}
