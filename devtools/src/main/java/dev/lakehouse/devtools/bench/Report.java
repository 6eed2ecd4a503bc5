package dev.lakehouse.devtools.bench;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The side-by-side report of one bench run: every {@link Comparison} with the machine it ran on,
 * written as JSON (the record), HTML (a chart of each pair) and a Markdown table (what README's
 * performance table is made from). Each comparison is written as soon as it is measured, so a
 * long run that fails late still leaves what it measured.
 */
public final class Report {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path json;
  private final Map<String, Object> environment;
  private final List<Comparison> comparisons = new ArrayList<>();
  private final List<Long> peakRssAfter = new ArrayList<>();
  private final List<Double> loadAfter = new ArrayList<>();

  public Report(Path directory, Map<String, Object> environment) {
    requireNonNull(directory, "directory is null");
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
    this.json = directory.resolve("bench-" + stamp + ".json");
    this.environment = new LinkedHashMap<>(requireNonNull(environment, "environment is null"));
  }

  public Path json() {
    return json;
  }

  public Path html() {
    return sibling(".html");
  }

  public Path markdown() {
    return sibling(".md");
  }

  public List<Comparison> comparisons() {
    return List.copyOf(comparisons);
  }

  /** Adds a comparison, prints it, and rewrites the report's files. */
  public void add(Comparison comparison) {
    comparisons.add(comparison);
    peakRssAfter.add(ProcessMemory.peakRssBytes().orElse(-1L));
    loadAfter.add(ProcessMemory.loadAverage().orElse(-1.0));
    System.out.println("bench " + comparison.part() + ": " + line(comparison));
    write();
  }

  public boolean allMet() {
    return comparisons.stream().allMatch(Comparison::met);
  }

  static String line(Comparison comparison) {
    StringBuilder line = new StringBuilder(comparison.title()).append(": ").append(text(comparison.measured()));
    comparison.baseline().ifPresent(baseline -> line.append(" vs ").append(text(baseline)));
    line.append(comparison.baseline().isPresent() ? ", ratio " + number(comparison.ratio()) + "×" : "")
        .append(" (goal ").append(comparison.goal()).append(": ").append(comparison.met() ? "met" : "NOT met").append(")");
    return line.toString();
  }

  private void write() {
    try {
      Files.createDirectories(json.getParent());
      Files.writeString(json, JSON.writeValueAsString(document()), StandardCharsets.UTF_8);
      Files.writeString(html(), ReportHtml.render(environment, comparisons), StandardCharsets.UTF_8);
      Files.writeString(markdown(), markdownTable(comparisons), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the bench report " + json + ": " + e.getMessage(), e);
    }
  }

  private Map<String, Object> document() {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("written_at", Instant.now().toString());
    document.put("environment", environment);
    document.put("all_goals_met", allMet());
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < comparisons.size(); i++) {
      Comparison comparison = comparisons.get(i);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("part", comparison.part());
      row.put("title", comparison.title());
      row.put("measured", comparison.measured());
      row.put("baseline", comparison.baseline().orElse(null));
      row.put("ratio", comparison.ratio());
      row.put("goal", comparison.goal().toString());
      row.put("met", comparison.met());
      row.put("peak_rss_bytes_so_far", peakRssAfter.get(i));
      row.put("load_average_1m_after", loadAfter.get(i));
      row.put("data", comparison.data());
      rows.add(row);
    }
    document.put("comparisons", rows);
    return document;
  }

  /** README's performance table: one row per comparison. */
  public static String markdownTable(List<Comparison> comparisons) {
    StringBuilder table = new StringBuilder("| part | what | measured | baseline (same run) | ratio | goal | met |\n")
        .append("|---|---|---|---|---|---|---|\n");
    for (Comparison comparison : comparisons) {
      table.append("| ").append(comparison.part())
          .append(" | ").append(comparison.title())
          .append(" | ").append(text(comparison.measured()))
          .append(" | ").append(comparison.baseline().map(Report::text).orElse("—"))
          .append(" | ").append(comparison.baseline().isPresent() ? number(comparison.ratio()) + "×" : "—")
          .append(" | ").append(comparison.goal())
          .append(" | ").append(comparison.met() ? "yes" : "**no**")
          .append(" |\n");
    }
    return table.toString();
  }

  static String text(Comparison.Measure measure) {
    return measure.label() + " " + number(measure.value()) + " " + measure.unit();
  }

  /** Three significant digits, thousands separated: 0.0421, 3.27, 58.1, 61,234. */
  public static String number(double value) {
    double magnitude = Math.abs(value);
    if (magnitude >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (magnitude >= 100) {
      return String.format(Locale.ROOT, "%.0f", value);
    }
    if (magnitude >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    if (magnitude >= 1 || magnitude == 0) {
      return String.format(Locale.ROOT, "%.2f", value);
    }
    return String.format(Locale.ROOT, "%.3g", value);
  }

  /** 10M, 2M, 250k, 4,000. */
  public static String count(long value) {
    if (value >= 1_000_000 && value % 100_000 == 0) {
      return java.math.BigDecimal.valueOf(value, 6).stripTrailingZeros().toPlainString() + "M";
    }
    if (value >= 10_000 && value % 1_000 == 0) {
      return (value / 1000) + "k";
    }
    return String.format(Locale.ROOT, "%,d", value);
  }

  private Path sibling(String extension) {
    String name = json.getFileName().toString();
    return json.resolveSibling(name.substring(0, name.length() - ".json".length()) + extension);
  }
}
