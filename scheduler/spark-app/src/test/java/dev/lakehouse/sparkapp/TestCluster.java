package dev.lakehouse.sparkapp;

import dev.lakehouse.core.ProjectHome;
import dev.lakehouse.core.process.Ports;
import dev.lakehouse.core.process.ScratchDirectory;
import dev.lakehouse.scheduler.local.LocalSparkCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The one Spark standalone cluster of this test JVM: a master and two workers (one core, 1 GB
 * each), processes of their own on free ports, run from the Spark distribution's jars only, and
 * stopped when the JVM exits, also after failed tests.
 */
public final class TestCluster {

  public static final int WORKERS = 2;

  private static LocalSparkCluster cluster;

  private TestCluster() {}

  public static synchronized LocalSparkCluster get() {
    if (cluster == null) {
      try {
        Path home = Files.createTempDirectory("lakehouse-test-cluster");
        LocalSparkCluster started = new LocalSparkCluster(home,
            ProjectHome.resolve(LocalSparkCluster.JARS), Ports.freePort(), Ports.freePort(), 1, "1g");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          started.stop();
          ScratchDirectory.deleteQuietly(home);
        }, "stop-test-cluster"));
        started.start(WORKERS, Duration.ofSeconds(90));
        cluster = started;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return cluster;
  }

  /** Brings the cluster back to {@link #WORKERS} workers after a test killed one. */
  public static void restoreWorkers() {
    get().start(WORKERS, Duration.ofSeconds(90));
  }
}
