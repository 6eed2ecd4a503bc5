package dev.lakehouse.localminio;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.process.BackgroundProcess;
import dev.lakehouse.core.process.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An S3-compatible server (s3proxy with a filesystem backend) in its own JVM, for machines
 * without Docker. It speaks the same S3 API as MinIO, so S3A and the MinIO client reach either
 * with the same settings. State, log and pid file live in {@code stateDir}.
 */
public final class LocalS3Server {

  /** Where the build copies the server jar, relative to the project home. */
  public static final String JAR = "local-minio/target/s3-server/s3proxy.jar";

  private static final String HOST = "127.0.0.1";

  private final Path stateDir;
  private final Path jar;
  private final int port;
  private final S3Credentials credentials;
  private final BackgroundProcess process;

  public LocalS3Server(Path stateDir, Path jar, int port, S3Credentials credentials) {
    this.stateDir = requireNonNull(stateDir, "stateDir is null").toAbsolutePath();
    this.jar = requireNonNull(jar, "jar is null").toAbsolutePath();
    this.port = port;
    this.credentials = requireNonNull(credentials, "credentials is null");
    this.process = new BackgroundProcess("s3", this.stateDir);
  }

  public String endpoint() {
    return "http://" + HOST + ":" + port;
  }

  public Optional<ProcessHandle> running() {
    return process.running();
  }

  public Path logFile() {
    return process.logFile();
  }

  /** Starts the server unless it runs already; true if this call started it. */
  public boolean start(boolean detached, Duration timeout) {
    if (process.running().isPresent()) {
      if (!Ports.await(() -> Ports.isListening(HOST, port), timeout, () -> false)) {
        throw new LakehouseException(
            "a local S3 server is running (pid file in " + stateDir + ") but not listening on "
                + port + "; stop it with `lakehouse local down` and start it again");
      }
      return false;
    }
    if (Ports.isListening(HOST, port)) {
      throw LakehouseException.of(
          "cannot start the local S3 server",
          "port " + port + " is already in use by another process",
          "stop that process, or choose another port with LAKEHOUSE_LOCAL_S3_PORT (and point"
              + " LAKEHOUSE_S3_ENDPOINT at it)");
    }
    if (!Files.isRegularFile(jar)) {
      throw LakehouseException.of(
          "cannot start the local S3 server",
          "its jar is not at " + jar,
          "build the project first (`./lakehouse` does, or `mvn -DskipTests package`)");
    }
    Path properties = writeConfiguration();
    List<String> command =
        List.of(
            BackgroundProcess.javaExecutable(), "-Xmx512m", "-jar", jar.toString(),
            "--properties", properties.toString());
    process.startAndAwait(command, stateDir, detached, timeout, () -> Ports.isListening(HOST, port),
        "the local S3 server did not listen on " + port);
    return true;
  }

  public boolean stop() {
    return process.stop(Duration.ofSeconds(15));
  }

  private static void ownerOnly(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) { // not a POSIX file system (Windows): its ACLs apply
    }
  }

  private Path writeConfiguration() {
    try {
      Path data = Files.createDirectories(stateDir.resolve("s3-data"));
      Path properties = stateDir.resolve("s3proxy.conf");
      // it holds the S3 secret: readable by its owner only, set before the secret is written
      if (!Files.exists(properties)) {
        Files.createFile(properties);
      }
      ownerOnly(properties);
      Files.writeString(
          properties,
          String.join(
              "\n",
              "# written by lakehouse local up",
              "s3proxy.endpoint=" + endpoint(),
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + credentials.accessKey(),
              "s3proxy.credential=" + credentials.secretKey(),
              "jclouds.provider=filesystem-nio2",
              "jclouds.identity=" + credentials.accessKey(),
              "jclouds.credential=" + credentials.secretKey(),
              "jclouds.filesystem.basedir=" + data,
              ""));
      return properties;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
