package dev.lakehouse.devtools;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.to_date;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;

/**
 * What a data engineer would write by hand for bronze → silver without a framework: parse the
 * JSON with a fixed schema, drop rows without an id or a time, keep one row per event_id, write
 * the result partitioned by event_date. No quality rules, no quarantine, no MERGE with what silver
 * already holds, no run records: the floor the silver run is compared with.
 */
final class PlainSilverBaseline {

  private static final String SCHEMA = "event_id STRING, event_time STRING, user_id STRING, session_id STRING,"
      + " event_type STRING, page STRING, product_id STRING, amount DECIMAL(18,2), currency STRING";

  private PlainSilverBaseline() {}

  /** Seconds to parse, dedupe and write {@code bronzePath} into a fresh table at {@code outputPath}; rows written. */
  static Timed run(SparkSession spark, String bronzePath, String outputPath) {
    long start = System.nanoTime();
    spark.sparkContext().setJobDescription("bench silver: plain parse + dropDuplicates + partitioned write");
    Dataset<Row> parsed = spark.read().format("delta").load(bronzePath)
        .select(from_json(col("value"), DataType.fromDDL(SCHEMA)).as("event"), col("ingested_at"))
        .select(col("event.*"), col("ingested_at"))
        .withColumn("event_time", col("event_time").cast("timestamp"))
        .where(col("event_id").isNotNull().and(col("event_time").isNotNull()))
        .dropDuplicates("event_id")
        .withColumn("event_date", to_date(col("event_time")));
    parsed.write().format("delta").mode("overwrite").partitionBy("event_date").save(outputPath);
    double seconds = (System.nanoTime() - start) / 1e9;
    long rows = spark.read().format("delta").load(outputPath).count();
    return new Timed(seconds, rows);
  }

  record Timed(double seconds, long rows) {}
}
