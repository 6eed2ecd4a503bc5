package dev.lakehouse.core.definitions;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The built-in clickstream pipeline: definition files on the classpath, each in the module that
 * runs it, listed here so {@code init} can copy them and the catalog can load them like a folder.
 */
public final class BuiltInPipeline {

  /** Paths relative to a definitions folder, which are also the classpath resources. */
  public static final List<String> FILES = List.of(
      "silver/events.yaml",
      "expectations/silver_events.json",
      "gold/daily_event_metrics.sql",
      "gold/user_daily.sql",
      "gold/product_daily.sql",
      "gold/daily_funnel.sql",
      "views/live_kpis.yaml",
      "views/hourly_trends.yaml",
      "views/daily_summary.yaml");

  private BuiltInPipeline() {}

  /** A built-in file's text. */
  public static String read(String file) {
    try (InputStream in = BuiltInPipeline.class.getClassLoader().getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException(file + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The built-in silver table {@code events}. */
  public static SilverTableDefinition events() {
    SilverTableLoader.Loaded loaded = SilverTableLoader.parse("events", read("silver/events.yaml"), "classpath:silver/events.yaml");
    return loaded.table().orElseThrow(() -> new IllegalStateException("built-in silver/events.yaml: " + loaded.problems()));
  }
}
