package dev.lakehouse.silver;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** The SQL pieces the upsert MERGEs share: quoted column lists and the version order. */
final class UpsertSql {

  private UpsertSql() {}

  static String quoted(String alias, String column) {
    return alias + ".`" + column.replace("`", "``") + "`";
  }

  /** {@code t.a = b.a AND t.b = b.b}. */
  static String matching(List<String> columns, String target, String source) {
    return columns.stream().map(column -> quoted(target, column) + " = " + quoted(source, column))
        .collect(Collectors.joining(" AND "));
  }

  /** {@code t.a = b.a, t.b = b.b} (UPDATE SET). */
  static String assignments(List<String> columns, String target, String source) {
    return columns.stream().map(column -> quoted(target, column) + " = " + quoted(source, column))
        .collect(Collectors.joining(", "));
  }

  /** {@code (`a`, `b`) VALUES (b.a, b.b)} (INSERT). */
  static String insert(List<String> columns, String source) {
    return "(" + columns.stream().map(column -> "`" + column.replace("`", "``") + "`").collect(Collectors.joining(", "))
        + ") VALUES (" + columns.stream().map(column -> quoted(source, column)).collect(Collectors.joining(", ")) + ")";
  }

  /** Whether the version {@code newer} comes after {@code older}: greater sequence, or equal and ingested later. */
  static String after(String sequence, String newer, String older) {
    String ingested = "ingested_at";
    return "(" + quoted(newer, sequence) + " > " + quoted(older, sequence) + " OR (" + quoted(newer, sequence) + " = "
        + quoted(older, sequence) + " AND " + quoted(newer, ingested) + " > " + quoted(older, ingested) + "))";
  }

  /**
   * Runs a MERGE with the run id as the commit's user metadata ({@code DESCRIBE HISTORY} shows
   * which run wrote it) and returns its metrics row.
   */
  static Row merge(SparkSession session, String sql, String runId) {
    String metadataKey = "spark.databricks.delta.commitInfo.userMetadata";
    session.conf().set(metadataKey, runId);
    try {
      return session.sql(sql).first();
    } finally {
      session.conf().unset(metadataKey);
    }
  }

  static long metric(Row metrics, String name) {
    return metrics.getLong(metrics.fieldIndex(name));
  }
}
