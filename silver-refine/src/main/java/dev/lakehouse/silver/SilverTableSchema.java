package dev.lakehouse.silver;

import static org.apache.spark.sql.functions.lit;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.definitions.SilverTableDefinition;
import dev.lakehouse.core.storage.DeltaVersions;
import io.delta.tables.DeltaTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.Snapshot;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Keeps a silver table in step with its definition: creates it (with the key and mode recorded
 * as table properties), adds the columns a definition gained (older rows read null, no rewrite),
 * and refuses a changed column type, key or mode, which only a rebuild can apply.
 */
final class SilverTableSchema {

  static final String KEY_PROPERTY = "lakehouse.key";
  static final String MODE_PROPERTY = "lakehouse.mode";
  /** Upsert tables: the sequence column, which stored rows (and the delete log) are ordered by. */
  static final String SEQUENCE_PROPERTY = "lakehouse.sequence";

  private final SparkSession spark;
  private final SilverTableDefinition table;
  private final String path;

  SilverTableSchema(SparkSession spark, SilverTableDefinition table, String path) {
    this.spark = spark;
    this.table = table;
    this.path = path;
  }

  /** What stands between the definition and the table as it is, if anything (no change is made). */
  Optional<String> incompatibility(StructType wanted) {
    if (!DeltaTable.isDeltaTable(spark, path)) {
      return Optional.empty();
    }
    List<String> problems = new ArrayList<>();
    StructType existing = spark.read().format("delta").load(path).schema();
    for (StructField field : wanted.fields()) {
      existingField(existing, field.name()).filter(found -> !sameType(found, field)).ifPresent(found -> problems.add(
          "column " + field.name() + " is " + found.dataType().simpleString() + " in the table but "
              + field.dataType().simpleString() + " in " + table.origin()));
    }
    Map<String, String> properties = properties();
    String key = String.join(",", table.key());
    if (properties.containsKey(KEY_PROPERTY) && !properties.get(KEY_PROPERTY).equals(key)) {
      problems.add("the key is [" + properties.get(KEY_PROPERTY) + "] in the table but [" + key + "] in " + table.origin());
    }
    String mode = modeName();
    if (properties.containsKey(MODE_PROPERTY) && !properties.get(MODE_PROPERTY).equals(mode)) {
      problems.add("the mode is " + properties.get(MODE_PROPERTY) + " in the table but " + mode + " in " + table.origin());
    }
    String sequence = table.sequence().orElse("");
    if (properties.containsKey(SEQUENCE_PROPERTY) && !properties.get(SEQUENCE_PROPERTY).equals(sequence)) {
      problems.add("the sequence is " + properties.get(SEQUENCE_PROPERTY) + " in the table but " + sequence + " in "
          + table.origin());
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  /**
   * Makes the table ready for rows of {@code batch}'s schema and returns the batch with the
   * columns the table has beyond the definition (a column removed from it) as nulls.
   */
  Dataset<Row> prepare(Dataset<Row> batch, String rerunHint) {
    StructType wanted = batch.schema();
    if (!DeltaTable.isDeltaTable(spark, path)) {
      // two commits, each atomic: the empty table (version 0), then its key, mode and sequence. A
      // run killed between them leaves a table without those properties, which the next run's
      // prepare sets (below). Not DeltaTable.createIfNotExists with the properties (one commit):
      // after a run killed while creating, a _delta_log folder without a commit makes it a no-op,
      // and the MERGE then finds no table; a write creates version 0 whatever the folder holds
      DataFrameWriters.partitioned(batch.limit(0).write().format("delta"), table).save(path);
      setProperties();
      return batch;
    }
    refuseIncompatible(wanted, rerunHint);
    StructType existing = spark.read().format("delta").load(path).schema();
    String previous = null;
    for (StructField field : wanted.fields()) {
      if (existingField(existing, field.name()).isEmpty()) {
        // metadata-only commits: existing files are not rewritten and their rows read null; each
        // column goes where the definition has it, so silver keeps the documented column order
        spark.sql("ALTER TABLE delta.`" + path + "` ADD COLUMNS (`" + field.name() + "` " + field.dataType().sql()
            + (previous == null ? " FIRST" : " AFTER `" + previous + "`") + ")");
      }
      previous = field.name();
    }
    if (!properties().containsKey(KEY_PROPERTY)) {
      setProperties();
    }
    Dataset<Row> aligned = batch;
    for (StructField field : existing.fields()) {
      if (existingField(wanted, field.name()).isEmpty()) {
        aligned = aligned.withColumn(field.name(), lit(null).cast(field.dataType()));
      }
    }
    return aligned;
  }

  /**
   * Replaces the whole table with {@code rows}, with their schema, in one commit (an upsert
   * table's rebuild); returns the rows written.
   */
  long replace(Dataset<Row> rows, String runId) {
    Dataset<Row> cached = rows.cache();
    try {
      long count = cached.count();
      DataFrameWriters.partitioned(cached.write().format("delta").mode("overwrite").option("overwriteSchema", "true")
          .option("userMetadata", runId), table).save(path);
      Map<String, String> properties = properties();
      if (!wantedProperties().entrySet().stream().allMatch(entry -> entry.getValue().equals(properties.get(entry.getKey())))) {
        setProperties();
      }
      return count;
    } finally {
      cached.unpersist();
    }
  }

  /** {@code append}, {@code upsert} (the current state) or {@code upsert history}: what a table holds. */
  private String modeName() {
    return table.isHistory() ? "upsert history" : table.mode().name().toLowerCase(Locale.ROOT);
  }

  /** What the table records about how it is built, which later definitions are checked against. */
  private Map<String, String> wantedProperties() {
    Map<String, String> wanted = new java.util.LinkedHashMap<>();
    wanted.put(KEY_PROPERTY, String.join(",", table.key()));
    wanted.put(MODE_PROPERTY, modeName());
    table.sequence().ifPresent(sequence -> wanted.put(SEQUENCE_PROPERTY, sequence));
    return wanted;
  }

  /** Refuses to go on when the table does not match the definition in a way only a rebuild applies. */
  void refuseIncompatible(StructType wanted, String rerunHint) {
    incompatibility(wanted).ifPresent(problem -> {
      throw new LakehouseException("silver." + table.name() + " does not match its definition: " + problem
          + ". Such a change needs a rebuild: " + rerunHint);
    });
  }

  /** Records the key, mode and sequence the table is built with, which later definitions are checked against. */
  void setProperties() {
    String assignments = wantedProperties().entrySet().stream()
        .map(entry -> "'" + entry.getKey() + "' = '" + entry.getValue() + "'").collect(java.util.stream.Collectors.joining(", "));
    spark.sql("ALTER TABLE delta.`" + path + "` SET TBLPROPERTIES (" + assignments + ")");
  }

  /**
   * The table's properties, from its newest snapshot's metadata: not {@code DESCRIBE DETAIL}, which
   * also counts the table's files and bytes, a reconstruction of its whole state each batch.
   */
  private Map<String, String> properties() {
    Snapshot snapshot = DeltaVersions.latestSnapshot(spark, path);
    return scala.collection.JavaConverters.mapAsJavaMap(snapshot.metadata().configuration());
  }

  private static Optional<StructField> existingField(StructType schema, String name) {
    for (StructField field : schema.fields()) {
      if (field.name().equalsIgnoreCase(name)) {
        return Optional.of(field);
      }
    }
    return Optional.empty();
  }

  /** Types compared without nullability: Delta stores array elements as nullable whatever was written. */
  private static boolean sameType(StructField a, StructField b) {
    return a.dataType().simpleString().equals(b.dataType().simpleString());
  }

  /** How silver tables are partitioned. */
  static final class DataFrameWriters {
    private DataFrameWriters() {}

    static <T> org.apache.spark.sql.DataFrameWriter<T> partitioned(org.apache.spark.sql.DataFrameWriter<T> writer,
        SilverTableDefinition table) {
      return table.isAppend() ? writer.partitionBy(SilverTableDefinition.EVENT_DATE) : writer;
    }
  }
}
