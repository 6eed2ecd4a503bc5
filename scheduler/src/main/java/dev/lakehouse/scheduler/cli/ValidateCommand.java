package dev.lakehouse.scheduler.cli;

import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.definitions.DefinitionProblem;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.scheduler.pipeline.Pipeline;
import dev.lakehouse.scheduler.pipeline.PipelineLoader;
import dev.lakehouse.scheduler.pipeline.PipelineValidator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse validate}: every definition checked, no data read. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check every definition without reading data: each silver table's keys, types and columns, each",
      "expectation's columns and types, and every gold and view query compiled over empty tables of",
      "the declared types. Prints one line per problem, naming the file; exit 1 on any problem."
    })
final class ValidateCommand implements Callable<Integer> {

  @ParentCommand LakehouseCli root;

  @Option(names = "--definitions", paramLabel = "DIR", description = "Folder of pipeline definitions (default: definitions.dir).")
  Path definitions;

  @Override
  public Integer call() {
    LakehouseConfig config = root.config(definitions);
    PipelineLoader.Loaded loaded = PipelineLoader.loadAll(config.definitions(), config.kafka(), System.getenv());
    List<DefinitionProblem> problems = new ArrayList<>(loaded.problems());
    Pipeline pipeline = loaded.pipeline();
    problems.addAll(new PipelineValidator(SparkSessions.getOrCreate(config, "lakehouse-validate"))
        .validate(pipeline, loaded.unloadedTables()));
    if (!problems.isEmpty()) {
      problems.forEach(problem -> System.out.println(problem));
      System.out.printf("%d problem(s) in the %s%n", problems.size(), pipeline.describe());
      return 1;
    }
    System.out.printf("ok: the %s has %d source(s), %d silver table(s), %d gold table(s), %d view(s)%n", pipeline.describe(),
        pipeline.sources().size(), pipeline.silverTables().size(), pipeline.gold().size(), pipeline.views().size());
    for (var source : pipeline.sources()) {
      System.out.printf("  source %s: topic %s%n", source.name(), source.topic());
    }
    for (var table : pipeline.silverTables()) {
      String mode = table.isAppend() ? "append" : "upsert by " + table.sequenceColumn() + (table.isHistory() ? ", history" : "")
          + (table.isDebezium() ? ", debezium-json" : "");
      System.out.printf("  silver.%s (%s, key %s, from bronze/%s): %s%n", table.name(), mode, table.key(), table.source(),
          String.join(", ", table.silverColumns()));
    }
    return 0;
  }
}
