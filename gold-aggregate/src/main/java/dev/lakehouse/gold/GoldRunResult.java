package dev.lakehouse.gold;

import java.time.Duration;
import java.util.List;

/** The dates a gold run built, in order. */
public record GoldRunResult(List<DateBuild> dates, Duration duration) {

  public GoldRunResult {
    dates = List.copyOf(dates);
  }
}
