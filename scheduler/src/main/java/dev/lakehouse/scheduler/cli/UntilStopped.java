package dev.lakehouse.scheduler.cli;

import java.util.concurrent.CountDownLatch;
import org.apache.hadoop.util.ShutdownHookManager;

/** Keeps a command that serves (JDBC, the console) in the foreground until Ctrl-C/SIGTERM closes its server. */
final class UntilStopped {

  /** Before Spark's own hooks (priority 40–50), so clients are cut off while Spark is still up. */
  static final int STOP_PRIORITY = 100;

  private UntilStopped() {}

  static void serve(AutoCloseable server) throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(1);
    ShutdownHookManager.get().addShutdownHook(() -> {
      try {
        server.close();
      } catch (Exception e) {
        System.err.println("error: stopping " + server + ": " + e.getMessage());
      }
      stopped.countDown();
    }, STOP_PRIORITY);
    stopped.await();
  }
}
