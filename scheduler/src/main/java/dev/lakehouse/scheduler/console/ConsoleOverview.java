package dev.lakehouse.scheduler.console;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.config.SchedulesConfig;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.scheduler.console.ConsoleReads.Commit;
import dev.lakehouse.scheduler.console.ConsoleReads.Refresh;
import dev.lakehouse.scheduler.console.ConsoleReads.Run;
import dev.lakehouse.scheduler.pipeline.Pipeline;
import dev.lakehouse.views.ViewDefinition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The pipeline graph with each node's state: rows, age of its last success, and whether it is
 * fresh ({@link Freshness}). What the console's first page and {@code status --html} show.
 */
public final class ConsoleOverview {

  /**
   * @param state {@code ok}, {@code stale}, {@code failing}, or {@code info} for a Kafka topic
   * @param stateLabel the state as {@code status} prints it
   * @param rows the table's rows, null when it has none yet (or for a topic)
   * @param ageSeconds seconds since its last success or commit, null when there was none
   * @param last what happened last, in words
   * @param quarantined silver: rows in its quarantine table
   */
  public record NodeState(String id, String layer, String name, String detail, String state, String stateLabel, Long rows,
      Long ageSeconds, String last, Long quarantined) {}

  public record Overview(String pipeline, String generatedAt, List<NodeState> nodes, List<PipelineGraph.Edge> edges,
      Map<String, String> suites) {}

  private final Pipeline pipeline;
  private final SchedulesConfig schedules;
  private final ConsoleReads reads;

  public ConsoleOverview(Pipeline pipeline, SchedulesConfig schedules, ConsoleReads reads) {
    this.pipeline = requireNonNull(pipeline, "pipeline is null");
    this.schedules = requireNonNull(schedules, "schedules is null");
    this.reads = requireNonNull(reads, "reads is null");
  }

  public Overview build(Instant now) {
    TableLocations locations = reads.locations();
    Map<String, Run> lastRuns = lastRuns(reads.runs());
    Map<String, Refresh> lastRefreshes = new HashMap<>();
    reads.refreshes().forEach(refresh -> lastRefreshes.put(refresh.view(), refresh));
    Map<String, ViewDefinition> views = new HashMap<>();
    pipeline.views().forEach(view -> views.put(view.name(), view));

    PipelineGraph graph = PipelineGraph.of(pipeline);
    List<NodeState> nodes = new ArrayList<>();
    for (PipelineGraph.Node node : graph.nodes()) {
      nodes.add(switch (node.layer()) {
        case "kafka" -> state(node, "info", "topic", null, null, "", null);
        case "bronze" -> bronze(node, locations.bronze(node.name()), now);
        case "silver" -> job(node, locations.silver(node.name()), lastRuns.get("silver:" + node.name()),
            Freshness.allowance(schedules.silver()), now, reads.rows(locations.quarantine(node.name())).orElse(0L),
            newestCommit(locations.bronze(pipeline.silverTable(node.name()).source())));
        case "gold" -> job(node, locations.gold(node.name()), lastRuns.get("gold"), Freshness.allowance(schedules.gold()), now, null,
            Optional.empty());
        case "view" -> view(node, locations.view(node.name()), lastRefreshes.get(node.name()),
            Freshness.allowance(views.get(node.name()).schedule()), now);
        default -> throw new IllegalStateException("no layer " + node.layer());
      });
    }
    Map<String, String> suites = new HashMap<>();
    pipeline.silverTables().forEach(table -> suites.put(table.name(), pipeline.suite(table.name()).name()));
    return new Overview(pipeline.describe(), now.toString(), nodes, graph.edges(), suites);
  }

  /** The newest run of each job family: {@code silver:<table>}, or {@code gold} (reruns included). */
  public static Map<String, Run> lastRuns(List<Run> runsOldestFirst) {
    Map<String, Run> last = new HashMap<>();
    for (Run run : runsOldestFirst) {
      last.put(run.job().startsWith("gold") ? "gold" : run.job().startsWith("silver") ? "silver:" + run.table() : run.job(), run);
    }
    return last;
  }

  private NodeState bronze(PipelineGraph.Node node, String path, Instant now) {
    List<Commit> commits = reads.commits(path, 1);
    if (commits.isEmpty()) {
      return state(node, Freshness.NOTHING_YET, null, null, "no table yet", null);
    }
    Commit commit = commits.get(0);
    long age = Duration.between(Instant.parse(commit.at()), now).toSeconds();
    return state(node, "ok", "ok (streaming; ages while no events arrive)", reads.rows(path).orElse(null), age,
        "commit v" + commit.version() + " (" + commit.operation() + ")", null);
  }

  /** {@code newestInput}: a silver table's newest bronze commit ({@link Freshness#ofRefined}); empty for gold. */
  private NodeState job(PipelineGraph.Node node, String path, Run last, Duration allowance, Instant now, Long quarantined,
      Optional<Instant> newestInput) {
    Long rows = reads.rows(path).orElse(null);
    if (last == null) {
      return state(node, Freshness.NOTHING_YET, rows, null, "never ran", quarantined);
    }
    Instant ended = Instant.parse(last.endedAt());
    Freshness freshness = Freshness.ofRefined(last.status(), Instant.parse(last.startedAt()), ended, allowance, now, newestInput);
    return state(node, freshness, rows, Duration.between(ended, now).toSeconds(),
        last.job() + " run " + last.status() + ": " + last.scope(), quarantined);
  }

  private Optional<Instant> newestCommit(String path) {
    return reads.commits(path, 1).stream().findFirst().map(commit -> Instant.parse(commit.at()));
  }

  private NodeState view(PipelineGraph.Node node, String path, Refresh last, Duration allowance, Instant now) {
    Long rows = reads.rows(path).orElse(null);
    if (last == null) {
      return state(node, Freshness.NOTHING_YET, rows, null, "never refreshed", null);
    }
    Instant ended = Instant.parse(last.endedAt());
    return state(node, Freshness.of(last.status(), ended, allowance, now), rows, Duration.between(ended, now).toSeconds(),
        last.mode() + " refresh " + last.status(), null);
  }

  private static NodeState state(PipelineGraph.Node node, Freshness freshness, Long rows, Long age, String last, Long quarantined) {
    return state(node, freshness.colour(), freshness.label(), rows, age, last, quarantined);
  }

  private static NodeState state(PipelineGraph.Node node, String state, String label, Long rows, Long age, String last,
      Long quarantined) {
    return new NodeState(node.id(), node.layer(), node.name(), node.detail(), state, label, rows, age, last, quarantined);
  }
}
