package dev.lakehouse.devtools;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import dev.lakehouse.core.config.StorageConfig;
import dev.lakehouse.core.definitions.SilverTableDefinition;
import dev.lakehouse.core.definitions.SilverTableLoader;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.scheduler.cli.SilverCommand;
import dev.lakehouse.silver.SilverRefine;
import dev.lakehouse.silver.SilverRunResult;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code lakehouse bench upserts}: the cost of applying changes to an upsert table (its current
 * state and its history) next to an insert-only MERGE of the same size, in one run. Bronze is
 * written straight from Spark (what is measured is the silver run, not Kafka): a table of
 * {@code --keys} keys, then {@code --changes} changes — 30% updates of existing keys, 5% deletes,
 * the rest new keys — and, for the baseline, an append table of as many keys receiving as many
 * new keys. Each silver run is timed whole (parse, expectations, reduce, MERGE, delete log).
 */
@Command(
    name = "upserts",
    mixinStandardHelpOptions = true,
    description = {
      "Upsert MERGE cost vs an insert-only MERGE of the same size: --keys keys in the current table, its",
      "history and an append table; then --changes changes (30% updates, 5% deletes, 65% new keys) to the",
      "upsert tables and as many new keys to the append table, each applied by one timed silver run."
    })
final class BenchUpsertsCommand implements Callable<Integer> {

  private static final String COLUMNS = """
      columns:
        id:         {type: long}
        version:    {type: long}
        updated_at: {type: timestamp}
        name:       {type: string, required: true}
        plan:       {type: string}
        balance:    {type: "decimal(12,2)"}
        deleted:    {type: boolean}
      """;

  @ParentCommand BenchCommand bench;

  @Option(names = "--keys", defaultValue = "1000000", description = "Keys in the tables (default: ${DEFAULT-VALUE}).")
  long keys;

  @Option(names = "--changes", defaultValue = "100000", description = "Changes applied (default: ${DEFAULT-VALUE}).")
  long changes;

  @Option(names = "--keep", description = "Keep the bench tables (local roots are deleted by default).")
  boolean keep;

  @Override
  public Integer call() {
    BenchRun run = BenchRun.fresh(bench.root.config());
    SparkSession spark = run.spark();
    TableLocations locations = new TableLocations(new StorageConfig(run.root()));
    SilverTableDefinition current = definition("bench_current", "source: bench_changes\nmode: upsert\nkey: [id]\n"
        + "sequence: version\ndeletes: \"deleted = true\"\n");
    SilverTableDefinition history = definition("bench_history", "source: bench_changes\nmode: upsert\nkey: [id]\n"
        + "sequence: version\ndeletes: \"deleted = true\"\nhistory: true\n");
    SilverTableDefinition append = definition("bench_append", "source: bench_events\nmode: append\nkey: [id]\n"
        + "event_time: updated_at\n");
    List<SilverTableDefinition> tables = List.of(append, current, history);

    long initialBytes = writeBronze(spark, locations.bronze("bench_changes"), initial(spark));
    writeBronze(spark, locations.bronze("bench_events"), initial(spark));
    System.out.printf("bench upserts: initial load of %,d keys (%,d bytes of JSON values per bronze table)%n", keys, initialBytes);
    for (SilverTableDefinition table : tables) {
      SilverRefine refine = refine(spark, locations, table);
      SilverCommand.print(refine.run(), refine);
    }

    long updates = changes * 30 / 100;
    long deletes = changes * 5 / 100;
    long changeBytes = writeBronze(spark, locations.bronze("bench_changes"), changes(spark, updates, deletes));
    writeBronze(spark, locations.bronze("bench_events"), newKeys(spark));
    System.out.printf("bench upserts: %,d changes (%,d updates, %,d deletes, %,d new keys; %,d bytes) to the upsert tables,"
        + " %,d new keys to the append table%n", changes, updates, deletes, changes - updates - deletes, changeBytes, changes);
    double[] seconds = new double[tables.size()];
    for (int i = 0; i < tables.size(); i++) {
      SilverRefine refine = refine(spark, locations, tables.get(i));
      SilverRunResult result = refine.run();
      SilverCommand.print(result, refine);
      seconds[i] = result.duration().toMillis() / 1000.0;
    }
    System.out.printf("bench upserts: %,d changes into %,d keys: insert-only MERGE (append table) %.1f s; current state"
        + " %.1f s (%.2fx); history %.1f s (%.2fx)%n", changes, keys, seconds[0], seconds[1], seconds[1] / seconds[0], seconds[2],
        seconds[2] / seconds[0]);
    run.cleanUp(keep);
    return 0;
  }

  private static SilverTableDefinition definition(String name, String yaml) {
    SilverTableLoader.Loaded loaded = SilverTableLoader.parse(name, yaml + COLUMNS, "bench:" + name);
    return loaded.table().orElseThrow(() -> new IllegalStateException(loaded.problems().toString()));
  }

  private static SilverRefine refine(SparkSession spark, TableLocations locations, SilverTableDefinition table) {
    return new SilverRefine(spark, locations, table, new ExpectationSuite("bench_" + table.name(), List.of()));
  }

  /** Version 1 of every key: JSON values of ~150 bytes. */
  private Dataset<Row> initial(SparkSession spark) {
    return spark.range(keys).selectExpr("id", "1L AS version", "false AS deleted");
  }

  /** Updates of spread-out existing keys (version 2), deletes of others (version 3), new keys. */
  private Dataset<Row> changes(SparkSession spark, long updates, long deletes) {
    long stride = Math.max(1, keys / Math.max(1, updates + deletes));
    return spark.range(changes).selectExpr(
        "CASE WHEN id < " + (updates + deletes) + " THEN id * " + stride + " ELSE " + keys + " + id END AS id",
        "CASE WHEN id < " + updates + " THEN 2L WHEN id < " + (updates + deletes) + " THEN 3L ELSE 1L END AS version",
        "id >= " + updates + " AND id < " + (updates + deletes) + " AS deleted");
  }

  private Dataset<Row> newKeys(SparkSession spark) {
    return spark.range(changes).selectExpr(keys + " + id AS id", "1L AS version", "false AS deleted");
  }

  /** Appends rows as bronze holds them (one ingest batch); returns the bytes of their values. */
  private static long writeBronze(SparkSession spark, String path, Dataset<Row> versions) {
    Dataset<Row> bronze = versions
        .withColumn("value", expr("CASE WHEN deleted THEN to_json(named_struct('id', id, 'version', version,"
            + " 'updated_at', date_format(timestamp'2026-11-01 00:00:00' + make_interval(0, 0, 0, 0, 0, 0, id % 86400),"
            + " \"yyyy-MM-dd'T'HH:mm:ss'Z'\"), 'deleted', true)) ELSE to_json(named_struct('id', id, 'version', version,"
            + " 'updated_at', date_format(timestamp'2026-11-01 00:00:00' + make_interval(0, 0, 0, 0, 0, 0, id % 86400),"
            + " \"yyyy-MM-dd'T'HH:mm:ss'Z'\"), 'name', concat('customer-', id), 'plan', element_at(array('free', 'basic',"
            + " 'pro', 'team'), CAST(id % 4 + 1 AS INT)), 'balance', CAST((id % 100000) / 100.0 AS DECIMAL(12,2)))) END"))
        .select(expr("CAST(id AS STRING) AS key"), col("value"), expr("'bench' AS topic"), expr("CAST(id % 2 AS INT) AS partition"),
            expr("id AS offset"), expr("current_timestamp() AS kafka_timestamp"), expr("current_timestamp() AS ingested_at"))
        .withColumn("ingest_date", expr("to_date(ingested_at)"))
        .cache();
    long bytes = bronze.selectExpr("COALESCE(SUM(length(value)), 0)").first().getLong(0);
    bronze.write().format("delta").mode("append").partitionBy("ingest_date").save(path);
    bronze.unpersist();
    return bytes;
  }
}
