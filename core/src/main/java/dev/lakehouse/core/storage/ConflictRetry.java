package dev.lakehouse.core.storage;

import dev.lakehouse.core.LakehouseException;
import io.delta.exceptions.DeltaConcurrentModificationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a Delta write again when a concurrent writer committed a conflicting change first
 * (Delta's optimistic concurrency: the loser's commit is refused, nothing of it is written).
 * Only for writes that are idempotent or recomputed on each attempt, so a retry cannot change
 * anything twice.
 */
public final class ConflictRetry {

  private static final Logger LOG = LoggerFactory.getLogger(ConflictRetry.class);
  private static final int ATTEMPTS = 6;

  private ConflictRetry() {}

  public static <T> T onConflict(String what, Supplier<T> write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.get();
      } catch (DeltaConcurrentModificationException e) {
        if (attempt == ATTEMPTS) {
          throw new LakehouseException(what + " kept conflicting with concurrent writers (" + ATTEMPTS
              + " attempts); last conflict: " + e.getClass().getSimpleName(), e);
        }
        LOG.info("{}: a concurrent writer committed first ({}); retrying, attempt {}", what,
            e.getClass().getSimpleName(), attempt + 1);
        backOff(attempt);
      }
    }
  }

  public static void onConflict(String what, Runnable write) {
    onConflict(what, () -> {
      write.run();
      return null;
    });
  }

  /** Jittered exponential back-off, so two retrying writers do not collide again in lock step. */
  private static void backOff(int attempt) {
    long millis = (100L << Math.min(attempt, 5)) + ThreadLocalRandom.current().nextLong(100);
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakehouseException("interrupted while waiting to retry a Delta write", e);
    }
  }
}
