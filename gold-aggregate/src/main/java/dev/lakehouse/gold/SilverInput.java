package dev.lakehouse.gold;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An append silver table as gold queries see it: the rows of the date being built, under
 * {@code <table>} and {@code silver_<table>} (the built-in queries read {@code silver_events}).
 *
 * @param table the silver table's name
 * @param path its Delta table
 * @param schema its columns, for a table not created yet (then gold sees it empty); null: unknown
 */
public record SilverInput(String table, String path, org.apache.spark.sql.types.StructType schema) {

  public SilverInput {
    requireNonNull(table, "table is null");
    requireNonNull(path, "path is null");
  }

  /** The names a gold query may use for this table. */
  public List<String> viewNames() {
    return List.of(table, "silver_" + table);
  }
}
