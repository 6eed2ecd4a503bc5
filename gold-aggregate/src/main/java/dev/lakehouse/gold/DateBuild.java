package dev.lakehouse.gold;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;

/**
 * What building one event date did.
 *
 * @param silverVersion the silver version read
 * @param silverRows silver rows of that date
 * @param rowsByTable gold rows written per table, in build order
 */
public record DateBuild(LocalDate date, String reason, long silverVersion, long silverRows, Map<String, Long> rowsByTable,
    Duration duration) {

  public DateBuild {
    rowsByTable = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rowsByTable));
  }
}
