package dev.lakehouse.bronze;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prints one line per micro-batch that moved data, for every streaming query of the session,
 * and keeps the totals per query. One per SparkSession, so lines are not repeated.
 */
final class IngestProgressLog extends StreamingQueryListener {

  private static final Logger LOG = LoggerFactory.getLogger(IngestProgressLog.class);
  private static final Map<SparkSession, IngestProgressLog> BY_SESSION =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private IngestProgressLog() {}

  /** The session's listener, registered on first use. */
  static IngestProgressLog of(SparkSession spark) {
    return BY_SESSION.computeIfAbsent(spark, session -> {
      IngestProgressLog log = new IngestProgressLog();
      session.streams().addListener(log);
      return log;
    });
  }

  private final Map<UUID, AtomicLong> rows = new ConcurrentHashMap<>();
  private final Map<UUID, AtomicLong> batches = new ConcurrentHashMap<>();

  /** Rows of one start of a query ({@code runId}; the query id stays the same across restarts). */
  long rows(UUID runId) {
    return rows.getOrDefault(runId, new AtomicLong()).get();
  }

  int batches(UUID runId) {
    return (int) batches.getOrDefault(runId, new AtomicLong()).get();
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
    LOG.info("{}: started", event.name());
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress progress = event.progress();
    if (progress.numInputRows() == 0) {
      return;
    }
    long total = rows.computeIfAbsent(progress.runId(), id -> new AtomicLong()).addAndGet(progress.numInputRows());
    batches.computeIfAbsent(progress.runId(), id -> new AtomicLong()).incrementAndGet();
    LOG.info(
        "{}: batch {} wrote {} records ({} records/s), {} in total",
        progress.name(),
        progress.batchId(),
        progress.numInputRows(),
        Math.round(progress.processedRowsPerSecond()),
        total);
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    if (event.exception().isDefined()) {
      LOG.debug("query {} terminated with {}", event.id(), event.exception().get());
    }
  }
}
