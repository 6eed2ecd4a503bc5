package dev.lakehouse.views;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.quartz.CronExpression;

/**
 * Loads view definitions ({@code <name>.yaml}): the three of DESIGN.md from the classpath, or,
 * when a definitions folder is set, the files of its {@code views/} folder and no others.
 */
public final class ViewDefinitions {

  public static final List<String> BUILT_IN = List.of("live_kpis", "hourly_trends", "daily_summary");
  /** {@code silver.<table>} or {@code live.<table>}; the catalog checks that the table exists. */
  public static final Pattern SOURCE = Pattern.compile("(silver|live)\\.[a-z][a-z0-9_]*");

  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The file's shape. */
  record File(String name, String description, String schedule, String refresh, String source, BucketFile bucket,
      String window, String sql) {}

  record BucketFile(String column, String expression, String unit) {}

  private ViewDefinitions() {}

  /** The built-ins, or {@code userFolder}'s files only, in name order. */
  public static List<ViewDefinition> load(Optional<Path> userFolder) {
    Map<String, ViewDefinition> views = new TreeMap<>();
    if (userFolder.isPresent()) {
      fromFolder(userFolder.get()).forEach(view -> views.put(view.name(), view));
      return List.copyOf(views.values());
    }
    for (String name : BUILT_IN) {
      String resource = "views/" + name + ".yaml";
      try (InputStream in = ViewDefinitions.class.getClassLoader().getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException(resource + " is missing from the classpath");
        }
        views.put(name, parse(in.readAllBytes(), "classpath:" + resource));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return List.copyOf(views.values());
  }

  private static List<ViewDefinition> fromFolder(Path folder) {
    if (!Files.isDirectory(folder)) {
      return List.of(); // a definitions folder may hold gold tables only
    }
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(file -> file.getFileName().toString().endsWith(".yaml")).sorted().map(ViewDefinitions::fromFile).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One {@code views/<view>.yaml}. */
  public static ViewDefinition fromFile(Path file) {
    try {
      return parse(Files.readAllBytes(file), file.toString());
    } catch (IOException e) {
      throw new LakehouseException("cannot read view definition " + file + ": " + e.getMessage(), e);
    }
  }

  static ViewDefinition parse(byte[] yaml, String origin) {
    File file;
    try {
      file = YAML.readValue(yaml, File.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new LakehouseException("view definition " + origin + " is not valid: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (file == null) {
      throw new LakehouseException("view definition " + origin + " is empty");
    }
    String name = require(file.name(), "name", origin);
    check(NAME.matcher(name).matches(), origin, "name must be lower-case letters, digits and _, cannot be: " + name);
    String source = require(file.source(), "source", origin);
    check(SOURCE.matcher(source).matches(), origin, "source must be silver.<table> or live.<table>, cannot be: " + source);
    if (file.bucket() == null) {
      throw new LakehouseException("view definition " + origin + " needs bucket: {column, expression, unit}");
    }
    String column = require(file.bucket().column(), "bucket.column", origin);
    check(IDENTIFIER.matcher(column).matches(), origin, "bucket.column must be a column name, cannot be: " + column);
    ChronoUnit unit = switch (require(file.bucket().unit(), "bucket.unit", origin).toLowerCase(Locale.ROOT)) {
      case "minute" -> ChronoUnit.MINUTES;
      case "hour" -> ChronoUnit.HOURS;
      case "day" -> ChronoUnit.DAYS;
      default -> throw new LakehouseException("view definition " + origin + ": bucket.unit must be minute, hour or day, cannot be: "
          + file.bucket().unit());
    };
    String expression = require(file.bucket().expression(), "bucket.expression", origin);
    // that it truncates the source table's event time is checked against the table, by the catalog
    Duration window = duration(require(file.window(), "window", origin), "window", origin);
    check(window.compareTo(unit.getDuration()) >= 0, origin, "window " + file.window() + " is shorter than one bucket");
    RefreshPolicy refresh;
    try {
      refresh = RefreshPolicy.valueOf(Optional.ofNullable(file.refresh()).orElse("auto").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new LakehouseException("view definition " + origin + ": refresh must be auto, incremental or full, cannot be: " + file.refresh());
    }
    return new ViewDefinition(name, Optional.ofNullable(file.description()).orElse(""),
        schedule(require(file.schedule(), "schedule", origin), origin), refresh, source,
        new ViewDefinition.Bucket(column, expression, unit),
        window, require(file.sql(), "sql", origin), origin);
  }

  /** {@code 30s}, {@code 5m}, … or a Quartz cron expression such as {@code 0 0/5 * * * ?}. */
  static ViewSchedule schedule(String text, String origin) {
    String trimmed = text.trim();
    if (trimmed.contains(" ")) {
      check(CronExpression.isValidExpression(trimmed), origin,
          "schedule '" + trimmed + "' is not a Quartz cron expression (seconds minutes hours day-of-month month day-of-week)");
      return ViewSchedule.cron(trimmed);
    }
    Duration every = duration(trimmed, "schedule", origin);
    check(every.toSeconds() >= 1, origin, "schedule must be at least 1s, cannot be: " + trimmed);
    return ViewSchedule.every(every);
  }

  private static Duration duration(String text, String key, String origin) {
    try {
      return Durations.parse(text);
    } catch (RuntimeException e) {
      throw new LakehouseException("view definition " + origin + ": " + key + " '" + text
          + "' is not a duration (e.g. 30s, 5m, 24h, 30d) or a cron expression");
    }
  }

  private static String require(String value, String key, String origin) {
    if (value == null || value.isBlank()) {
      throw new LakehouseException("view definition " + origin + " needs " + key);
    }
    return value.trim();
  }

  private static void check(boolean condition, String origin, String problem) {
    if (!condition) {
      throw new LakehouseException("view definition " + origin + ": " + problem);
    }
  }
}
