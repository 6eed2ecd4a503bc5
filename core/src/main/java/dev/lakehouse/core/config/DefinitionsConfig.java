package dev.lakehouse.core.config;

import dev.lakehouse.core.LakehouseException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where user definitions live, next to the built-in ones on the classpath.
 *
 * @param dir a folder with {@code gold/<table>.sql} and {@code views/<view>.yaml}; empty = built-ins only.
 *     A user file with a built-in's name replaces it.
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
