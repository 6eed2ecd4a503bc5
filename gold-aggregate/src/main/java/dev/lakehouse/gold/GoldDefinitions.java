package dev.lakehouse.gold;

import dev.lakehouse.core.LakehouseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Loads gold definitions: the built-in ones from the classpath ({@code gold/<table>.sql}), or,
 * when a definitions folder is set, every {@code <table>.sql} of its {@code gold/} folder and no
 * others (the folder is the whole pipeline). No recompiling to add a gold table.
 */
public final class GoldDefinitions {

  /** The tables of DESIGN.md, shipped in this module's resources. */
  public static final List<String> BUILT_IN = List.of("daily_event_metrics", "user_daily", "product_daily", "daily_funnel");

  private static final Pattern TABLE_NAME = Pattern.compile("[a-z][a-z0-9_]*");

  private GoldDefinitions() {}

  /** The built-ins, or {@code userFolder}'s files only, sorted by table name. */
  public static List<GoldDefinition> load(Optional<Path> userFolder) {
    Map<String, GoldDefinition> definitions = new TreeMap<>();
    if (userFolder.isPresent()) {
      fromFolder(userFolder.get()).forEach(definition -> definitions.put(definition.table(), definition));
      return List.copyOf(definitions.values());
    }
    for (String table : BUILT_IN) {
      definitions.put(table, builtIn(table));
    }
    return List.copyOf(definitions.values());
  }

  private static GoldDefinition builtIn(String table) {
    String resource = "gold/" + table + ".sql";
    try (InputStream in = GoldDefinitions.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      return new GoldDefinition(table, new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + resource);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<GoldDefinition> fromFolder(Path folder) {
    if (!Files.isDirectory(folder)) {
      throw LakehouseException.of("cannot load gold definitions", folder.toAbsolutePath() + " is not a folder",
          "create it with one <table>.sql file per gold table, or unset definitions.dir (LAKEHOUSE_DEFINITIONS_DIR)");
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".sql")).sorted().map(GoldDefinitions::fromFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static GoldDefinition fromFile(Path file) {
    String fileName = file.getFileName().toString();
    String table = fileName.substring(0, fileName.length() - ".sql".length());
    if (!TABLE_NAME.matcher(table).matches()) {
      throw new LakehouseException("gold definition " + file + ": the file name must be <table>.sql with a table name"
          + " of lower-case letters, digits and _ (starting with a letter), cannot be: " + table);
    }
    try {
      String sql = Files.readString(file, StandardCharsets.UTF_8);
      if (sql.lines().map(String::strip).allMatch(line -> line.isEmpty() || line.startsWith("--"))) {
        throw new LakehouseException("gold definition " + file + " holds no query; write a SELECT over "
            + "the silver tables that returns " + GoldDefinition.PARTITION_COLUMN);
      }
      return new GoldDefinition(table, sql, file.toString());
    } catch (IOException e) {
      throw new LakehouseException("cannot read gold definition " + file + ": " + e.getMessage(), e);
    }
  }
}
