package dev.lakehouse.scheduler.pipeline;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.definitions.SilverTableDefinition;
import dev.lakehouse.gold.GoldDefinition;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.views.ViewDefinition;
import java.util.List;
import java.util.Map;

/**
 * The definition catalog: every source, silver table (with its suite), gold table and view of
 * one pipeline, loaded and checked once per command ({@link PipelineLoader}).
 *
 * @param origin the definitions folder, or {@code built-in}
 * @param sources one per bronze table, with the resolved Kafka topic
 * @param silverTables in name order
 * @param suites silver table → the suite run on it (empty when its file does not exist)
 * @param gold in name order
 * @param views in name order
 * @param goldReads gold table → the silver tables its {@code gold/<table>.yaml} says it reads
 */
public record Pipeline(
    String origin,
    List<SourceConfig> sources,
    List<SilverTableDefinition> silverTables,
    Map<String, ExpectationSuite> suites,
    List<GoldDefinition> gold,
    List<ViewDefinition> views,
    Map<String, List<String>> goldReads) {

  public static final String BUILT_IN = "built-in";

  public Pipeline {
    requireNonNull(origin, "origin is null");
    sources = List.copyOf(sources);
    silverTables = List.copyOf(silverTables);
    suites = Map.copyOf(suites);
    gold = List.copyOf(gold);
    views = List.copyOf(views);
    goldReads = Map.copyOf(goldReads);
  }

  public SilverTableDefinition silverTable(String name) {
    return silverTables.stream().filter(table -> table.name().equals(name)).findFirst()
        .orElseThrow(() -> new LakehouseException("no silver table '" + name + "' in the " + describe()
            + "; its tables are " + silverTables.stream().map(SilverTableDefinition::name).toList()));
  }

  public SourceConfig source(String name) {
    return sources.stream().filter(source -> source.name().equals(name)).findFirst()
        .orElseThrow(() -> new LakehouseException("no source '" + name + "' in the " + describe()
            + "; its sources are " + sources.stream().map(SourceConfig::name).toList()));
  }

  public ExpectationSuite suite(String table) {
    return suites.get(table);
  }

  public List<SilverTableDefinition> appendTables() {
    return silverTables.stream().filter(SilverTableDefinition::isAppend).toList();
  }

  public String describe() {
    return origin.equals(BUILT_IN) ? "built-in pipeline" : "pipeline of " + origin;
  }
}
