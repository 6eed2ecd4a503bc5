package dev.lakehouse.localminio;

import dev.lakehouse.core.ProjectHome;
import dev.lakehouse.core.config.S3Config;
import dev.lakehouse.core.process.Ports;
import dev.lakehouse.core.process.ScratchDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The one real S3 server of a test JVM, on a free port (never 9000), with one bucket; stopped
 * when the JVM exits, also after failed tests.
 */
public final class TestS3 {

  public static final String BUCKET = "lakehouse-test";
  public static final S3Credentials CREDENTIALS = new S3Credentials("test-access", "test-secret-key");

  private static LocalS3Server server;

  private TestS3() {}

  public static synchronized S3Config config() {
    if (server == null) {
      server = start();
    }
    return new S3Config(server.endpoint(), CREDENTIALS.accessKey(), CREDENTIALS.secretKey(), true, "us-east-1",
        2, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(20));
  }

  private static LocalS3Server start() {
    try {
      Path dataDir = Files.createTempDirectory("lakehouse-test-s3");
      LocalS3Server started =
          new LocalS3Server(
              dataDir,
              ProjectHome.resolve(LocalS3Server.JAR),
              Ports.freePort(),
              CREDENTIALS);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        started.stop();
        ScratchDirectory.deleteQuietly(dataDir);
      }, "stop-test-s3"));
      started.start(false, Duration.ofSeconds(60));
      BucketBootstrap.ensureBucket(started.endpoint(), CREDENTIALS, "us-east-1", BUCKET);
      return started;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
