package dev.lakehouse.devtools;

import dev.lakehouse.bronze.BronzeIngest;
import org.apache.spark.sql.SparkSession;

/**
 * What Spark alone does with a topic: one batch read with bronze's Kafka poll options and bronze's
 * columns, written as plain parquet partitioned by {@code ingest_date} — no Delta log, no
 * statistics, no checkpoint. The physical limit bronze is measured against besides Kafka's own
 * consumer, which decodes no rows and writes nothing.
 */
final class PlainSparkIngest {

  private PlainSparkIngest() {}

  /** Seconds to read the whole topic and write it to {@code output}. */
  static double seconds(SparkSession spark, String bootstrapServers, String topic, String output) {
    long start = System.nanoTime();
    rows(spark, bootstrapServers, topic).write().mode("overwrite").partitionBy("ingest_date").parquet(output);
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * Seconds to read the whole topic and append it, in one batch write, to a new Delta table at
   * {@code output} created as bronze is (same partitioning and statistics): bronze's write without
   * the streaming query around it, which splits what bronze adds over plain Spark into the Delta
   * write's share and the stream's.
   */
  static double deltaSeconds(SparkSession spark, String bootstrapServers, String topic, String output) {
    long start = System.nanoTime();
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows = rows(spark, bootstrapServers, topic);
    BronzeIngest.createTable(spark, output, rows.schema());
    rows.write().format("delta").mode("append").partitionBy("ingest_date").save(output);
    return (System.nanoTime() - start) / 1e9;
  }

  /** Seconds of bronze's two halves apart: reading the topic, and writing those rows. */
  record Halves(double kafkaReadSeconds, double deltaWriteFromMemorySeconds) {}

  /**
   * Spark's two halves of bronze, each alone: the topic read into rows and discarded (Spark's
   * {@code noop} sink), then the same rows, cached beforehand, appended to a new Delta table at
   * {@code output} created as bronze is. A stream does both in one pass on the same cores, so the
   * sum is about what a batch costs; either alone bounds how fast bronze can be.
   */
  static Halves halves(SparkSession spark, String bootstrapServers, String topic, String output) {
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows = rows(spark, bootstrapServers, topic);
    long start = System.nanoTime();
    rows.write().format("noop").mode("overwrite").save();
    double read = (System.nanoTime() - start) / 1e9;
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> cached =
        rows.persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      cached.count();
      BronzeIngest.createTable(spark, output, cached.schema());
      start = System.nanoTime();
      cached.write().format("delta").mode("append").partitionBy("ingest_date").save(output);
      return new Halves(read, (System.nanoTime() - start) / 1e9);
    } finally {
      cached.unpersist();
    }
  }

  private static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> rows(SparkSession spark, String bootstrapServers,
      String topic) {
    return BronzeIngest.bronzeColumns(spark.read().format("kafka")
        .option("kafka.bootstrap.servers", bootstrapServers)
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        .option("endingOffsets", "latest")
        .options(BronzeIngest.KAFKA_POLL_OPTIONS)
        .load());
  }
}
