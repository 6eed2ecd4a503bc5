package dev.lakehouse.views;

import dev.lakehouse.core.spark.JobPhase;
import dev.lakehouse.core.storage.DeltaVersions;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;

/**
 * Has Delta compute a table's newest snapshot state (its files, a Spark job) in the background,
 * on one daemon thread: the next refresh's replace needs that state, and Delta computes it once
 * per version, so that refresh finds it done (~0.2 s off its path) as long as no other writer
 * commits between. Only a head start: a failure is logged, and the refresh computes it anyway.
 */
final class SnapshotWarmer implements AutoCloseable {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SnapshotWarmer.class);
  /** How long {@link #close} waits for a snapshot being computed (seconds on S3, as a rule). */
  private static final long CLOSE_WAIT_SECONDS = 60;

  private final SparkSession session;
  private final ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
      task -> {
        Thread warmer = new Thread(task, "view-snapshot-warmer");
        warmer.setDaemon(true);
        return warmer;
      });

  SnapshotWarmer(SparkSession session) {
    this.session = session;
    thread.allowCoreThreadTimeOut(true); // no idle thread kept per refresher
  }

  /** Computes the newest snapshot of the table at {@code path} in the background; {@code what} names it in the job list. */
  void warm(String what, String path) {
    thread.execute(() -> {
      session.sparkContext().clearJobGroup(); // the pool's thread inherited its creator's job properties
      JobPhase.begin(session, what);
      try {
        DeltaVersions.latestSnapshot(session, path).numOfFiles();
      } catch (Exception e) { // Scala throws undeclared ones too
        LOG.debug("{}: computing the table's file state failed: {}", what, e.toString());
      } finally {
        JobPhase.end(session);
      }
    });
  }

  /**
   * Takes no more work and waits for what is running: a Spark job still running when the process
   * stops Spark would end in errors, as a one-shot command exits right after its refresh.
   */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        LOG.debug("a snapshot still being computed after {} s; not waiting for it", CLOSE_WAIT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
