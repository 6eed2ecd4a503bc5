package dev.lakehouse.devtools;

import dev.lakehouse.scheduler.cli.LakehouseCli;
import dev.lakehouse.scheduler.cli.SilverCommand;
import dev.lakehouse.scheduler.cli.GoldCommand;
import dev.lakehouse.scheduler.cli.IngestCommand;
import dev.lakehouse.bronze.BronzeIngest;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.gold.GoldBuilder;
import dev.lakehouse.gold.GoldDefinitions;
import dev.lakehouse.scheduler.service.LakehouseService;
import dev.lakehouse.views.ViewDefinitions;
import dev.lakehouse.testing.generator.GeneratorSpec;
import dev.lakehouse.testing.generator.GroundTruth;
import dev.lakehouse.testing.generator.MessageKind;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.silver.SilverRefine;
import dev.lakehouse.silver.SilverRunResult;
import dev.lakehouse.scheduler.local.LocalServices;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse demo}: every layer once on generated data, on the local services. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Run the pipeline once on generated data with local Kafka and S3.",
      "Starts the local services, generates events (with duplicates, late and malformed ones),",
      "ingests them into bronze, refines silver, builds gold and prints every layer with the quality report,",
      "then runs the service (`lakehouse run`) while events keep arriving and shows the 1-minute view catching up."
    })
final class DemoCommand implements Callable<Integer> {

  @ParentCommand LakehouseCli root;

  @Option(names = "--events", defaultValue = "20000", description = "Messages to generate (default: ${DEFAULT-VALUE}).")
  long events;

  @Option(names = "--seed", description = "Random seed (default: random).")
  Long seed;

  @Option(names = "--run-seconds", defaultValue = "120",
      description = "How long to run the service while events keep arriving (default: ${DEFAULT-VALUE}; 0 skips it).")
  int runSeconds;

  @Override
  public Integer call() {
    PrintStream out = System.out;
    LakehouseConfig config = root.config();
    SourceConfig source = config.kafka().source("clickstream");

    step(out, 1, "local services");
    new LocalServices(config).up(out);

    step(out, 2, "generate events");
    GeneratorSpec spec = GeneratorSpec.defaults(events, seed == null ? new Random().nextLong() : seed);
    GroundTruth truth = GenerateCommand.run(config, spec, source.topic(), 0, Optional.empty(), out);

    step(out, 3, "ingest into bronze (--once)");
    SparkSession spark = SparkSessions.getOrCreate(config, "lakehouse-demo");
    IngestCommand.print(new BronzeIngest(spark, config).runUntilCaughtUp(source));

    step(out, 4, "bronze/" + source.name());
    String table = new TableLocations(config.storage()).bronze(source.name());
    List<Row> perDate =
        spark.read().format("delta").load(table).groupBy("ingest_date").count().orderBy("ingest_date").collectAsList();
    out.printf("%-12s %12s%n", "ingest_date", "records");
    long total = 0;
    for (Row row : perDate) {
      out.printf("%-12s %,12d%n", row.get(0), row.getLong(1));
      total += row.getLong(1);
    }
    out.printf("%-12s %,12d%n", "total", total);
    out.printf("%nthis run produced %,d messages: %,d valid unique events, the rest duplicates and"
            + " malformed records, all kept raw in bronze (%s)%n",
        truth.messages(), truth.validUniqueEvents(), table);

    step(out, 5, "silver (parse, expectations, quarantine, dedupe)");
    SilverRefine refine = new SilverRefine(spark, config, SuiteLoader.load("silver_events", Optional.empty()));
    SilverRunResult silver = refine.run();
    SilverCommand.print(silver, refine);
    out.printf("ground truth for this run: %,d new valid events, %,d malformed (silver added %,d, quarantined %,d)%n",
        truth.validUniqueEvents(), truth.count(MessageKind.MALFORMED), silver.rowsOut(), silver.quarantined());
    printQuery(out, spark, "silver events per event_date",
        "SELECT event_date, count(*) AS events, count(DISTINCT user_id) AS users,"
            + " round(sum(CASE WHEN event_type = 'purchase' THEN amount ELSE 0 END), 2) AS revenue"
            + " FROM delta.`" + refine.silverTable() + "` GROUP BY event_date ORDER BY event_date");
    printQuery(out, spark, "quarantine by reason",
        "SELECT reason, count(*) AS records FROM delta.`" + refine.quarantineTable() + "`"
            + " LATERAL VIEW explode(failed_expectations) AS reason GROUP BY reason ORDER BY records DESC");
    printQuery(out, spark, "last quality results (_system/quality_results)",
        "SELECT run_id, success, gate_passed, evaluated_expectations, unsuccessful_expectations,"
            + " round(success_percent, 1) AS success_percent FROM delta.`"
            + new TableLocations(config.storage()).system("quality_results") + "` ORDER BY validated_at DESC LIMIT 4");

    step(out, 6, "gold (every date never built or whose silver changed)");
    GoldBuilder gold = new GoldBuilder(spark, config, GoldDefinitions.load(Optional.empty())); // the demo is the built-in pipeline
    GoldCommand.run(gold, gold.plan(), GoldBuilder.JOB, false, out);
    printQuery(out, spark, "gold.daily_event_metrics",
        "SELECT * FROM delta.`" + gold.goldTable("daily_event_metrics") + "` ORDER BY event_date, event_type");
    printQuery(out, spark, "gold.daily_funnel",
        "SELECT * FROM delta.`" + gold.goldTable("daily_funnel") + "` ORDER BY event_date");
    printQuery(out, spark, "gold.user_daily: top 10 users by revenue",
        "SELECT * FROM delta.`" + gold.goldTable("user_daily") + "` ORDER BY revenue DESC, event_date, user_id LIMIT 10");
    printQuery(out, spark, "gold.product_daily: top 10 products by revenue",
        "SELECT * FROM delta.`" + gold.goldTable("product_daily") + "` ORDER BY revenue DESC, event_date, product_id LIMIT 10");
    if (runSeconds > 0) {
      step(out, 7, "lakehouse run for " + runSeconds + " s while events keep arriving");
      runService(out, config, spark, source, spec.seed());
    }
    out.printf("%nquery any table with e.g. ./lakehouse sql \"SELECT * FROM gold.user_daily LIMIT 5\"%n");
    out.printf("or serve gold and views to BI tools over JDBC: ./lakehouse serve  (jdbc:hive2://127.0.0.1:10000/gold)%n");
    return 0;
  }

  /** Starts the service, produces 20 events/s in the background, and shows live_kpis catching up. */
  private void runService(PrintStream out, LakehouseConfig config, SparkSession spark, SourceConfig source, long baseSeed) {
    int rate = 20;
    GeneratorSpec live = GeneratorSpec.defaults((long) rate * runSeconds, baseSeed + 1);
    live = new GeneratorSpec(live.count(), live.seed(), live.duplicateRatio(), 0.0, live.malformedRatio(), live.maxLateDays(),
        live.users(), live.products(), Optional.of(java.time.Instant.now()), java.time.Duration.ofMillis(1000 / rate));
    GeneratorSpec spec = live;
    Thread producer = new Thread(() -> GenerateCommand.run(config, spec, source.topic(), rate, Optional.empty(),
        new PrintStream(java.io.OutputStream.nullOutputStream())), "demo-producer");
    producer.setDaemon(true);
    LakehouseService service = new LakehouseService(spark, config, SuiteLoader.load("silver_events", Optional.empty()),
        ViewDefinitions.load(Optional.empty())); // the demo is the built-in pipeline
    service.start();
    producer.start();
    out.printf("service started: streaming ingest, silver hourly, views on their schedules (live_kpis every minute);%n"
        + "producing %d events/s with event times of now%n", rate);
    String kpis = new TableLocations(config.storage()).view("live_kpis");
    long end = System.nanoTime() + runSeconds * 1_000_000_000L;
    try {
      while (System.nanoTime() < end) {
        Thread.sleep(Math.min(30_000, Math.max(0, (end - System.nanoTime()) / 1_000_000)));
        if (io.delta.tables.DeltaTable.isDeltaTable(spark, kpis)) {
          printQuery(out, spark, "views.live_kpis, newest 5 minutes (" + java.time.LocalTime.now().withNano(0) + " UTC)",
              "SELECT * FROM delta.`" + kpis + "` ORDER BY minute DESC LIMIT 5");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      service.stop();
      producer.interrupt();
    }
  }

  private static void printQuery(PrintStream out, SparkSession spark, String title, String sql) {
    out.printf("%n%s%n", title);
    out.println(spark.sql(sql).showString(50, 60, false));
  }

  private void step(PrintStream out, int number, String title) {
    out.printf("%n== %d/%d %s%n", number, runSeconds > 0 ? 7 : 6, title);
  }
}
