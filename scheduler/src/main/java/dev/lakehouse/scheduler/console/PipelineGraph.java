package dev.lakehouse.scheduler.console;

import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.definitions.SilverTableDefinition;
import dev.lakehouse.core.definitions.SqlRelations;
import dev.lakehouse.gold.GoldDefinition;
import dev.lakehouse.scheduler.pipeline.Pipeline;
import dev.lakehouse.views.ViewDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.catalyst.parser.ParseException;

/**
 * The pipeline as the console draws it, from the definitions alone: Kafka topics → bronze →
 * silver → gold and views. Node ids are {@code <layer>:<name>}.
 */
public record PipelineGraph(List<Node> nodes, List<Edge> edges) {

  /** @param detail what the node is, in a few words (topic, table mode, schedule) */
  public record Node(String id, String layer, String name, String detail) {}

  /** @param kind {@code feeds}, or {@code live} for a view that also reads bronze's newest rows */
  public record Edge(String from, String to, String kind) {}

  public PipelineGraph {
    nodes = List.copyOf(nodes);
    edges = List.copyOf(edges);
  }

  public static String id(String layer, String name) {
    return layer + ":" + name;
  }

  public static PipelineGraph of(Pipeline pipeline) {
    List<Node> nodes = new ArrayList<>();
    List<Edge> edges = new ArrayList<>();
    for (SourceConfig source : pipeline.sources()) {
      nodes.add(new Node(id("kafka", source.topic()), "kafka", source.topic(), "Kafka topic"));
      nodes.add(new Node(id("bronze", source.name()), "bronze", source.name(), "raw records of topic " + source.topic()));
      edges.add(new Edge(id("kafka", source.topic()), id("bronze", source.name()), "feeds"));
    }
    for (SilverTableDefinition table : pipeline.silverTables()) {
      String mode = table.isAppend() ? "append, unique by " + String.join(", ", table.key())
          : (table.isHistory() ? "upsert with history (SCD2) by " : "upsert by ") + String.join(", ", table.key());
      nodes.add(new Node(id("silver", table.name()), "silver", table.name(), mode + "; suite " + table.expectations()));
      edges.add(new Edge(id("bronze", table.source()), id("silver", table.name()), "feeds"));
    }
    for (GoldDefinition gold : pipeline.gold()) {
      nodes.add(new Node(id("gold", gold.table()), "gold", gold.table(), "daily, by event_date"));
      for (String input : goldReads(pipeline, gold)) {
        edges.add(new Edge(id("silver", input), id("gold", gold.table()), "feeds"));
      }
    }
    for (ViewDefinition view : pipeline.views()) {
      String schedule = view.schedule().every().map(every -> "every " + every.toString().substring(2).toLowerCase(java.util.Locale.ROOT))
          .orElseGet(() -> "cron " + view.schedule().cron().orElseThrow());
      String unit = view.bucket().unit().name().toLowerCase(java.util.Locale.ROOT).replaceFirst("s$", "");
      nodes.add(new Node(id("view", view.name()), "view", view.name(), unit + " buckets, " + schedule));
      String[] source = view.source().split("\\.", 2);
      String table = source.length == 2 ? source[1] : source[0];
      boolean live = source[0].equals("live");
      edges.add(new Edge(id("silver", table), id("view", view.name()), live ? "live" : "feeds"));
      if (live) {
        pipeline.silverTables().stream().filter(silver -> silver.name().equals(table)).findFirst()
            .ifPresent(silver -> edges.add(new Edge(id("bronze", silver.source()), id("view", view.name()), "live")));
      }
    }
    return new PipelineGraph(nodes, edges);
  }

  /** What {@code gold/<table>.yaml} declares, else the silver tables its query names, as the gold build finds them. */
  private static List<String> goldReads(Pipeline pipeline, GoldDefinition gold) {
    if (pipeline.goldReads().containsKey(gold.table())) {
      return pipeline.goldReads().get(gold.table());
    }
    Set<String> relations;
    try {
      relations = SqlRelations.of(gold.sql());
    } catch (ParseException | IllegalArgumentException e) {
      return List.of(); // `validate` reports it; the graph just has no edge
    }
    return pipeline.silverTables().stream().map(SilverTableDefinition::name)
        .filter(table -> relations.contains(table) || relations.contains("silver_" + table) || relations.contains("silver." + table))
        .toList();
  }
}
