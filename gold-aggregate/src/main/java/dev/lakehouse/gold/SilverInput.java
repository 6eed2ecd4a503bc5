package dev.lakehouse.gold;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A silver table as gold queries see it, under {@code <table>} and {@code silver_<table>} (the
 * built-in queries read {@code silver_events}): an append table's rows of the date being built,
 * or an upsert table whole (its current rows, or every version of a history table, for joins and
 * as-of joins). Upsert tables do not decide which dates are built: a dimension that changes does
 * not rebuild past dates.
 *
 * @param table the silver table's name
 * @param path its Delta table
 * @param schema its columns, for a table not created yet (then gold sees it empty); null: unknown
 * @param whole an upsert table, read whole rather than by date
 */
public record SilverInput(String table, String path, org.apache.spark.sql.types.StructType schema, boolean whole) {

  public SilverInput {
    requireNonNull(table, "table is null");
    requireNonNull(path, "path is null");
  }

  /** An append table. */
  public SilverInput(String table, String path, org.apache.spark.sql.types.StructType schema) {
    this(table, path, schema, false);
  }

  /** The names a gold query may use for this table. */
  public List<String> viewNames() {
    return List.of(table, "silver_" + table);
  }
}
