package dev.lakehouse.bronze;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Prints one line per micro-batch that moved data, and keeps the totals per query. */
final class IngestProgressLog extends StreamingQueryListener {

  private static final Logger LOG = LoggerFactory.getLogger(IngestProgressLog.class);

  private final Map<UUID, AtomicLong> rows = new ConcurrentHashMap<>();
  private final Map<UUID, AtomicLong> batches = new ConcurrentHashMap<>();

  long rows(UUID queryId) {
    return rows.getOrDefault(queryId, new AtomicLong()).get();
  }

  int batches(UUID queryId) {
    return (int) batches.getOrDefault(queryId, new AtomicLong()).get();
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
    long total = rows.computeIfAbsent(progress.id(), id -> new AtomicLong()).addAndGet(progress.numInputRows());
    batches.computeIfAbsent(progress.id(), id -> new AtomicLong()).incrementAndGet();
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
