package dev.lakehouse.core.spark;

import org.apache.spark.sql.SparkSession;

/**
 * Names the step of a run that the Spark jobs started next belong to: the Spark UI shows it as
 * the jobs' description, and benches sum job time by it. Inside a {@code foreachBatch} every job's
 * call site is the stream's {@code start()}, so without a name all of a batch's jobs look alike.
 */
public final class JobPhase {

  /** The local property carrying the step's name into each job's properties. */
  public static final String PROPERTY = "lakehouse.phase";

  private JobPhase() {}

  /** Jobs the calling thread starts from now on belong to {@code phase} (e.g. "silver events: parse"). */
  public static void begin(SparkSession spark, String phase) {
    spark.sparkContext().setJobDescription(phase);
    spark.sparkContext().setLocalProperty(PROPERTY, phase);
  }

  /**
   * Jobs the calling thread starts from now on belong to no named step and carry no description
   * (a pooled thread, e.g. Quartz's, would otherwise label its next jobs with this step).
   */
  public static void end(SparkSession spark) {
    spark.sparkContext().setLocalProperty(PROPERTY, null);
    spark.sparkContext().setJobDescription(null);
  }
}
