package dev.lakehouse.scheduler.cli;

import dev.lakehouse.core.storage.TableLease;
import dev.lakehouse.core.config.DefinitionsConfig;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.scheduler.pipeline.PipelineRuntime;
import dev.lakehouse.core.partition.DateRange;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.gold.DateBuild;
import dev.lakehouse.gold.DatePlan;
import dev.lakehouse.gold.GoldBuilder;
import dev.lakehouse.gold.GoldDefinitions;
import dev.lakehouse.gold.GoldPlan;
import dev.lakehouse.gold.GoldRunResult;
import dev.lakehouse.core.progress.Progress;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse gold [--date D]}: build gold for one date, or for every date that needs it. */
@Command(
    name = "gold",
    mixinStandardHelpOptions = true,
    description = {
      "Build the gold tables from the silver tables, one event_date partition at a time (replaceWhere).",
      "With --date: every gold table for that date. Without: every date never built and every date",
      "on which a silver table it reads changed after its gold was built (late events, silver reruns)."
    })
public final class GoldCommand implements Callable<Integer> {

  @ParentCommand LakehouseCli root;

  @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "Build this event date only.")
  String date;

  @Option(names = "--dry-run", description = "List the dates that would be built, and why; build nothing.")
  boolean dryRun;

  @Option(names = "--definitions", paramLabel = "DIR",
      description = "Folder of pipeline definitions (default: definitions.dir).")
  Path definitions;

  @Override
  public Integer call() {
    PipelineRuntime runtime = root.runtime("lakehouse-gold", definitions);
    GoldBuilder gold = builder(runtime);
    try (TableLease lease = dryRun ? TableLease.none() : runtime.writing("gold", "lakehouse gold", PipelineRuntime.WRITE_WAIT)) {
      GoldPlan plan = date == null ? gold.plan() : gold.planRange(DateRange.of(DateRange.parseDate("--date", date)));
      run(gold, plan, GoldBuilder.JOB, dryRun, System.out);
    }
    return 0;
  }

  public static GoldBuilder builder(PipelineRuntime runtime) {
    if (runtime.pipeline().gold().isEmpty()) {
      throw new dev.lakehouse.core.LakehouseException("the " + runtime.pipeline().describe() + " has no gold tables"
          + " (gold/<table>.sql); nothing to build");
    }
    return runtime.goldBuilder();
  }

  /** Prints the plan, then builds it (unless a dry run) with a line per date. */
  public static Optional<GoldRunResult> run(GoldBuilder gold, GoldPlan plan, String job, boolean dryRun, PrintStream out) {
    String tables = gold.definitions().stream().map(definition -> definition.table()).collect(Collectors.joining(", "));
    if (plan.isEmpty()) {
      out.printf("gold is up to date with silver version %s (tables: %s)%n", plan.silverVersion(), tables);
      if (!dryRun) {
        gold.build(plan, job, build -> { }); // records the run
      }
      return Optional.empty();
    }
    out.printf("%s %d date(s) from silver version %s (tables: %s):%n", dryRun ? "would build" : "building",
        plan.dates().size(), plan.silverVersion(), tables);
    if (dryRun) {
      for (DatePlan date : plan.dates()) {
        out.printf("  %s  %s  [%s]%n", date.date(), date.reason(), String.join(", ", date.tables()));
      }
      return Optional.empty();
    }
    GoldRunResult result;
    try (Progress progress = Progress.start(job, plan.dates().size(), "dates", out)) {
      result = gold.build(plan, job, build -> progress.step(1, line(build)));
    }
    out.printf("gold: %d date(s) built in %.1f s; tables under %s%n", result.dates().size(),
        result.duration().toMillis() / 1000.0, gold.goldFolder());
    return Optional.of(result);
  }

  private static String line(DateBuild build) {
    String rows = build.rowsByTable().entrySet().stream()
        .map(entry -> String.format("%s %,d", entry.getKey(), entry.getValue()))
        .collect(Collectors.joining(", "));
    return String.format("  %s  %,d silver rows -> %s  (%.1f s; %s)", build.date(), build.silverRows(), rows,
        build.duration().toMillis() / 1000.0, build.reason());
  }
}
