package dev.lakehouse.gold;

import static java.util.Objects.requireNonNull;

/**
 * One gold table: a SQL query over {@code silver_events} (the silver rows of the dates being
 * built) that returns an {@code event_date} column, by which the table is partitioned.
 *
 * @param table the gold table's name, from the file name
 * @param sql the query
 * @param origin where it was loaded from, for error messages
 */
public record GoldDefinition(String table, String sql, String origin) {

  /** The view name the queries read from. */
  public static final String SOURCE_VIEW = "silver_events";
  public static final String PARTITION_COLUMN = "event_date";

  public GoldDefinition {
    requireNonNull(table, "table is null");
    requireNonNull(sql, "sql is null");
    requireNonNull(origin, "origin is null");
  }
}
