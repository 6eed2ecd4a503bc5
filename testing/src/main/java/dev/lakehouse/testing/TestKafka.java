package dev.lakehouse.testing;

import dev.lakehouse.core.ProjectHome;
import dev.lakehouse.localkafka.LocalKafkaBroker;
import dev.lakehouse.core.process.Ports;
import dev.lakehouse.core.process.ScratchDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The one real Kafka broker of a test JVM: started on free ports on first use, stopped when the
 * JVM exits (also after failed tests). Never on 9092, which a user's {@code local up} may hold.
 */
public final class TestKafka {

  private static LocalKafkaBroker broker;

  private TestKafka() {}

  public static synchronized String bootstrapServers() {
    if (broker == null) {
      broker = start();
    }
    return broker.bootstrapServers();
  }

  /** Stops the broker (a clean stop, as an operator's restart) and starts it again on the same ports and data. */
  public static synchronized void restart() {
    bootstrapServers();
    broker.stop();
    broker.start(false, Duration.ofSeconds(90));
  }

  private static LocalKafkaBroker start() {
    try {
      Path stateDir = Files.createTempDirectory("lakehouse-test-kafka");
      LocalKafkaBroker started =
          new LocalKafkaBroker(
              stateDir,
              ProjectHome.resolve(LocalKafkaBroker.LIBS),
              Ports.freePort(),
              Ports.freePort());
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        started.stop();
        ScratchDirectory.deleteQuietly(stateDir);
      }, "stop-test-kafka"));
      started.start(false, Duration.ofSeconds(90));
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
