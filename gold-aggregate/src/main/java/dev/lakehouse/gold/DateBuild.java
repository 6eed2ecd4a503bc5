package dev.lakehouse.gold;

import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;

/**
 * What building one event date did.
 *
 * @param silverVersions the version read of each silver table
 * @param silverRows silver rows of that date
 * @param rowsByTable gold rows written per table, in build order
 */
public record DateBuild(LocalDate date, String reason, Map<String, Long> silverVersions, long silverRows, Map<String, Long> rowsByTable,
    Duration duration) {

  public DateBuild {
    rowsByTable = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(rowsByTable));
    silverVersions = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(silverVersions));
  }

  /** {@code 12} for one silver table, {@code events 12, orders 3} for several. */
  public String silverVersion() {
    return GoldPlan.versionText(silverVersions);
  }
}
