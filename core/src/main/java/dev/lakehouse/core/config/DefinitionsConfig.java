package dev.lakehouse.core.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where user definitions live, next to the built-in ones on the classpath.
 *
 * @param dir a folder with {@code gold/<table>.sql} (and later {@code views/}); empty = built-ins only.
 *     A user file with a built-in's name replaces it.
 */
public record DefinitionsConfig(String dir) {

  public DefinitionsConfig {
    dir = dir == null ? "" : dir.trim();
  }

  public static DefinitionsConfig builtInOnly() {
    return new DefinitionsConfig("");
  }

  /** The user folder of one kind of definition, e.g. {@code gold}, if a folder is configured. */
  public Optional<Path> folder(String kind) {
    return dir.isEmpty() ? Optional.empty() : Optional.of(Path.of(dir, kind));
  }
}
