package dev.lakehouse.gold;

import static java.util.Objects.requireNonNull;

/**
 * One gold table: a SQL query over the append silver tables (each holding its rows of the date
 * being built, see {@link SilverInput}) that returns an {@code event_date} column, by which the
 * table is partitioned.
 *
 * @param table the gold table's name, from the file name
 * @param sql the query
 * @param origin where it was loaded from, for error messages
 */
public record GoldDefinition(String table, String sql, String origin) {

  public static final String PARTITION_COLUMN = "event_date";

  public GoldDefinition {
    requireNonNull(table, "table is null");
    requireNonNull(sql, "sql is null");
    requireNonNull(origin, "origin is null");
  }
}
