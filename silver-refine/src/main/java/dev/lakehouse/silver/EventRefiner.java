package dev.lakehouse.silver;

import static org.apache.spark.sql.functions.call_udf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.to_date;

import dev.lakehouse.quality.SuiteValidator;
import dev.lakehouse.quality.Validation;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.quality.suite.ExpectationType;
import dev.lakehouse.silver.parse.EventParser;
import dev.lakehouse.silver.parse.ParsedEvent;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.Window;

/**
 * The refine rules in one place (silver and {@code live.events} both use them): parse bronze
 * values strictly, run the suite's row-level expectations, split valid from quarantined rows,
 * and keep the first arrival of each {@code event_id}.
 */
public final class EventRefiner {

  private static final String PARSE_UDF = "lakehouse_parse_clickstream";
  private static final Column FAILED = size(col(Validation.FAILED_EXPECTATIONS)).gt(0);

  private final ExpectationSuite rowSuite;
  private final SuiteValidator validator = new SuiteValidator();

  public EventRefiner(SparkSession spark, ExpectationSuite suite) {
    this.rowSuite = new ExpectationSuite(suite.name(), suite.of(ExpectationType.Scope.ROW));
    spark.udf().register(PARSE_UDF, (UDF1<byte[], Row>) EventRefiner::parseToRow, SilverSchema.PARSED);
  }

  /**
   * Bronze rows with their parsed fields, UTC event date and hour. The parser gets the value's
   * bytes as Kafka delivered them (a Java String would already have replaced invalid UTF-8).
   */
  public Dataset<Row> parse(Dataset<Row> bronze) {
    return bronze
        .withColumn("parsed", call_udf(PARSE_UDF, col("value").cast("binary")))
        .select(col("*"), col("parsed.*"))
        .drop("parsed")
        .withColumn("event_date", to_date(col("event_time")))
        .withColumn("event_hour", hour(col("event_time")));
  }

  /** Row-level validation; {@code failed_expectations} also lists parse errors. */
  public Refined validate(Dataset<Row> parsed, String runId) {
    Validation validation = validator.validate(parsed, rowSuite, runId + "-rows");
    Dataset<Row> annotated = withParseErrors(validation.rows());
    return new Refined(annotated.where(org.apache.spark.sql.functions.not(FAILED)), annotated.where(FAILED), validation);
  }

  /** The rows that would pass {@link #validate}, without its report (no count or sample queries). */
  public Dataset<Row> validRows(Dataset<Row> parsed) {
    return withParseErrors(validator.annotateRows(parsed, rowSuite)).where(org.apache.spark.sql.functions.not(FAILED));
  }

  private static Dataset<Row> withParseErrors(Dataset<Row> annotated) {
    return annotated
        .withColumn(Validation.FAILED_EXPECTATIONS, concat(col("parse_errors"), col(Validation.FAILED_EXPECTATIONS)))
        .drop("parse_errors");
  }

  /** One row per event_id: the first to arrive (ingest time, then Kafka time and position). */
  public static Dataset<Row> firstArrivals(Dataset<Row> valid) {
    return valid
        .withColumn("arrival", row_number().over(Window.partitionBy("event_id")
            .orderBy(col("ingested_at"), col("kafka_timestamp"), col("partition"), col("offset"))))
        .where(col("arrival").equalTo(1))
        .drop("arrival");
  }

  /** Valid rows, failed rows (with reasons), and the row-level validation result. */
  public record Refined(Dataset<Row> valid, Dataset<Row> quarantined, Validation validation) {}

  private static Row parseToRow(byte[] value) {
    ParsedEvent event;
    try {
      event = EventParser.parse(value);
    } catch (RuntimeException | StackOverflowError e) { // one bad record must never fail the batch
      event = EventParser.failed("parse: internal error: " + e);
    }
    // an Instant, not java.sql.Timestamp: Spark converts a Timestamp from the hybrid Julian
    // calendar, which moves instants before 1582 by days; an Instant stays proleptic Gregorian
    return RowFactory.create(
        event.eventId(),
        event.eventTime(),
        event.userId(),
        event.sessionId(),
        event.eventType(),
        event.page(),
        event.productId(),
        event.amount() == null ? null : event.amount().doubleValue(),
        event.currency(),
        event.parseErrors().toArray(String[]::new));
  }
}
