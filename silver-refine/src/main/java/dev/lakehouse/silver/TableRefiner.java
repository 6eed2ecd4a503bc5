package dev.lakehouse.silver;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;

import dev.lakehouse.core.definitions.SilverTableDefinition;
import dev.lakehouse.quality.SuiteValidator;
import dev.lakehouse.quality.Validation;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.quality.suite.ExpectationType;
import dev.lakehouse.silver.parse.RecordParser;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The refine rules of one silver table in one place (silver and {@code live.<table>} both use
 * them): parse bronze values by the table's declared columns, run the suite's row-level
 * expectations, split valid from quarantined rows, and keep the first arrival of each key.
 *
 * <p>A parsed frame holds the declared columns under their own names and bronze's Kafka columns
 * under {@code _bronze_<name>} (a table may well declare a column {@code key} or {@code value}),
 * except {@code ingested_at}, which silver keeps.
 */
public final class TableRefiner {

  public static final String BRONZE_PREFIX = "_bronze_";
  /** Working columns; a declared column cannot take these names (SilverTableLoader reserves the prefix). */
  private static final String PARSE_ERRORS = "_lakehouse_parse_errors";
  private static final String PARSED = "_lakehouse_parsed";
  private static final String ARRIVAL = "_lakehouse_arrival";
  /** Upsert tables: required columns missing from the record, a reason only when it is not a delete. */
  private static final String MISSING = "_lakehouse_missing";
  /** Upsert tables: the record deletes its key (Debezium {@code op: d} or the table's {@code deletes} predicate). */
  public static final String DELETE = "_lakehouse_delete";
  /** Debezium tables: a tombstone (a null value after a delete), skipped and counted. */
  public static final String TOMBSTONE = "_lakehouse_tombstone";
  private static final Column FAILED = size(col(Validation.FAILED_EXPECTATIONS)).gt(0);
  /** Bronze's columns, renamed on parse, in quarantine's order. */
  private static final List<String> BRONZE_COLUMNS = List.of("key", "value", "topic", "partition", "offset", "kafka_timestamp");

  /** quarantine.<table>, in order: the raw record, its coordinates and why it failed. */
  public static final List<String> QUARANTINE_COLUMNS =
      List.of("key", "value", "topic", "partition", "offset", "kafka_timestamp", "ingested_at",
          "failed_expectations", "run_id", "quarantined_at", "ingest_date");

  /** bronze/<source>'s columns, as DESIGN.md states them. */
  public static final StructType BRONZE_SCHEMA = new StructType()
      .add("key", DataTypes.StringType)
      .add("value", DataTypes.StringType)
      .add("topic", DataTypes.StringType)
      .add("partition", DataTypes.IntegerType)
      .add("offset", DataTypes.LongType)
      .add("kafka_timestamp", DataTypes.TimestampType)
      .add("ingested_at", DataTypes.TimestampType)
      .add("ingest_date", DataTypes.DateType);

  private final SilverTableDefinition table;
  private final ExpectationSuite rowSuite;
  private final SuiteValidator validator = new SuiteValidator();
  private final UserDefinedFunction parser;

  public TableRefiner(SilverTableDefinition table, ExpectationSuite suite) {
    this.table = requireNonNull(table, "table is null");
    this.rowSuite = new ExpectationSuite(suite.name(), suite.of(ExpectationType.Scope.ROW));
    this.parser = parserUdf(table);
  }

  public SilverTableDefinition table() {
    return table;
  }

  /**
   * Bronze rows with their parsed fields (and, for append tables, the UTC event date and the
   * derived columns). The parser gets the value's bytes as Kafka delivered them (a Java String
   * would already have replaced invalid UTF-8).
   */
  public Dataset<Row> parse(Dataset<Row> bronze) {
    List<Column> columns = new ArrayList<>();
    for (String name : BRONZE_COLUMNS) {
      columns.add(col(name).as(BRONZE_PREFIX + name));
    }
    columns.add(col("ingested_at"));
    columns.add(col("ingest_date").as(BRONZE_PREFIX + "ingest_date"));
    columns.add(parser.apply(col("value").cast("binary")).as(PARSED));
    Dataset<Row> parsed = bronze.select(columns.toArray(Column[]::new)).select(col("*"), col(PARSED + ".*")).drop(PARSED);
    for (Map.Entry<String, String> derived : table.derived().entrySet()) {
      parsed = parsed.withColumn(derived.getKey(), expr(derived.getValue()));
    }
    if (!table.isAppend()) {
      Column delete = col(DELETE);
      if (table.deletes().isPresent()) {
        delete = delete.or(coalesce(expr(table.deletes().get()), lit(false)));
      }
      // a delete needs only its key and sequence; other required columns matter for versions
      parsed = parsed.withColumn(DELETE, delete)
          .withColumn(PARSE_ERRORS, concat(col(PARSE_ERRORS),
              when(col(DELETE), array().cast(DataTypes.createArrayType(DataTypes.StringType, false))).otherwise(col(MISSING))))
          .drop(MISSING);
    }
    return parsed;
  }

  /** A parsed frame without rows: its schema is what parsing gives, derived columns included. */
  public Dataset<Row> emptyParsed(org.apache.spark.sql.SparkSession spark) {
    return parse(spark.createDataFrame(List.of(), BRONZE_SCHEMA));
  }

  /** silver.<table> without rows: its exact schema, in order. */
  public Dataset<Row> emptySilver(org.apache.spark.sql.SparkSession spark) {
    Dataset<Row> parsed = emptyParsed(spark);
    if (table.isHistory()) {
      Column sequence = col(table.sequenceColumn());
      parsed = parsed.withColumn(SilverTableDefinition.VALID_FROM, sequence).withColumn(SilverTableDefinition.VALID_TO, sequence)
          .withColumn(SilverTableDefinition.IS_CURRENT, lit(null).cast(DataTypes.BooleanType));
    }
    return parsed.select(silverColumns());
  }

  /**
   * Row-level validation; {@code failed_expectations} also lists parse errors. Debezium
   * tombstones are left out (see {@link #tombstones}); deletes need only a valid key and
   * sequence, so the suite is not run on them.
   */
  public Refined validate(Dataset<Row> parsed, String runId) {
    if (table.isAppend()) {
      Validation validation = validator.validate(parsed, rowSuite, runId + "-rows");
      Dataset<Row> annotated = withParseErrors(validation.rows());
      return new Refined(annotated.where(not(FAILED)), annotated.where(FAILED), validation);
    }
    Dataset<Row> records = parsed.where(not(col(TOMBSTONE))).drop(TOMBSTONE);
    Validation validation = validator.validate(records.where(not(col(DELETE))), rowSuite, runId + "-rows");
    Dataset<Row> deletes = records.where(col(DELETE)).withColumn(Validation.FAILED_EXPECTATIONS, col(PARSE_ERRORS))
        .drop(PARSE_ERRORS);
    Dataset<Row> annotated = withParseErrors(validation.rows()).unionByName(deletes);
    return new Refined(annotated.where(not(FAILED)), annotated.where(FAILED), validation);
  }

  /** The Debezium tombstones of a parsed frame (none for other formats). */
  public long tombstones(Dataset<Row> parsed) {
    return table.isAppend() ? 0 : parsed.where(col(TOMBSTONE)).count();
  }

  /**
   * The order of a key's versions, newest first: greater sequence, then (equal sequence) the later
   * arrival: bronze ingest time, Kafka offset, partition.
   */
  public Column[] newestFirst() {
    return new Column[] {col(table.sequenceColumn()).desc(), col("ingested_at").desc(), col(BRONZE_PREFIX + "offset").desc(),
        col(BRONZE_PREFIX + "partition").desc()};
  }

  /** Upsert tables: one row per key, its newest version (a delete included). */
  public Dataset<Row> latestPerKey(Dataset<Row> valid) {
    return newest(valid, keyColumns());
  }

  /** Upsert tables: one row per key and sequence, the later arrival of a repeated version. */
  public Dataset<Row> latestPerVersion(Dataset<Row> valid) {
    List<Column> partition = new ArrayList<>(List.of(keyColumns()));
    partition.add(col(table.sequenceColumn()));
    return newest(valid, partition.toArray(Column[]::new));
  }

  private Dataset<Row> newest(Dataset<Row> valid, Column[] partition) {
    return valid.withColumn(ARRIVAL, row_number().over(Window.partitionBy(partition).orderBy(newestFirst())))
        .where(col(ARRIVAL).equalTo(1))
        .drop(ARRIVAL);
  }

  /**
   * The rows that would pass {@link #validate}, without its report (no count or sample queries);
   * runs Deequ's metric pass over {@code parsed} until one run gave the row checks to keep (see
   * {@link #validRowsWithoutARun}).
   */
  public Dataset<Row> validRows(Dataset<Row> parsed) {
    return withParseErrors(validator.annotateRows(parsed, rowSuite)).where(not(FAILED));
  }

  /** Whether {@link #validRows} of {@code parsed} is a projection, with no Spark job of its own. */
  public boolean validRowsWithoutARun(Dataset<Row> parsed) {
    return validator.annotatesWithoutARun(parsed.schema(), rowSuite);
  }

  /**
   * Whether no valid row can lack a key column: each is {@code required} (parsing quarantines a
   * record without it) or has a row-level not-null expectation without a row condition (whose
   * failures are quarantined, whatever their severity). Then {@link #firstArrivals} holds exactly
   * one row per key value.
   */
  public boolean validRowsHaveKeys() {
    return table.key().stream().allMatch(key -> requiredColumn(key) || rowSuite.expectations().stream()
        .anyMatch(expectation -> expectation.type() == ExpectationType.EXPECT_COLUMN_VALUES_TO_NOT_BE_NULL
            && expectation.column().filter(key::equals).isPresent() && !expectation.kwargs().has("row_condition")));
  }

  private boolean requiredColumn(String name) {
    return table.columns().stream().anyMatch(column -> column.name().equals(name) && column.required());
  }

  /** One row per key: the first to arrive (ingest time, then Kafka time and position). */
  public Dataset<Row> firstArrivals(Dataset<Row> valid) {
    return valid
        .withColumn(ARRIVAL, row_number().over(Window.partitionBy(keyColumns())
            .orderBy(col("ingested_at"), col(BRONZE_PREFIX + "kafka_timestamp"), col(BRONZE_PREFIX + "partition"),
                col(BRONZE_PREFIX + "offset"))))
        .where(col(ARRIVAL).equalTo(1))
        .drop(ARRIVAL);
  }

  /** Silver's columns, in order, of a parsed (and validated) frame. */
  public Column[] silverColumns() {
    return table.silverColumns().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }

  /** Silver's columns plus the Kafka coordinates that order arrivals (what the live tail keeps). */
  public Column[] silverColumnsWithArrival() {
    List<Column> columns = new ArrayList<>(List.of(silverColumns()));
    for (String name : List.of("kafka_timestamp", "partition", "offset")) {
      columns.add(col(BRONZE_PREFIX + name));
    }
    return columns.toArray(Column[]::new);
  }

  /** Failed rows as quarantine stores them (bronze's names again), without run_id and quarantined_at. */
  public Dataset<Row> quarantineRecords(Dataset<Row> quarantined) {
    List<Column> columns = new ArrayList<>();
    for (String name : BRONZE_COLUMNS) {
      columns.add(col(BRONZE_PREFIX + name).as(name));
    }
    columns.add(col("ingested_at"));
    columns.add(col(Validation.FAILED_EXPECTATIONS));
    columns.add(col(BRONZE_PREFIX + "ingest_date").as("ingest_date"));
    return quarantined.select(columns.toArray(Column[]::new));
  }

  public Column[] keyColumns() {
    return table.key().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }

  private static Dataset<Row> withParseErrors(Dataset<Row> annotated) {
    return annotated
        .withColumn(Validation.FAILED_EXPECTATIONS, concat(col(PARSE_ERRORS), col(Validation.FAILED_EXPECTATIONS)))
        .drop(PARSE_ERRORS);
  }

  /** Valid rows, failed rows (with reasons), and the row-level validation result. */
  public record Refined(Dataset<Row> valid, Dataset<Row> quarantined, Validation validation) {}

  /** What the parser UDF returns: the declared columns, event_date (append), _extra (keep), parse_errors. */
  static StructType parsedSchema(SilverTableDefinition table) {
    StructType schema = table.parsedSchema();
    if (table.isAppend()) {
      schema = schema.add(SilverTableDefinition.EVENT_DATE, DataTypes.DateType, true);
    }
    if (table.unknownFields() == SilverTableDefinition.UnknownFields.KEEP) {
      schema = schema.add(SilverTableDefinition.EXTRA, DataTypes.StringType, true);
    }
    schema = schema.add(PARSE_ERRORS, DataTypes.createArrayType(DataTypes.StringType, false), false);
    if (!table.isAppend()) {
      schema = schema.add(MISSING, DataTypes.createArrayType(DataTypes.StringType, false), false)
          .add(DELETE, DataTypes.BooleanType, false)
          .add(TOMBSTONE, DataTypes.BooleanType, false);
    }
    return schema;
  }

  private static UserDefinedFunction parserUdf(SilverTableDefinition table) {
    RecordParser parser = new RecordParser(table);
    int eventTimeIndex = table.isAppend() ? table.columns().indexOf(table.column(table.eventTimeColumn()).orElseThrow()) : -1;
    boolean keep = table.unknownFields() == SilverTableDefinition.UnknownFields.KEEP;
    boolean upsert = !table.isAppend();
    UDF1<byte[], Row> parse = value -> {
      RecordParser.Parsed parsed;
      try {
        parsed = parser.parse(value);
      } catch (RuntimeException | StackOverflowError e) { // one bad record must never fail the batch
        parsed = parser.failed("parse: internal error: " + e);
      }
      List<Object> fields = new ArrayList<>(parsed.values().length + 3);
      java.util.Collections.addAll(fields, parsed.values());
      if (eventTimeIndex >= 0) {
        Object time = parsed.values()[eventTimeIndex];
        fields.add(time == null ? null : ((Instant) time).atOffset(ZoneOffset.UTC).toLocalDate());
      }
      if (keep) {
        fields.add(parsed.extra());
      }
      fields.add(parsed.errors().toArray(String[]::new));
      if (upsert) {
        fields.add(parsed.missing().toArray(String[]::new));
        fields.add(parsed.delete());
        fields.add(parsed.tombstone());
      }
      return RowFactory.create(fields.toArray());
    };
    // deterministic, but marked otherwise so the optimizer never copies the call into the
    // expressions that read its fields (a filter pushed below the projection would parse each
    // record once more per field it reads)
    return org.apache.spark.sql.functions.udf(parse, parsedSchema(table)).asNondeterministic();
  }
}
