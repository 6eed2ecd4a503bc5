package dev.lakehouse.devtools;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.to_date;

import org.apache.spark.sql.SparkSession;

/**
 * What Spark alone does with a topic: one batch read with bronze's Kafka options and bronze's
 * columns, written as plain parquet partitioned by {@code ingest_date} — no Delta log, no
 * statistics, no checkpoint. The physical limit bronze is measured against besides Kafka's own
 * consumer, which decodes no rows and writes nothing.
 */
final class PlainSparkIngest {

  private PlainSparkIngest() {}

  /** Seconds to read the whole topic and write it to {@code output}. */
  static double seconds(SparkSession spark, String bootstrapServers, String topic, String output) {
    long start = System.nanoTime();
    spark.read().format("kafka")
        .option("kafka.bootstrap.servers", bootstrapServers)
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        .option("endingOffsets", "latest")
        .option("kafka.max.poll.records", "20000")
        .option("kafka.max.partition.fetch.bytes", Integer.toString(16 * 1024 * 1024))
        .option("kafka.fetch.max.bytes", Integer.toString(64 * 1024 * 1024))
        .load()
        .select(col("key").cast("string").as("key"), col("value").cast("string").as("value"), col("topic"),
            col("partition"), col("offset"), col("timestamp").as("kafka_timestamp"), current_timestamp().as("ingested_at"))
        .withColumn("ingest_date", to_date(col("ingested_at")))
        .write().mode("overwrite").partitionBy("ingest_date").parquet(output);
    return (System.nanoTime() - start) / 1e9;
  }
}
