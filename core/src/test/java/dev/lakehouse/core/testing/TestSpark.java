package dev.lakehouse.core.testing;

import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.S3Config;
import dev.lakehouse.core.spark.SparkSessions;
import org.apache.spark.sql.SparkSession;

/** The one SparkSession of a test JVM: local[2], UI off, few shuffle partitions, AQE on. */
public final class TestSpark {

  private static SparkSession spark;

  private TestSpark() {}

  /** Created on first use with the S3 settings given then; later calls share it. */
  public static synchronized SparkSession session(S3Config s3) {
    if (spark == null) {
      LakehouseConfig defaults = ConfigLoader.defaultsOnly();
      LakehouseConfig config = defaults.withS3(s3);
      spark = SparkSessions.getOrCreate(config, "lakehouse-tests");
      Runtime.getRuntime().addShutdownHook(new Thread(spark::stop, "stop-test-spark"));
    }
    return spark;
  }
}
