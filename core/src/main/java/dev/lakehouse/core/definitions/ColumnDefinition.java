package dev.lakehouse.core.definitions;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/** One declared JSON field of a silver table: its name, type, and whether it must be present and not null. */
public record ColumnDefinition(String name, ColumnType type, boolean required) implements Serializable {

  public ColumnDefinition {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
  }
}
