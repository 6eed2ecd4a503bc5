package dev.lakehouse.scheduler.pipeline;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.definitions.DefinitionProblem;
import dev.lakehouse.core.definitions.InvalidDefinitionsException;
import dev.lakehouse.core.definitions.SilverTableDefinition;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.core.storage.TableLease;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.gold.GoldBuilder;
import dev.lakehouse.gold.SilverInput;
import dev.lakehouse.silver.SilverRefine;
import dev.lakehouse.silver.TableRefiner;
import dev.lakehouse.views.ViewRefresher;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * The resolved objects of one command: the configuration, the checked pipeline, table locations
 * and the session. Each layer gets what it uses from here, built once.
 */
public final class PipelineRuntime {

  private final LakehouseConfig config;
  private final Pipeline pipeline;
  private final TableLocations locations;
  private final SparkSession spark;

  private PipelineRuntime(LakehouseConfig config, Pipeline pipeline, SparkSession spark) {
    this.config = requireNonNull(config, "config is null");
    this.pipeline = requireNonNull(pipeline, "pipeline is null");
    this.locations = new TableLocations(config.storage());
    this.spark = requireNonNull(spark, "spark is null");
  }

  /**
   * Loads and validates the pipeline (every command does, before it runs), then starts the
   * session. Throws {@link InvalidDefinitionsException} listing every problem.
   */
  public static PipelineRuntime open(LakehouseConfig config, Map<String, String> environment, String appName) {
    Pipeline pipeline = PipelineLoader.load(config.definitions(), config.kafka(), environment);
    SparkSession spark = SparkSessions.getOrCreate(config, appName);
    return open(config, pipeline, spark);
  }

  /** With a loaded pipeline and a session (tests, the demo). */
  public static PipelineRuntime open(LakehouseConfig config, Pipeline pipeline, SparkSession spark) {
    List<DefinitionProblem> problems = new PipelineValidator(spark).validate(pipeline);
    if (!problems.isEmpty()) {
      throw new InvalidDefinitionsException(problems);
    }
    return new PipelineRuntime(config, pipeline, spark);
  }

  public LakehouseConfig config() {
    return config;
  }

  public Pipeline pipeline() {
    return pipeline;
  }

  public TableLocations locations() {
    return locations;
  }

  public SparkSession spark() {
    return spark;
  }

  /** One refine per silver table, or the one named. */
  public List<SilverRefine> silverRefines(Optional<String> table) {
    if (table.isPresent()) {
      return List.of(silverRefine(pipeline.silverTable(table.get())));
    }
    return pipeline.silverTables().stream().map(this::silverRefine).toList();
  }

  public SilverRefine silverRefine(SilverTableDefinition table) {
    return new SilverRefine(spark, locations, table, pipeline.suite(table.name()));
  }

  public List<TableRefiner> refiners() {
    return pipeline.silverTables().stream().map(table -> new TableRefiner(table, pipeline.suite(table.name()))).toList();
  }

  /** Every silver table as gold sees it: append tables by date, upsert tables whole. */
  public List<SilverInput> silverInputs() {
    return pipeline.silverTables().stream().map(table -> new SilverInput(table.name(), locations.silver(table.name()),
        new TableRefiner(table, pipeline.suite(table.name())).emptySilver(spark).schema(), !table.isAppend())).toList();
  }

  public GoldBuilder goldBuilder() {
    return new GoldBuilder(spark, locations, pipeline.gold(), silverInputs());
  }

  public ViewRefresher viewRefresher() {
    return new ViewRefresher(spark, locations, refiners());
  }

  /** How long a command waits for another process writing the same table (on S3). */
  public static final java.time.Duration WRITE_WAIT = java.time.Duration.ofMinutes(10);

  /**
   * The write lease on {@code name} (e.g. {@code silver_events}) for a lake on S3, waiting up to
   * {@code wait} for another process to finish; nothing to hold on a local file system. Close it
   * when the write is done.
   */
  public TableLease writing(String name, String command, java.time.Duration wait) {
    return TableLease.acquire(spark.sparkContext().hadoopConfiguration(), config.storage().root(), name, command, wait,
        message -> System.err.println("lakehouse: " + message));
  }
}
