package dev.lakehouse.scheduler.cli;

import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.partition.DateRange;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.gold.GoldBuilder;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.silver.SilverRefine;
import java.io.PrintStream;
import java.nio.file.Path;
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

    @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD", description = "First event date.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DD", description = "Last event date (inclusive).")
    String to;

    @Option(names = "--max-days", paramLabel = "N", description = "Refuse longer ranges (default: reruns.max-days, 31).")
    Integer maxDays;

    @Option(names = "--dry-run", description = "Say what would be rebuilt; change nothing.")
    boolean dryRun;

    DateRange range(LakehouseConfig config) {
      return DateRange.parse(from, to, maxDays != null ? maxDays : config.reruns().maxDays());
    }
  }

  @Command(name = "silver", mixinStandardHelpOptions = true,
      description = {"Rebuild silver.events for event dates FROM..TO (inclusive) from all of bronze.",
          "The partitions are replaced in one commit (replaceWhere); other dates are not touched."})
  static final class Silver implements Callable<Integer> {

    @ParentCommand RerunCommand rerun;

    @Mixin RangeOptions options;

    @Option(names = "--expectations", paramLabel = "DIR", description = "Folder with replacement GE suites.")
    Path expectations;

    @Override
    public Integer call() {
      LakehouseConfig config = rerun.root.config();
      DateRange range = options.range(config);
      rerunSilver(config, range, expectations, options.dryRun, System.out);
      return 0;
    }
  }

  @Command(name = "gold", mixinStandardHelpOptions = true,
      description = {"Rebuild every gold table for event dates FROM..TO (inclusive) from silver.events,",
          "one date at a time, each date's partition replaced in one commit; other dates are not touched."})
  static final class Gold implements Callable<Integer> {

    @ParentCommand RerunCommand rerun;

    @Mixin RangeOptions options;

    @Option(names = "--definitions", paramLabel = "DIR", description = "Folder of user definitions (default: definitions.dir).")
    Path definitions;

    @Override
    public Integer call() {
      LakehouseConfig config = rerun.root.config();
      DateRange range = options.range(config);
      rerunGold(config, range, definitions, options.dryRun, System.out);
      return 0;
    }
  }

  @Command(name = "all", mixinStandardHelpOptions = true,
      description = "Rebuild silver, then gold, for event dates FROM..TO (inclusive).")
  static final class All implements Callable<Integer> {

    @ParentCommand RerunCommand rerun;

    @Mixin RangeOptions options;

    @Option(names = "--expectations", paramLabel = "DIR", description = "Folder with replacement GE suites.")
    Path expectations;

    @Option(names = "--definitions", paramLabel = "DIR", description = "Folder of user definitions (default: definitions.dir).")
    Path definitions;

    @Override
    public Integer call() {
      LakehouseConfig config = rerun.root.config();
      DateRange range = options.range(config);
      rerunSilver(config, range, expectations, options.dryRun, System.out);
      rerunGold(config, range, definitions, options.dryRun, System.out);
      return 0;
    }
  }

  static void rerunSilver(LakehouseConfig config, DateRange range, Path expectations, boolean dryRun, PrintStream out) {
    SilverRefine refine = new SilverRefine(SparkSessions.getOrCreate(config, "lakehouse-rerun"), config,
        SuiteLoader.load("silver_events", Optional.ofNullable(expectations)));
    if (dryRun) {
      out.printf("would rebuild silver/events for event dates %s (%d days) from all of bronze;"
          + " those dates hold %,d events now%n", range, range.days(), refine.eventsIn(range));
      return;
    }
    out.printf("rebuilding silver/events for event dates %s (%d days) from all of bronze%n", range, range.days());
    SilverCommand.print(refine.rebuild(range), refine);
  }

  static void rerunGold(LakehouseConfig config, DateRange range, Path definitions, boolean dryRun, PrintStream out) {
    GoldBuilder gold = GoldCommand.builder(config, definitions, "lakehouse-rerun");
    GoldCommand.run(gold, gold.planRange(range), GoldBuilder.RERUN_JOB, dryRun, out);
  }
}
