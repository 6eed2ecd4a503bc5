package dev.lakehouse.devtools;

import dev.lakehouse.scheduler.cli.LakehouseCli;
import dev.lakehouse.scheduler.cli.SilverCommand;
import dev.lakehouse.scheduler.cli.GoldCommand;
import dev.lakehouse.bronze.BronzeIngest;
import dev.lakehouse.bronze.IngestResult;
import dev.lakehouse.core.config.KafkaConfig;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.config.StorageConfig;
import dev.lakehouse.core.partition.DateRange;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.gold.DateBuild;
import dev.lakehouse.gold.GoldBuilder;
import dev.lakehouse.gold.GoldDefinitions;
import dev.lakehouse.gold.GoldRunResult;
import dev.lakehouse.testing.generator.GeneratorSpec;
import java.io.IOException;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.silver.SilverRefine;
import dev.lakehouse.silver.SilverRunResult;
import org.apache.spark.sql.SparkSession;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse bench ingest}: measures produce and Kafka → bronze rates on a fresh topic. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure throughput.",
      "`bench silver` does the same, then times one silver run over the new bronze table.",
      "`bench gold` spreads the events over --days dates, refines them, then times building every",
      "date of gold (the whole table) and a rerun of one date.",
      "`bench views` times an incremental and a full refresh of hourly_trends over a large history.",
      "`bench latency` runs the service while events arrive and measures produce-to-view latency.",
      "`bench upserts` times changes applied to an upsert table and its history next to an insert-only MERGE.",
      "`bench ingest` produces N generated events to a fresh topic and ingests them",
      "into a fresh bronze table under <root>/_bench/, then prints both rates. Every bench needs",
      "a broker (`./lakehouse local up`) and works under <root>/_bench/ on a fresh topic."
    },
    subcommands = {BenchCommand.Ingest.class, BenchCommand.Silver.class, BenchCommand.Gold.class, BenchViewsCommand.class,
        BenchLatencyCommand.class, BenchUpsertsCommand.class})
final class BenchCommand implements Runnable {

  @ParentCommand LakehouseCli root;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "ingest", mixinStandardHelpOptions = true, description = "Kafka → bronze throughput.")
  static final class Ingest implements Callable<Integer> {

    @ParentCommand BenchCommand bench;

    @Option(names = "--events", defaultValue = "1000000", description = "Messages (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--keep", description = "Keep the bench table (local roots are deleted by default).")
    boolean keep;

    @Override
    public Integer call() {
      BenchRun run = BenchRun.create(bench.root.config(), GeneratorSpec.defaults(events, 1));
      IngestResult result = run.ingest();
      System.out.printf("bench ingest: %,d records, %.1f s wall clock including query start-up, %,.0f records/s%n",
          result.rows(), result.duration().toMillis() / 1000.0, result.rowsPerSecond());
      run.cleanUp(keep);
      return 0;
    }
  }

  @Command(name = "silver", mixinStandardHelpOptions = true,
      description = "bronze → silver throughput (generate and ingest first, then time one silver run).")
  static final class Silver implements Callable<Integer> {

    @ParentCommand BenchCommand bench;

    @Option(names = "--events", defaultValue = "1000000", description = "Messages (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--keep", description = "Keep the bench tables (local roots are deleted by default).")
    boolean keep;

    @Override
    public Integer call() {
      BenchRun run = BenchRun.create(bench.root.config(), GeneratorSpec.defaults(events, 1));
      run.ingest();
      compareParsers(run);
      SilverRefine refine = new SilverRefine(run.spark(), run.config(), SuiteLoader.load("silver_events", Optional.empty()));
      SilverRunResult result = refine.run();
      SilverCommand.print(result, refine);
      System.out.printf("bench silver: %,d bronze rows, %.1f s wall clock, %,.0f rows/s%n", result.rowsIn(),
          result.duration().toMillis() / 1000.0, result.rowsIn() / Math.max(0.001, result.duration().toMillis() / 1000.0));
      run.cleanUp(keep);
      return 0;
    }
  }

  /**
   * The parse step alone, over the same bronze table, three rounds each, alternating: the
   * schema-driven parser with the built-in definition vs the hand-written clickstream parser it
   * replaced. Every parsed column is materialized (noop sink), nothing is written.
   */
  static void compareParsers(BenchRun run) {
    org.apache.spark.sql.SparkSession spark = run.spark();
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> bronze = spark.read().format("delta")
        .load(new dev.lakehouse.core.storage.TableLocations(run.config().storage()).bronze(run.source().name()));
    dev.lakehouse.silver.TableRefiner refiner = new dev.lakehouse.silver.TableRefiner(
        dev.lakehouse.core.definitions.BuiltInPipeline.events(), SuiteLoader.load("silver_events", Optional.empty()));
    org.apache.spark.sql.types.StructType schema = refiner.emptyParsed(spark).drop("event_hour").schema();
    org.apache.spark.sql.types.StructType parsedFields = new org.apache.spark.sql.types.StructType(java.util.Arrays.stream(schema.fields())
        .filter(field -> !field.name().startsWith(dev.lakehouse.silver.TableRefiner.BRONZE_PREFIX) && !field.name().equals("ingested_at"))
        .toArray(org.apache.spark.sql.types.StructField[]::new)); // the nine fields, event_date, parse_errors
    org.apache.spark.sql.expressions.UserDefinedFunction baseline = org.apache.spark.sql.functions.udf(
        (org.apache.spark.sql.api.java.UDF1<byte[], org.apache.spark.sql.Row>) BaselineClickstreamParser::parse, parsedFields);
    long rows = bronze.count();
    long bytes = bronze.selectExpr("COALESCE(SUM(length(CAST(value AS BINARY))), 0)").first().getLong(0);
    double[] generic = new double[3];
    double[] handWritten = new double[3];
    for (int round = 0; round < 3; round++) {
      long start = System.nanoTime();
      refiner.parse(bronze).selectExpr(parsedFields.fieldNames()).write().format("noop").mode("overwrite").save();
      generic[round] = (System.nanoTime() - start) / 1e9;
      start = System.nanoTime();
      bronze.select(baseline.apply(org.apache.spark.sql.functions.col("value").cast("binary")).as("parsed"))
          .select("parsed.*").write().format("noop").mode("overwrite").save();
      handWritten[round] = (System.nanoTime() - start) / 1e9;
    }
    double genericBest = java.util.Arrays.stream(generic).min().orElseThrow();
    double baselineBest = java.util.Arrays.stream(handWritten).min().orElseThrow();
    System.out.printf("bench silver: parse only, %,d bronze rows (%,d bytes of values), best of 3: schema-driven %.2f s,"
        + " hand-written clickstream parser %.2f s, ratio %.2f%n", rows, bytes, genericBest, baselineBest, genericBest / baselineBest);
  }

  @Command(name = "gold", mixinStandardHelpOptions = true,
      description = "Gold build time: the whole table (every date) vs a rerun of one date.")
  static final class Gold implements Callable<Integer> {

    @ParentCommand BenchCommand bench;

    @Option(names = "--events", defaultValue = "1000000", description = "Messages (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--days", defaultValue = "7", description = "Event dates to spread them over (default: ${DEFAULT-VALUE}).")
    int days;

    @Option(names = "--keep", description = "Keep the bench tables (local roots are deleted by default).")
    boolean keep;

    @Override
    public Integer call() {
      GeneratorSpec defaults = GeneratorSpec.defaults(events, 1);
      java.time.Duration spacing = java.time.Duration.ofDays(days).dividedBy(Math.max(1, events));
      GeneratorSpec spec = new GeneratorSpec(events, 1, defaults.duplicateRatio(), defaults.lateRatio(),
          defaults.malformedRatio(), defaults.maxLateDays(), defaults.users(), defaults.products(),
          Optional.of(Instant.now().minus(java.time.Duration.ofDays(days)).truncatedTo(java.time.temporal.ChronoUnit.DAYS)), spacing);
      BenchRun run = BenchRun.create(bench.root.config(), spec);
      run.ingest();
      SilverRefine refine = new SilverRefine(run.spark(), run.config(), SuiteLoader.load("silver_events", Optional.empty()));
      SilverCommand.print(refine.run(), refine);
      GoldBuilder gold = new GoldBuilder(run.spark(), run.config(), GoldDefinitions.load(Optional.empty()));
      GoldRunResult whole = GoldCommand.run(gold, gold.plan(), GoldBuilder.JOB, false, System.out).orElseThrow();
      DateBuild busiest = whole.dates().stream().max(java.util.Comparator.comparingLong(DateBuild::silverRows)).orElseThrow();
      GoldRunResult one = GoldCommand.run(gold, gold.planRange(DateRange.of(busiest.date())), GoldBuilder.RERUN_JOB, false,
          System.out).orElseThrow();
      long silverRows = whole.dates().stream().mapToLong(DateBuild::silverRows).sum();
      System.out.printf("bench gold: whole table (%d dates, %,d silver events) %.1f s; rerun of %s (%,d events) %.1f s%n",
          whole.dates().size(), silverRows, whole.duration().toMillis() / 1000.0, busiest.date(), busiest.silverRows(),
          one.duration().toMillis() / 1000.0);
      run.cleanUp(keep);
      return 0;
    }
  }
}
