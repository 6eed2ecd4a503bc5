package dev.lakehouse.bronze;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_date;
import static org.apache.spark.sql.functions.current_timestamp;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.storage.TableLocations;
import io.delta.tables.DeltaTable;
import java.time.Duration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamReader;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka → {@code bronze/<source>}: one Structured Streaming query per source topic, writing the
 * raw records (value untouched, malformed ones included) with their Kafka coordinates.
 *
 * <p>Exactly once: the Delta sink commits each micro-batch together with its batch id under the
 * query's checkpoint ({@code _checkpoints/bronze_<source>}), so a restart, even after
 * {@code kill -9}, replays an unfinished batch idempotently and resumes at the next offset.
 */
public final class BronzeIngest {

  private static final Logger LOG = LoggerFactory.getLogger(BronzeIngest.class);
  /** Not {@code topic}: a bronze table holds one topic, and its min/max cost a string comparison per row. */
  private static final String STATISTICS_COLUMNS = "partition,offset,kafka_timestamp,ingested_at";
  /**
   * Fewer, larger polls: the consumer's 500 records and 1 MB per partition make a backlog cost
   * thousands of round trips (a cap that the raw consumer does not have).
   */
  public static final java.util.Map<String, String> KAFKA_POLL_OPTIONS = java.util.Map.of(
      "kafka.max.poll.records", "20000",
      "kafka.max.partition.fetch.bytes", Integer.toString(16 * 1024 * 1024),
      "kafka.fetch.max.bytes", Integer.toString(64 * 1024 * 1024));

  private final SparkSession spark;
  private final LakehouseConfig config;
  private final TableLocations locations;
  private final IngestProgressLog progress;

  public BronzeIngest(SparkSession spark, LakehouseConfig config) {
    this.spark = requireNonNull(spark, "spark is null");
    this.config = requireNonNull(config, "config is null");
    this.locations = new TableLocations(config.storage());
    this.progress = IngestProgressLog.of(spark);
  }

  public static String queryName(SourceConfig source) {
    return "bronze_" + source.name();
  }

  /** Ingests everything the topic holds now, then returns (AvailableNow). */
  public IngestResult runUntilCaughtUp(SourceConfig source) {
    if (!KafkaTopicCheck.topicExists(config.kafka().bootstrapServers(), source.topic(), config.ingest().brokerTimeout())) {
      throw KafkaTopicCheck.missingTopic(config.kafka().bootstrapServers(), source.topic());
    }
    long start = System.nanoTime();
    StreamingQuery query = start(source, Trigger.AvailableNow());
    awaitTermination(query, source);
    Duration duration = Duration.ofNanos(System.nanoTime() - start);
    return new IngestResult(
        source.name(), locations.bronze(source.name()), progress.rows(query.runId()), progress.batches(query.runId()), duration);
  }

  /**
   * Starts the continuous query with the configured trigger interval. A topic that does not
   * exist yet is waited for, so the service can start before the first producer.
   */
  public StreamingQuery startContinuous(SourceConfig source) {
    String bootstrap = config.kafka().bootstrapServers();
    Duration timeout = config.ingest().brokerTimeout();
    long waitingSince = System.nanoTime();
    while (!KafkaTopicCheck.topicExists(bootstrap, source.topic(), timeout)) {
      if (System.nanoTime() - waitingSince > Duration.ofSeconds(30).toNanos()) {
        LOG.info("waiting for topic '{}' to appear on {}", source.topic(), bootstrap);
        waitingSince = System.nanoTime();
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LakehouseException("interrupted while waiting for topic " + source.topic(), e);
      }
    }
    return start(source, Trigger.ProcessingTime(config.ingest().triggerInterval().toMillis()));
  }

  /** Waits for a query and turns its failure into a message a user can act on. */
  public void awaitTermination(StreamingQuery query, SourceConfig source) {
    try {
      query.awaitTermination();
    } catch (StreamingQueryException e) {
      throw translate(e, source);
    }
  }

  private StreamingQuery start(SourceConfig source, Trigger trigger) {
    String table = locations.bronze(source.name());
    spark.sparkContext().setJobDescription("bronze ingest " + source.topic() + " -> " + table);
    Dataset<Row> records = bronzeRecords(source);
    createTable(spark, table, records.schema());
    return records
          .writeStream()
          .queryName(queryName(source))
          .format("delta")
          .outputMode("append")
          .partitionBy("ingest_date")
          .option("checkpointLocation", locations.checkpoint(queryName(source)))
          .trigger(trigger)
        .start(table);
  }

  /**
   * Creates the bronze table before the first batch when it does not exist, so that it is created
   * with statistics on the partition, offset and times only: min/max of every ~200-byte value, key
   * and topic cost a comparison per row and skip nothing (bronze is read by version, never by value).
   */
  public static void createTable(SparkSession spark, String table, StructType schema) {
    if (DeltaTable.isDeltaTable(spark, table)) {
      return;
    }
    DeltaTable.createIfNotExists(spark)
        .location(table)
        .addColumns(dev.lakehouse.core.spark.NullableSchema.of(schema))
        .partitionedBy("ingest_date")
        .property("delta.dataSkippingStatsColumns", STATISTICS_COLUMNS)
        .execute();
  }

  /** The bronze.<source> columns of DESIGN.md, in order. */
  private Dataset<Row> bronzeRecords(SourceConfig source) {
    DataStreamReader reader =
        spark
            .readStream()
            .format("kafka")
            .option("kafka.bootstrap.servers", config.kafka().bootstrapServers())
            .option("subscribe", source.topic())
            .option("startingOffsets", "earliest")
            .option("failOnDataLoss", Boolean.toString(config.ingest().failOnDataLoss()))
            .option("kafka.request.timeout.ms", "30000")
            .option("kafka.default.api.timeout.ms", "60000")
            .options(KAFKA_POLL_OPTIONS);
    if (config.ingest().maxOffsetsPerTrigger() > 0) {
      reader = reader.option("maxOffsetsPerTrigger", Long.toString(config.ingest().maxOffsetsPerTrigger()));
    }
    return bronzeColumns(reader.load());
  }

  /** Bronze's columns of the Kafka source's rows (a stream's or a batch read's). */
  public static Dataset<Row> bronzeColumns(Dataset<Row> kafkaRows) {
    // CAST(binary AS STRING) keeps the bytes as they are: the value is stored untouched.
    return kafkaRows
        .select(
            col("key").cast("string").as("key"),
            col("value").cast("string").as("value"),
            col("topic"),
            col("partition"),
            col("offset"),
            col("timestamp").as("kafka_timestamp"),
            current_timestamp().as("ingested_at"),
            // the same instant's UTC date, as a constant: a stream swaps in each batch's time only
            // after optimizing, so to_date(ingested_at) was a time-zone conversion per row
            current_date().as("ingest_date"));
  }

  private static LakehouseException translate(StreamingQueryException e, SourceConfig source) {
    String message = String.valueOf(e.getMessage());
    if (message.contains("data may have been lost") || message.contains("failOnDataLoss")) {
      return LakehouseException.of(
          "bronze ingest of topic '" + source.topic() + "' stopped",
          "Kafka no longer holds offsets the checkpoint expects (retention expired, or the topic"
              + " was deleted and recreated), so those records were lost in Kafka",
          "to continue from the earliest offsets Kafka still has, rerun with"
              + " LAKEHOUSE_INGEST_FAIL_ON_DATA_LOSS=false (the gap stays a gap)");
    }
    Throwable cause = e;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return new LakehouseException(
        "bronze ingest of topic '" + source.topic() + "' failed: " + cause.getClass().getSimpleName()
            + ": " + cause.getMessage(), e);
  }
}
