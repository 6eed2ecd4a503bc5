package dev.lakehouse.core.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Removal of a temporary directory a started process (a test broker, S3 server, cluster, browser) worked in. */
public final class ScratchDirectory {

  private ScratchDirectory() {}

  /**
   * Deletes the directory and everything under it. Best effort: it runs when the process is gone
   * (often in a shutdown hook), and a file left in the system's temporary folder harms nothing.
   */
  public static void deleteQuietly(Path directory) {
    if (directory == null || !Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException ignored) {
      // see above: what is left is in the temporary folder
    }
  }
}
