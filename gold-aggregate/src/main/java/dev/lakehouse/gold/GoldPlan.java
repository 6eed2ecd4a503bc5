package dev.lakehouse.gold;

import java.util.List;

/**
 * What a gold run will build.
 *
 * @param silverVersion the silver version the plan was made at
 * @param dates in date order
 */
public record GoldPlan(long silverVersion, List<DatePlan> dates) {

  public GoldPlan {
    dates = List.copyOf(dates);
  }

  public boolean isEmpty() {
    return dates.isEmpty();
  }
}
