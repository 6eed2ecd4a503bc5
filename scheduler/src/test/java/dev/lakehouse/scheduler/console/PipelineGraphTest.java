package dev.lakehouse.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.core.config.DefinitionsConfig;
import dev.lakehouse.core.config.KafkaConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.scheduler.pipeline.Pipeline;
import dev.lakehouse.scheduler.pipeline.PipelineLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineGraphTest {

  private final Pipeline builtIn = PipelineLoader.load(new DefinitionsConfig(""),
      new KafkaConfig("localhost:9092", List.of(new SourceConfig("clickstream", "clicks-topic"))), Map.of());

  @Test
  void everyDefinitionIsANodeAndEveryReadAnEdge() {
    PipelineGraph graph = PipelineGraph.of(builtIn);

    assertThat(graph.nodes()).extracting(PipelineGraph.Node::id).containsExactlyInAnyOrder(
        "kafka:clicks-topic", "bronze:clickstream", "silver:events",
        "gold:daily_event_metrics", "gold:user_daily", "gold:product_daily", "gold:daily_funnel",
        "view:daily_summary", "view:hourly_trends", "view:live_kpis");
    assertThat(graph.edges()).contains(
        new PipelineGraph.Edge("kafka:clicks-topic", "bronze:clickstream", "feeds"),
        new PipelineGraph.Edge("bronze:clickstream", "silver:events", "feeds"),
        new PipelineGraph.Edge("silver:events", "gold:daily_event_metrics", "feeds"));
    // live_kpis reads silver plus bronze's newest rows: both edges say so
    assertThat(graph.edges()).contains(
        new PipelineGraph.Edge("silver:events", "view:live_kpis", "live"),
        new PipelineGraph.Edge("bronze:clickstream", "view:live_kpis", "live"));
    // every edge joins two nodes of the graph
    List<String> ids = graph.nodes().stream().map(PipelineGraph.Node::id).toList();
    assertThat(graph.edges()).allSatisfy(edge -> assertThat(ids).contains(edge.from(), edge.to()));
  }

  @Test
  void silverNodesSayHowTheTableKeepsRows() {
    assertThat(PipelineGraph.of(builtIn).nodes()).filteredOn(node -> node.id().equals("silver:events"))
        .singleElement().satisfies(node -> assertThat(node.detail()).startsWith("append, unique by event_id"));
  }

  @Test
  void viewNodesSayTheirBucketAndSchedule() {
    // live_kpis: minute buckets refreshed every minute (views/live_kpis.yaml)
    assertThat(PipelineGraph.of(builtIn).nodes()).filteredOn(node -> node.id().equals("view:live_kpis"))
        .singleElement().satisfies(node -> assertThat(node.detail()).isEqualTo("minute buckets, every 1m"));
  }
}
