package dev.lakehouse.scheduler.service;

import dev.lakehouse.core.runs.RunLog;
import dev.lakehouse.core.runs.RunRecord;
import dev.lakehouse.core.storage.ConflictRetry;
import dev.lakehouse.core.storage.DeltaTableListing;
import dev.lakehouse.core.storage.Layer;
import dev.lakehouse.core.storage.TableLocations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily maintenance: OPTIMIZE (compacts small files; a {@code dataChange=false} commit, so
 * gold and views do not see it as new data) and VACUUM with a retention of at least 7 days, so
 * streams and time travel within that window never lose a file.
 */
final class TableMaintenance {

  private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);
  private static final List<Layer> LAYERS = List.of(Layer.BRONZE, Layer.SILVER, Layer.QUARANTINE, Layer.GOLD, Layer.VIEWS, Layer.SYSTEM);

  private final SparkSession spark;
  private final TableLocations locations;
  private final Duration retention;
  private final RunLog runs;

  TableMaintenance(SparkSession spark, TableLocations locations, Duration retention) {
    this.spark = spark;
    this.locations = locations;
    this.retention = retention;
    this.runs = new RunLog(spark, locations);
  }

  void run() {
    Instant started = Instant.now();
    List<String> failures = new ArrayList<>();
    List<DeltaTableListing.Found> tables = DeltaTableListing.list(spark, locations, LAYERS);
    for (DeltaTableListing.Found table : tables) {
      String name = table.layer().folder() + "/" + table.name();
      try {
        ConflictRetry.onConflict("optimize " + name, () -> spark.sql("OPTIMIZE delta.`" + table.path() + "`").count());
        spark.sql("VACUUM delta.`" + table.path() + "` RETAIN " + retention.toHours() + " HOURS").count();
        LOG.info("maintenance: {} optimized and vacuumed (retain {}h)", name, retention.toHours());
      } catch (RuntimeException e) {
        failures.add(name + ": " + e.getMessage());
        LOG.warn("maintenance of {} failed: {}", name, e.getMessage());
      }
    }
    runs.record(new RunRecord("maintenance-" + started.toEpochMilli(), "maintenance", tables.size() + " tables", started,
        Instant.now(), failures.isEmpty() ? RunRecord.SUCCEEDED : RunRecord.FAILED, tables.size(), tables.size() - failures.size(), 0,
        String.join("; ", failures)));
  }
}
