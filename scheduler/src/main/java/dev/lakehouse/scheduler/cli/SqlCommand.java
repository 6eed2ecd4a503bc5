package dev.lakehouse.scheduler.cli;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.storage.DeltaTableListing;
import dev.lakehouse.core.storage.Layer;
import dev.lakehouse.core.storage.TableLocations;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse sql "…"}: a query over every Delta table under the storage root. */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = {
      "Run a Spark SQL query against the lakehouse tables.",
      "Tables are named <layer>.<table>,",
      "e.g. bronze.clickstream, silver.events, quarantine.events, gold.user_daily, system.runs."
    })
final class SqlCommand implements Callable<Integer> {

  private static final List<Layer> QUERYABLE =
      List.of(Layer.BRONZE, Layer.SILVER, Layer.QUARANTINE, Layer.GOLD, Layer.VIEWS, Layer.SYSTEM);

  @ParentCommand LakehouseCli root;

  @Parameters(paramLabel = "QUERY", description = "The SQL query.")
  String query;

  @Option(names = "--limit", defaultValue = "100", description = "Rows to print (default: ${DEFAULT-VALUE}).")
  int limit;

  @Override
  public Integer call() throws IOException {
    dev.lakehouse.scheduler.pipeline.PipelineRuntime runtime = root.runtime("lakehouse-sql", null);
    SparkSession spark = runtime.spark();
    registerTables(spark, runtime.locations());
    try {
      spark.sql(query).show(limit, false);
    } catch (Exception e) {
      if (e instanceof AnalysisException analysis) {
        throw new LakehouseException("query failed: " + analysis.getSimpleMessage());
      }
      throw e;
    }
    return 0;
  }

  /** Each Delta table becomes {@code <layer>.<name>}; {@code _system} is {@code system}. */
  static void registerTables(SparkSession spark, TableLocations locations) throws IOException {
    for (DeltaTableListing.Found table : DeltaTableListing.list(spark, locations, QUERYABLE)) {
      String database = table.layer() == Layer.SYSTEM ? "system" : table.layer().folder();
      spark.sql("CREATE DATABASE IF NOT EXISTS " + database);
      spark.sql(String.format("CREATE TABLE IF NOT EXISTS %s.`%s` USING delta LOCATION '%s'", database, table.name(), table.path()));
    }
  }
}
