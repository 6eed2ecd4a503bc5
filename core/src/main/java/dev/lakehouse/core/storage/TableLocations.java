package dev.lakehouse.core.storage;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.config.InvalidConfigException;
import dev.lakehouse.core.config.StorageConfig;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Turns (layer, table) into the table's path. The only place that builds storage paths, so
 * every table sits where DESIGN.md says any Delta reader will find it.
 */
public final class TableLocations {

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  private final String root;

  public TableLocations(StorageConfig storage) {
    requireNonNull(storage, "storage is null");
    this.root = normalizeRoot(storage.root());
  }

  /** The root as a URI ending in {@code /}: {@code s3a://bucket/prefix/} or {@code file:/abs/path/}. */
  public String root() {
    return root;
  }

  /** The folder holding a layer's tables, without a trailing {@code /}. */
  public String folder(Layer layer) {
    return root + layer.folder();
  }

  public String table(Layer layer, String name) {
    requireNonNull(layer, "layer is null");
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "table name must match " + NAME.pattern() + ", cannot be: " + name);
    }
    return root + layer.folder() + "/" + name;
  }

  public String bronze(String source) {
    return table(Layer.BRONZE, source);
  }

  public String silver(String table) {
    return table(Layer.SILVER, table);
  }

  public String quarantine(String table) {
    return table(Layer.QUARANTINE, table);
  }

  public String gold(String table) {
    return table(Layer.GOLD, table);
  }

  public String view(String view) {
    return table(Layer.VIEWS, view);
  }

  public String system(String table) {
    return table(Layer.SYSTEM, table);
  }

  public String checkpoint(String query) {
    return table(Layer.CHECKPOINTS, query);
  }

  /**
   * Local roots become {@code file:/abs/path/}, the form Hadoop and Delta record, so that a
   * location we pass and one Delta stored compare equal.
   */
  private static String normalizeRoot(String configured) {
    String root;
    if (configured.startsWith("s3a://")) {
      root = configured;
    } else {
      try {
        Path local = configured.startsWith("file:") ? Path.of(java.net.URI.create(configured)) : Path.of(configured);
        root = "file:" + local.toAbsolutePath().normalize();
      } catch (IllegalArgumentException e) {
        throw new InvalidConfigException("storage.root is not a valid path: " + configured, e);
      }
    }
    return root.endsWith("/") ? root : root + "/";
  }
}
