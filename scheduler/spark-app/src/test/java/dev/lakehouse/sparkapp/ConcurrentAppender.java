package dev.lakehouse.sparkapp;

import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.spark.SparkSessions;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * One of the two writer processes of {@link TwoWritersIT}: appends {@code commits} one-row
 * commits {@code (writer, n)} to a Delta table on S3, configured by the lakehouse variables.
 */
public final class ConcurrentAppender {

  private ConcurrentAppender() {}

  public static void main(String[] args) {
    String table = args[0];
    String writer = args[1];
    int commits = Integer.parseInt(args[2]);
    SparkSession spark = SparkSessions.getOrCreate(ConfigLoader.load(Optional.empty(), System.getenv()), "appender-" + writer);
    System.out.println("ready " + writer);
    if (commits == 0) { // create the empty table, so that the writers race for commits, not for its creation
      spark.sql("SELECT 'none' AS writer, 0 AS n").limit(0).write().format("delta").save(table);
    }
    for (int n = 0; n < commits; n++) {
      spark.sql("SELECT '" + writer + "' AS writer, " + n + " AS n").write().format("delta").mode("append").save(table);
    }
    System.out.println("appended " + commits + " commits as " + writer);
    spark.stop();
  }
}
