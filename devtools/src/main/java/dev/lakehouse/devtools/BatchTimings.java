package dev.lakehouse.devtools;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryListener;

/**
 * Every micro-batch of the session's streaming queries that moved data: its rows and how long the
 * batch took from trigger to commit. The first batch of a query also pays for planning, code
 * generation and creating the table, so the steady-state rate leaves it out.
 */
final class BatchTimings extends StreamingQueryListener {

  record Batch(long rows, long millis) {}

  private final List<Batch> batches = new CopyOnWriteArrayList<>();

  static BatchTimings listenTo(SparkSession spark) {
    BatchTimings timings = new BatchTimings();
    spark.streams().addListener(timings);
    return timings;
  }

  void stopListening(SparkSession spark) {
    spark.streams().removeListener(this);
  }

  List<Batch> batches() {
    return List.copyOf(batches);
  }

  /** Rows per second over every batch but the first; over all of them when there is only one. */
  double steadyRowsPerSecond() {
    List<Batch> counted = batches.size() > 1 ? batches.subList(1, batches.size()) : batches;
    long rows = counted.stream().mapToLong(Batch::rows).sum();
    long millis = counted.stream().mapToLong(Batch::millis).sum();
    return rows / Math.max(0.001, millis / 1000.0);
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    if (event.progress().numInputRows() > 0) {
      Long millis = event.progress().durationMs().get("triggerExecution");
      batches.add(new Batch(event.progress().numInputRows(), millis == null ? 0 : millis));
    }
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}
}
