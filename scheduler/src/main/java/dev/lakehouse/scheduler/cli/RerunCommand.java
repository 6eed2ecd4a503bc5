package dev.lakehouse.scheduler.cli;

import dev.lakehouse.core.storage.TableLease;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.scheduler.pipeline.PipelineRuntime;
import dev.lakehouse.core.partition.DateRange;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.gold.GoldBuilder;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.silver.SilverRefine;
import java.io.PrintStream;
import dev.lakehouse.core.progress.Progress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse rerun silver|gold|all --from D --to D [--dry-run]}. */
@Command(
    name = "rerun",
    mixinStandardHelpOptions = true,
    description = "Rebuild date partitions after an incident or a logic fix; safe to repeat.",
    subcommands = {RerunCommand.Silver.class, RerunCommand.Gold.class, RerunCommand.All.class})
final class RerunCommand implements Runnable {

  @ParentCommand LakehouseCli root;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The options every rerun takes. */
  static final class RangeOptions {

    /** The command this mixin belongs to, for its usage in errors. */
    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE) picocli.CommandLine.Model.CommandSpec command;

    @Option(names = "--from", paramLabel = "YYYY-MM-DD", description = "First event date (required but for an upsert table).")
    String from;

    @Option(names = "--to", paramLabel = "YYYY-MM-DD", description = "Last event date, inclusive (required but for an upsert table).")
    String to;

    @Option(names = "--max-days", paramLabel = "N", description = "Refuse longer ranges (default: reruns.max-days, 31).")
    Integer maxDays;

    @Option(names = "--dry-run", description = "Say what would be rebuilt; change nothing.")
    boolean dryRun;

    DateRange range(LakehouseConfig config) {
      requireDates();
      return DateRange.parse(from, to, maxDays != null ? maxDays : config.reruns().maxDays());
    }

    /** Checked before Spark starts; only a rerun of one upsert table goes without dates. */
    void requireDates() {
      if (from == null || to == null) {
        throw new picocli.CommandLine.ParameterException(command.commandLine(),
            "rerun needs --from and --to (the event dates to rebuild; an upsert table named with --table needs none)");
      }
    }

    boolean hasRange() {
      return from != null || to != null;
    }
  }

  @Command(name = "silver", mixinStandardHelpOptions = true,
      description = {"Rebuild the silver tables (or --table NAME) for event dates FROM..TO (inclusive) from all",
          "of bronze. The partitions are replaced in one commit (replaceWhere); other dates are not touched.",
          "An upsert table (--table NAME, no dates) is rebuilt whole from every version bronze holds, in one commit."})
  static final class Silver implements Callable<Integer> {

    @ParentCommand RerunCommand rerun;

    @Mixin RangeOptions options;

    @Option(names = "--table", paramLabel = "NAME", description = "Only this silver table (default: every table).")
    String table;

    @Option(names = "--definitions", paramLabel = "DIR", description = "Folder of pipeline definitions (default: definitions.dir).")
    Path definitions;

    @Override
    public Integer call() {
      if (table == null) {
        options.requireDates();
      }
      PipelineRuntime runtime = rerun.root.runtime("lakehouse-rerun", definitions);
      if (table != null && !runtime.pipeline().silverTable(table).isAppend()) {
        if (options.hasRange()) {
          System.out.printf("silver/%s is an upsert table, not partitioned by date: --from/--to do not apply;"
              + " it is rebuilt whole%n", table);
        }
        try (TableLease lease = options.dryRun ? TableLease.none()
            : runtime.writing("silver_" + table, "lakehouse rerun silver --table " + table, PipelineRuntime.WRITE_WAIT)) {
          rerunUpsert(runtime.silverRefine(runtime.pipeline().silverTable(table)), options.dryRun, System.out);
        }
        return 0;
      }
      DateRange range = options.range(runtime.config());
      rerunSilver(runtime, Optional.ofNullable(table), range, options.dryRun, System.out);
      return 0;
    }
  }

  @Command(name = "gold", mixinStandardHelpOptions = true,
      description = {"Rebuild every gold table for event dates FROM..TO (inclusive) from the silver tables,",
          "one date at a time, each date's partition replaced in one commit; other dates are not touched."})
  static final class Gold implements Callable<Integer> {

    @ParentCommand RerunCommand rerun;

    @Mixin RangeOptions options;

    @Option(names = "--definitions", paramLabel = "DIR", description = "Folder of user definitions (default: definitions.dir).")
    Path definitions;

    @Override
    public Integer call() {
      options.requireDates();
      PipelineRuntime runtime = rerun.root.runtime("lakehouse-rerun", definitions);
      rerunGold(runtime, options.range(runtime.config()), options.dryRun, System.out);
      return 0;
    }
  }

  @Command(name = "all", mixinStandardHelpOptions = true,
      description = "Rebuild silver, then gold, for event dates FROM..TO (inclusive).")
  static final class All implements Callable<Integer> {

    @ParentCommand RerunCommand rerun;

    @Mixin RangeOptions options;

    @Option(names = "--definitions", paramLabel = "DIR", description = "Folder of pipeline definitions (default: definitions.dir).")
    Path definitions;

    @Override
    public Integer call() {
      options.requireDates();
      PipelineRuntime runtime = rerun.root.runtime("lakehouse-rerun", definitions);
      DateRange range = options.range(runtime.config());
      rerunSilver(runtime, Optional.empty(), range, options.dryRun, System.out);
      if (!runtime.pipeline().gold().isEmpty()) {
        rerunGold(runtime, range, options.dryRun, System.out);
      }
      return 0;
    }
  }

  static void rerunUpsert(SilverRefine refine, boolean dryRun, PrintStream out) {
    String name = refine.table().name();
    if (dryRun) {
      out.printf("would rebuild silver/%s whole from every version in bronze/%s; it holds %,d rows now%n", name,
          refine.table().source(), refine.eventsIn(null));
      return;
    }
    out.printf("rebuilding silver/%s whole from every version in bronze/%s (one commit)%n", name, refine.table().source());
    SilverCommand.print(refine.rebuildWhole(), refine);
  }

  static void rerunSilver(PipelineRuntime runtime, Optional<String> table, DateRange range, boolean dryRun, PrintStream out) {
    List<SilverRefine> refines = runtime.silverRefines(table);
    try (Progress progress = Progress.start("rerun silver", refines.size(), "tables", out)) {
      for (SilverRefine refine : refines) {
        String name = refine.table().name();
        if (!refine.table().isAppend()) {
          progress.stepAndPrint(1, String.format("silver/%s is an upsert table, not partitioned by date: skipped; rebuild it"
              + " whole with `./lakehouse rerun silver --table %s`", name, name));
          continue;
        }
        if (dryRun) {
          out.printf("would rebuild silver/%s for event dates %s (%d days) from all of bronze/%s;"
              + " those dates hold %,d rows now%n", name, range, range.days(), refine.table().source(), refine.eventsIn(range));
          continue;
        }
        try (TableLease lease = runtime.writing("silver_" + name, "lakehouse rerun silver " + range, PipelineRuntime.WRITE_WAIT)) {
          out.printf("rebuilding silver/%s for event dates %s (%d days) from all of bronze/%s%n", name, range, range.days(),
              refine.table().source());
          progress.stepAndPrint(1, SilverCommand.describe(refine.rebuild(range), refine));
        }
      }
    }
  }

  static void rerunGold(PipelineRuntime runtime, DateRange range, boolean dryRun, PrintStream out) {
    GoldBuilder gold = GoldCommand.builder(runtime);
    try (TableLease lease = dryRun ? TableLease.none() : runtime.writing("gold", "lakehouse rerun gold " + range, PipelineRuntime.WRITE_WAIT)) {
      GoldCommand.run(gold, gold.planRange(range), GoldBuilder.RERUN_JOB, dryRun, out);
    }
  }
}
