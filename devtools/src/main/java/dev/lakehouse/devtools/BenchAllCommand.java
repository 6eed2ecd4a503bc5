package dev.lakehouse.devtools;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.devtools.bench.Comparison;
import dev.lakehouse.devtools.bench.Report;
import dev.lakehouse.core.progress.Progress;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse bench all}: every comparison, side by side, into one report. */
@Command(name = "all", mixinStandardHelpOptions = true,
    description = {"Every comparison in one run, one after the other, into one report: bronze ingest vs the raw",
        "Kafka consumer, silver vs plain Spark, incremental vs full view refresh, gold over many dates vs one,",
        "produce → live_kpis latency. Takes ~20 minutes with the defaults on 2 cores."})
final class BenchAllCommand implements Callable<Integer> {

  enum Part { ingest, silver, views, gold, latency }

  @ParentCommand BenchCommand bench;

  @Option(names = "--parts", split = ",", description = "Parts to run (default: all of ${COMPLETION-CANDIDATES}).")
  List<Part> parts = List.of(Part.values());

  @Option(names = "--ingest-events", defaultValue = "2000000", description = "Messages for ingest (default: ${DEFAULT-VALUE}).")
  long ingestEvents;

  @Option(names = "--silver-events", defaultValue = "1000000", description = "Messages for silver (default: ${DEFAULT-VALUE}).")
  long silverEvents;

  @Option(names = "--view-history", defaultValue = "10000000", description = "Events of view history (default: ${DEFAULT-VALUE}).")
  long viewHistory;

  @Option(names = "--view-new-share", defaultValue = "0.01", description = "New events as a share of it (default: ${DEFAULT-VALUE}).")
  double viewNewShare;

  @Option(names = "--gold-dates", defaultValue = "30", description = "Event dates for gold (default: ${DEFAULT-VALUE}).")
  int goldDates;

  @Option(names = "--gold-events-per-date", defaultValue = "4000", description = "Messages per date (default: ${DEFAULT-VALUE}).")
  long goldEventsPerDate;

  @Option(names = "--latency-minutes", defaultValue = "3", description = "How long to produce for latency (default: ${DEFAULT-VALUE}).")
  int latencyMinutes;

  @Option(names = "--latency-rate", defaultValue = "20", description = "Events per second for latency (default: ${DEFAULT-VALUE}).")
  int latencyRate;

  @Mixin BenchOptions options;

  @Override
  public Integer call() throws InterruptedException {
    LakehouseConfig config = bench.root.config();
    Report report = options.report(config);
    EnumSet<Part> chosen = parts.isEmpty() ? EnumSet.allOf(Part.class) : EnumSet.copyOf(parts);
    System.out.printf("bench all: %s; report %s%n", chosen, report.json());
    boolean correct = true;
    try (Progress progress = Progress.start("bench all", chosen.size(), "parts")) {
      for (Part part : chosen) {
        long started = System.nanoTime();
        System.out.printf("%n== bench %s ==%n", part);
        Comparison comparison = switch (part) {
          case ingest -> BenchIngestCommand.measure(config, ingestEvents, options.keep);
          case silver -> BenchSilverCommand.measure(config, silverEvents, options.keep);
          case views -> BenchViewsCommand.measure(config, viewHistory, viewNewShare, "hourly_trends", options.keep);
          case gold -> BenchGoldCommand.measure(config, goldDates, goldEventsPerDate, options.keep);
          case latency -> BenchLatencyCommand.measure(config, latencyMinutes, latencyRate, options.keep);
        };
        correct &= !Boolean.FALSE.equals(comparison.data().get("same_rows"));
        report.add(comparison);
        String took = String.format("bench %s took %.0f s", part, (System.nanoTime() - started) / 1e9);
        progress.stepAndPrint(1, took);
      }
    }
    System.out.printf("%n%s", Report.markdownTable(report.comparisons()));
    BenchReports.printWhere(report);
    if (!correct) {
      throw new LakehouseException("bench all: the incremental and the full view refresh gave different rows; see above");
    }
    return 0;
  }
}
