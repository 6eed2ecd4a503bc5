package dev.lakehouse.silver;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
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
   * MERGE INTO the table at {@code path} (alias {@code silver}) USING {@code source} (alias
   * {@code batch}, a temp view in the source's own session, which foreachBatch hands over) with
   * {@code clauses} (the ON condition and the WHEN clauses). The commit carries the run id as its
   * user metadata ({@code DESCRIBE HISTORY} shows which run wrote it); the counts are the MERGE's
   * own metrics, not read from the table's history, where the newest commit may be another's.
   */
  static VersionWriter.Applied merge(Dataset<Row> source, String path, String view, String clauses, String runId) {
    SparkSession session = source.sparkSession();
    String metadataKey = "spark.databricks.delta.commitInfo.userMetadata";
    source.createOrReplaceTempView(view);
    session.conf().set(metadataKey, runId);
    try {
      Row metrics = session.sql("MERGE INTO delta.`" + path + "` AS silver USING " + view + " AS batch ON " + clauses).first();
      return new VersionWriter.Applied(metric(metrics, "num_inserted_rows"), metric(metrics, "num_updated_rows"),
          metric(metrics, "num_deleted_rows"));
    } finally {
      session.conf().unset(metadataKey);
      session.catalog().dropTempView(view);
    }
  }

  private static long metric(Row metrics, String name) {
    return metrics.getLong(metrics.fieldIndex(name));
  }
}
