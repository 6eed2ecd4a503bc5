package dev.lakehouse.localminio;

import dev.lakehouse.core.LakehouseException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Real MinIO through {@code local-minio/docker-compose.yml}, where a Docker engine answers. */
public final class DockerMinio {

  public static final String COMPOSE_FILE = "local-minio/docker-compose.yml";

  private DockerMinio() {}

  public static boolean engineAvailable() {
    try {
      Process process =
          new ProcessBuilder("docker", "info").redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public static void up(Path composeFile, int port, S3Credentials credentials, Path dataDir) {
    compose(composeFile, Map.of(
        "MINIO_PORT", Integer.toString(port),
        "MINIO_ROOT_USER", credentials.accessKey(),
        "MINIO_ROOT_PASSWORD", credentials.secretKey(),
        "MINIO_DATA_DIR", dataDir.toAbsolutePath().toString()), "up", "-d", "--wait");
  }

  public static void down(Path composeFile) {
    compose(composeFile, Map.of(), "down");
  }

  private static void compose(Path composeFile, Map<String, String> environment, String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("docker", "compose", "-f", composeFile.toString()));
    command.addAll(List.of(args));
    try {
      ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
      builder.environment().putAll(environment);
      Process process = builder.start();
      if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
        throw new LakehouseException("`" + String.join(" ", command) + "` failed; see its output above");
      }
    } catch (IOException e) {
      throw new LakehouseException("cannot run docker compose: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakehouseException("interrupted while running docker compose", e);
    }
  }
}
