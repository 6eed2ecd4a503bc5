package dev.lakehouse.serve;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.storage.DeltaTableListing;
import dev.lakehouse.core.storage.Layer;
import dev.lakehouse.core.storage.TableLocations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exposes every Delta table under {@code gold/} and {@code views/} as a view in database
 * {@code gold} or {@code views} of the session's catalog. Views over the Delta paths rather than
 * tables: JDBC clients list a view's columns ({@code getColumns}), a Delta table registered in a
 * metastore shows none; and each query reads the table's newest snapshot, so refreshed data needs
 * no re-registration. Only new tables, dropped tables and changed schemas do, at each {@link #sync}.
 */
final class TableRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(TableRegistry.class);

  /** A registered table: its database, name and Delta path. */
  record Exposed(String database, String name, String path) {
    String qualified() {
      return database + "." + name;
    }
  }

  private final SparkSession spark;
  private final TableLocations locations;
  private final Path catalogFolder;

  TableRegistry(SparkSession spark, TableLocations locations, Path catalogFolder) {
    this.spark = requireNonNull(spark, "spark is null");
    this.locations = requireNonNull(locations, "locations is null");
    this.catalogFolder = requireNonNull(catalogFolder, "catalogFolder is null");
  }

  /** Brings the catalog in line with storage; returns what is exposed. */
  synchronized List<Exposed> sync() {
    List<Exposed> exposed = new ArrayList<>();
    for (DeltaTableListing.Found table : DeltaTableListing.list(spark, locations, List.of(Layer.GOLD, Layer.VIEWS))) {
      if (table.name().matches("[a-z][a-z0-9_]*")) {
        exposed.add(new Exposed(table.layer().folder(), table.name(), table.path()));
      }
    }
    for (String database : List.of(Layer.GOLD.folder(), Layer.VIEWS.folder())) {
      // an empty folder Spark wants per database; elsewhere it would appear in the working directory
      spark.sql("CREATE DATABASE IF NOT EXISTS " + database + " LOCATION '" + catalogFolder.resolve(database + ".db").toUri() + "'");
      Set<String> wanted = new HashSet<>();
      exposed.stream().filter(table -> table.database().equals(database)).forEach(table -> {
        wanted.add(table.name());
        try {
          register(table);
        } catch (RuntimeException e) { // e.g. a table being created right now; the next sync retries
          LOG.warn("cannot expose {} yet: {}", table.qualified(), String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        }
      });
      for (Row existing : spark.sql("SHOW VIEWS IN " + database).collectAsList()) {
        String name = existing.getString(existing.fieldIndex("viewName"));
        if (!existing.getBoolean(existing.fieldIndex("isTemporary")) && !wanted.contains(name)) {
          spark.sql("DROP VIEW IF EXISTS " + database + "." + name);
          LOG.info("{}.{}: its table is gone; no longer exposed", database, name);
        }
      }
    }
    return exposed;
  }

  private void register(Exposed table) {
    StructType current = spark.read().format("delta").load(table.path()).schema();
    if (spark.catalog().tableExists(table.qualified()) && spark.table(table.qualified()).schema().equals(current)) {
      return;
    }
    spark.sql("CREATE OR REPLACE VIEW " + table.qualified() + " AS SELECT * FROM delta.`" + table.path().replace("`", "``") + "`");
    LOG.info("exposed {} ({} columns) over {}", table.qualified(), current.size(), table.path());
  }
}
