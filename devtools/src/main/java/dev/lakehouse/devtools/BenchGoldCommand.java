package dev.lakehouse.devtools;

import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.partition.DateRange;
import dev.lakehouse.devtools.bench.Comparison;
import dev.lakehouse.devtools.bench.Comparison.Goal;
import dev.lakehouse.devtools.bench.Comparison.Measure;
import dev.lakehouse.gold.DateBuild;
import dev.lakehouse.gold.GoldBuilder;
import dev.lakehouse.gold.GoldDefinitions;
import dev.lakehouse.gold.GoldRunResult;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.scheduler.cli.GoldCommand;
import dev.lakehouse.scheduler.cli.SilverCommand;
import dev.lakehouse.silver.SilverRefine;
import dev.lakehouse.testing.generator.GeneratorSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse bench gold}: building every date of gold vs rebuilding one. */
@Command(name = "gold", mixinStandardHelpOptions = true,
    description = {"Gold over many dates vs one: spreads --dates × --events-per-date generated events over --dates",
        "days (demo-sized by default), refines them, then times building gold for every date (the whole",
        "table) and a rerun of the busiest date."})
final class BenchGoldCommand implements Callable<Integer> {

  @ParentCommand BenchCommand bench;

  @Option(names = "--dates", defaultValue = "30", description = "Event dates (default: ${DEFAULT-VALUE}).")
  int dates;

  @Option(names = "--events-per-date", defaultValue = "4000",
      description = "Messages per date; the demo's 20,000 messages make about 4,000 a date (default: ${DEFAULT-VALUE}).")
  long eventsPerDate;

  @Mixin BenchOptions options;

  @Override
  public Integer call() {
    options.reportAlone(bench.root.config(), measure(bench.root.config(), dates, eventsPerDate, options.keep));
    return 0;
  }

  static Comparison measure(LakehouseConfig base, int dates, long eventsPerDate, boolean keep) {
    long events = dates * eventsPerDate;
    GeneratorSpec defaults = GeneratorSpec.defaults(events, 1);
    Duration spacing = Duration.ofDays(dates).dividedBy(Math.max(1, events));
    GeneratorSpec spec = new GeneratorSpec(events, 1, defaults.duplicateRatio(), defaults.lateRatio(),
        defaults.malformedRatio(), defaults.maxLateDays(), defaults.users(), defaults.products(),
        Optional.of(Instant.now().minus(Duration.ofDays(dates)).truncatedTo(ChronoUnit.DAYS)), spacing);
    BenchRun run = BenchRun.create(base, spec);
    run.ingest();
    SilverRefine refine = new SilverRefine(run.spark(), run.config(), SuiteLoader.load("silver_events", Optional.empty()));
    SilverCommand.print(refine.run(), refine);
    GoldBuilder gold = new GoldBuilder(run.spark(), run.config(), GoldDefinitions.load(Optional.empty()));
    GoldRunResult whole = GoldCommand.run(gold, gold.plan(), GoldBuilder.JOB, false, System.out).orElseThrow();
    DateBuild busiest = whole.dates().stream().max(Comparator.comparingLong(DateBuild::silverRows)).orElseThrow();
    GoldRunResult one = GoldCommand.run(gold, gold.planRange(DateRange.of(busiest.date())), GoldBuilder.RERUN_JOB, false,
        System.out).orElseThrow();
    long silverRows = whole.dates().stream().mapToLong(DateBuild::silverRows).sum();
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("sent", run.sizes().summary());
    data.put("dates_built", whole.dates().size());
    data.put("silver_events", silverRows);
    data.put("rerun_date", busiest.date().toString());
    data.put("rerun_date_events", busiest.silverRows());
    data.put("gold_tables", gold.definitions().size());
    run.cleanUp(keep);
    return Comparison.of("gold", "gold over " + whole.dates().size() + " dates vs a rerun of one date",
        new Measure(whole.dates().size() + " dates", whole.duration().toMillis() / 1000.0, "s"),
        new Measure("one date", one.duration().toMillis() / 1000.0, "s"), Goal.atMost(3), data);
  }
}
