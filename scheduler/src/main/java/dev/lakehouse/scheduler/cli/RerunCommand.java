package dev.lakehouse.scheduler.cli;

import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.partition.DateRange;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.silver.SilverRefine;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse rerun silver --from D --to D}. */
@Command(
    name = "rerun",
    mixinStandardHelpOptions = true,
    description = "Rebuild date partitions after an incident or a logic fix; safe to repeat.",
    subcommands = {RerunCommand.Silver.class})
final class RerunCommand implements Runnable {

  @ParentCommand LakehouseCli root;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "silver", mixinStandardHelpOptions = true,
      description = {"Rebuild silver.events for event dates FROM..TO (inclusive) from all of bronze.",
          "The partitions are replaced in one commit (replaceWhere); other dates are not touched."})
  static final class Silver implements Callable<Integer> {

    @ParentCommand RerunCommand rerun;

    @Option(names = "--from", required = true, paramLabel = "YYYY-MM-DD", description = "First event date.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "YYYY-MM-DD", description = "Last event date (inclusive).")
    String to;

    @Option(names = "--max-days", defaultValue = "31", description = "Refuse longer ranges (default: ${DEFAULT-VALUE}).")
    int maxDays;

    @Option(names = "--expectations", paramLabel = "DIR", description = "Folder with replacement GE suites.")
    Path expectations;

    @Override
    public Integer call() {
      DateRange range = DateRange.parse(from, to, maxDays);
      LakehouseConfig config = rerun.root.config();
      SilverRefine refine = new SilverRefine(SparkSessions.getOrCreate(config, "lakehouse-rerun"), config,
          SuiteLoader.load("silver_events", Optional.ofNullable(expectations)));
      System.out.printf("rebuilding silver/events for %s (%d days)%n", range, range.days());
      SilverCommand.print(refine.rebuild(range), refine);
      return 0;
    }
  }
}
