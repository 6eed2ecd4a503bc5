package dev.lakehouse.core.config;

import dev.lakehouse.core.LakehouseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the pipeline's definitions live.
 *
 * @param dir a folder with {@code silver/}, {@code expectations/}, {@code gold/} and {@code views/}
 *     that is the whole pipeline; empty = the built-in pipeline on the classpath
 */
public record DefinitionsConfig(String dir) {

  public DefinitionsConfig {
    dir = dir == null ? "" : dir.trim();
  }

  public static DefinitionsConfig builtInOnly() {
    return new DefinitionsConfig("");
  }

  /**
   * The user folder of one kind of definition, e.g. {@code gold}, when a definitions folder is
   * configured and has that subfolder (a folder with only {@code views/} adds no gold tables).
   */
  public Optional<Path> folder(String kind) {
    if (dir.isEmpty()) {
      return Optional.empty();
    }
    Path base = Path.of(dir);
    if (!Files.isDirectory(base)) {
      throw LakehouseException.of("cannot load definitions", base.toAbsolutePath() + " is not a folder",
          "create it with gold/<table>.sql and views/<view>.yaml files, or unset definitions.dir (LAKEHOUSE_DEFINITIONS_DIR)");
    }
    Path folder = base.resolve(kind);
    return Files.isDirectory(folder) ? Optional.of(folder) : Optional.empty();
  }
}
