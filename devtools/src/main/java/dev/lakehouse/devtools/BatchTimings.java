package dev.lakehouse.devtools;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryListener;

/**
 * Every micro-batch of the session's streaming queries that moved data: its rows and how long the
 * batch took from trigger to commit. The first batch of a query also pays for planning, code
 * generation and creating the table, so the steady-state rate leaves it out.
 */
final class BatchTimings extends StreamingQueryListener {

  record Batch(long rows, long millis, Map<String, Long> phases) {}

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

  /**
   * Milliseconds per phase of the micro-batches (Spark's names: addBatch is reading Kafka and
   * writing the files, latestOffset and walCommit/commitOffsets the bookkeeping around it), summed.
   */
  Map<String, Long> phaseMillis() {
    Map<String, Long> sums = new TreeMap<>();
    batches.forEach(batch -> batch.phases().forEach((phase, millis) -> sums.merge(phase, millis, Long::sum)));
    return sums;
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
      Map<String, Long> phases = new TreeMap<>(event.progress().durationMs());
      Long millis = phases.remove("triggerExecution");
      batches.add(new Batch(event.progress().numInputRows(), millis == null ? 0 : millis, phases));
    }
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}
}
