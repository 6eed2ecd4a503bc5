package dev.lakehouse.scheduler.console;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.scheduler.console.ConsoleOverview.Overview;
import dev.lakehouse.scheduler.console.ConsoleReads.Run;
import dev.lakehouse.scheduler.pipeline.Pipeline;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The console's JSON API: one method per {@code /api/...} path, each answering with objects that
 * Jackson writes. Every name a request carries is checked against the pipeline's definitions
 * before it reaches a path.
 */
public final class ConsoleApi implements ConsoleServer.Api {

  /** Thrown for a request naming something the pipeline does not have: answered with 404. */
  public static final class NotFound extends RuntimeException {
    public NotFound(String message) {
      super(message);
    }
  }

  /** Thrown for a malformed request: answered with 400. */
  public static final class BadRequest extends RuntimeException {
    public BadRequest(String message) {
      super(message);
    }
  }

  /** The overview reads every table; a page that polls it should not make the console rescan each time. */
  private static final Duration OVERVIEW_REUSE = Duration.ofSeconds(5);
  static final int MAX_PAGE_SIZE = 500;

  private final Pipeline pipeline;
  private final ConsoleOverview overview;
  private final ConsoleReads reads;
  private final Supplier<Instant> clock;
  private Overview lastOverview;
  private Instant lastOverviewAt = Instant.MIN;

  public ConsoleApi(Pipeline pipeline, ConsoleOverview overview, ConsoleReads reads, Supplier<Instant> clock) {
    this.pipeline = requireNonNull(pipeline, "pipeline is null");
    this.overview = requireNonNull(overview, "overview is null");
    this.reads = requireNonNull(reads, "reads is null");
    this.clock = requireNonNull(clock, "clock is null");
  }

  /** Answers {@code GET path?query}; the parameters are already decoded. */
  @Override
  public Object answer(String path, Map<String, String> query) {
    return switch (path) {
      case "/api/overview" -> overview();
      case "/api/runs" -> runs(required(query, "layer"), query.getOrDefault("name", ""));
      case "/api/commits" -> Map.of("commits", reads.commits(reads.locations().bronze(source(required(query, "source"))),
          ConsoleReads.HISTORY_LIMIT));
      case "/api/quality" -> Map.of("suite", suite(required(query, "suite")), "validations", reads.validations(query.get("suite")));
      case "/api/quality/report" -> reads.validationReport(suite(required(query, "suite")), required(query, "run"))
          .orElseThrow(() -> new NotFound("suite " + query.get("suite") + " has no validation run " + query.get("run")));
      case "/api/quarantine" -> Map.of("table", silver(required(query, "table")), "reasons", reads.quarantineReasons(query.get("table")));
      case "/api/quarantine/records" -> records(query);
      case "/api/views" -> Map.of("refreshes", refreshes(Optional.ofNullable(query.get("view")).map(this::view)));
      default -> throw new NotFound("no such API: " + path);
    };
  }

  private synchronized Overview overview() {
    Instant now = clock.get();
    if (lastOverview == null || Duration.between(lastOverviewAt, now).compareTo(OVERVIEW_REUSE) > 0) {
      lastOverview = overview.build(now);
      lastOverviewAt = now;
    }
    return lastOverview;
  }

  private Map<String, Object> runs(String layer, String name) {
    List<Run> runs = reads.runs().stream().filter(run -> switch (layer) {
      case "silver" -> run.job().startsWith("silver") && run.table().equals(silver(name));
      case "gold" -> run.job().startsWith("gold");
      default -> throw new BadRequest("runs are kept for the silver and gold layers, not: " + layer);
    }).toList();
    return Map.of("layer", layer, "name", name, "runs", newest(runs));
  }

  private List<ConsoleReads.Refresh> refreshes(Optional<String> view) {
    return newest(reads.refreshes().stream().filter(refresh -> view.map(refresh.view()::equals).orElse(true)).toList());
  }

  private Map<String, Object> records(Map<String, String> query) {
    String table = silver(required(query, "table"));
    int page = number(query, "page", 0);
    int size = number(query, "size", 50);
    if (page < 0 || size < 1 || size > MAX_PAGE_SIZE) {
      throw new BadRequest("page must be 0 or more and size 1 to " + MAX_PAGE_SIZE);
    }
    Optional<String> reason = Optional.ofNullable(query.get("reason")).filter(text -> !text.isEmpty());
    return Map.of("table", table, "reason", reason.orElse(""), "page", page, "size", size,
        "records", reads.quarantined(table, reason, page, size));
  }

  /** The newest entries of an oldest-first list, still oldest first (what a plot over time wants). */
  private static <T> List<T> newest(List<T> oldestFirst) {
    return oldestFirst.subList(Math.max(0, oldestFirst.size() - ConsoleReads.HISTORY_LIMIT), oldestFirst.size());
  }

  private String silver(String name) {
    pipeline.silverTables().stream().filter(table -> table.name().equals(name)).findFirst()
        .orElseThrow(() -> new NotFound("no silver table '" + name + "' in the " + pipeline.describe()));
    return name;
  }

  private String source(String name) {
    pipeline.sources().stream().filter(source -> source.name().equals(name)).findFirst()
        .orElseThrow(() -> new NotFound("no source '" + name + "' in the " + pipeline.describe()));
    return name;
  }

  private String view(String name) {
    pipeline.views().stream().filter(view -> view.name().equals(name)).findFirst()
        .orElseThrow(() -> new NotFound("no view '" + name + "' in the " + pipeline.describe()));
    return name;
  }

  private String suite(String name) {
    pipeline.silverTables().stream().filter(table -> pipeline.suite(table.name()).name().equals(name)).findFirst()
        .orElseThrow(() -> new NotFound("no suite '" + name + "' in the " + pipeline.describe()));
    return name;
  }

  private static String required(Map<String, String> query, String parameter) {
    String value = query.get(parameter);
    if (value == null || value.isEmpty()) {
      throw new BadRequest("parameter '" + parameter + "' is required");
    }
    return value;
  }

  private static int number(Map<String, String> query, String parameter, int otherwise) {
    String value = query.get(parameter);
    try {
      return value == null ? otherwise : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new BadRequest("parameter '" + parameter + "' must be a whole number, cannot be: " + value);
    }
  }
}
