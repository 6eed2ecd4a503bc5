package dev.lakehouse.scheduler.cli;

import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.silver.SilverRefine;
import dev.lakehouse.silver.SilverRunResult;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse silver}: one incremental bronze → silver run. */
@Command(
    name = "silver",
    mixinStandardHelpOptions = true,
    description = {
      "Refine the bronze rows that arrived since the last run into silver.events.",
      "Parses strictly, runs the expectation suite (row-level failures go to quarantine.events,",
      "table-level failures at severity error stop the batch), and dedupes on event_id."
    })
final class SilverCommand implements Callable<Integer> {

  @ParentCommand LakehouseCli root;

  @Option(names = "--expectations", paramLabel = "DIR",
      description = "Folder with <suite>.json Great Expectations suites that replace the built-in ones.")
  Path expectations;

  @Option(names = "--suite", defaultValue = "silver_events", description = "Suite name (default: ${DEFAULT-VALUE}).")
  String suite;

  @Override
  public Integer call() {
    LakehouseConfig config = root.config();
    SilverRefine refine = new SilverRefine(SparkSessions.getOrCreate(config, "lakehouse-silver"), config,
        SuiteLoader.load(suite, Optional.ofNullable(expectations)));
    print(refine.run(), refine);
    return 0;
  }

  static void print(SilverRunResult result, SilverRefine refine) {
    System.out.printf("silver/events: %,d bronze rows in %d batches -> %,d new events, %,d quarantined,"
            + " %,d duplicates dropped, %.1f s%n  silver: %s%n  quarantine: %s%n",
        result.rowsIn(), result.batches(), result.rowsOut(), result.quarantined(), result.duplicates(),
        result.duration().toMillis() / 1000.0, refine.silverTable(), refine.quarantineTable());
  }
}
