package dev.lakehouse.scheduler.cli;

import dev.lakehouse.bronze.BronzeIngest;
import dev.lakehouse.bronze.OutageWatch;
import dev.lakehouse.bronze.IngestResult;
import dev.lakehouse.core.config.Durations;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.core.progress.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse ingest [--once]}: Kafka → bronze, one streaming query per source topic. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Stream Kafka topics into bronze Delta tables, exactly once.",
      "One checkpointed query per source topic of the pipeline, into bronze/<source>.",
      "Without --once it runs until Ctrl-C/SIGTERM with the configured trigger interval."
    })
public final class IngestCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(IngestCommand.class);
  /** Before Spark's own hooks (priority 40–50) so that queries stop while Spark is still up. */
  private static final int STOP_QUERIES_PRIORITY = 100;

  @ParentCommand LakehouseCli root;

  @Option(names = "--once", description = "Ingest everything available now, then exit.")
  boolean once;

  @Option(names = "--source", paramLabel = "NAME", description = "Only these sources (default: every source of the pipeline).")
  List<String> sourceNames;

  @Option(names = "--definitions", paramLabel = "DIR", description = "Folder of pipeline definitions (default: definitions.dir).")
  java.nio.file.Path definitions;

  @Override
  public Integer call() {
    dev.lakehouse.scheduler.pipeline.PipelineRuntime runtime = root.runtime("lakehouse-ingest", definitions);
    LakehouseConfig config = runtime.config();
    List<SourceConfig> sources = sourceNames == null ? runtime.pipeline().sources()
        : sourceNames.stream().map(runtime.pipeline()::source).toList();
    SparkSession spark = runtime.spark();
    BronzeIngest ingest = new BronzeIngest(spark, config);
    // one process per bronze table: a second `ingest` (or one beside `run`) is refused at once
    List<dev.lakehouse.core.storage.TableLease> leases = new ArrayList<>();
    for (SourceConfig source : sources) {
      leases.add(runtime.writing("bronze_" + source.name(), once ? "lakehouse ingest --once" : "lakehouse ingest",
          java.time.Duration.ZERO));
    }
    if (once) {
      try (Progress progress = Progress.start("ingest", sources.size(), "sources")) {
        for (SourceConfig source : sources) {
          String done = describe(ingest.runUntilCaughtUp(source));
          progress.stepAndPrint(1, done);
        }
      } finally {
        leases.forEach(dev.lakehouse.core.storage.TableLease::close);
      }
      return 0;
    }
    List<StreamingQuery> queries = new ArrayList<>();
    OutageWatch watch = OutageWatch.start(spark, config);
    ShutdownHookManager.get()
        .addShutdownHook(
            () -> {
              LOG.info("stopping {} bronze queries", queries.size());
              watch.close();
              queries.forEach(IngestCommand::stopQuietly);
              leases.forEach(dev.lakehouse.core.storage.TableLease::close);
            },
            STOP_QUERIES_PRIORITY);
    for (SourceConfig source : sources) {
      queries.add(ingest.startContinuous(source));
      LOG.info("ingesting topic '{}' into bronze/{} every {} (Ctrl-C to stop)", source.topic(), source.name(),
          Durations.format(config.ingest().triggerInterval()));
    }
    for (int i = 0; i < queries.size(); i++) {
      ingest.awaitTermination(queries.get(i), sources.get(i));
    }
    return 0;
  }

  public static void print(IngestResult result) {
    System.out.println(describe(result));
  }

  static String describe(IngestResult result) {
    return String.format("bronze/%s: %,d new records in %d batches, %.1f s (%,.0f records/s) -> %s",
        result.source(), result.rows(), result.batches(), result.duration().toMillis() / 1000.0,
        result.rowsPerSecond(), result.table());
  }

  private static void stopQuietly(StreamingQuery query) {
    try {
      query.stop();
    } catch (Exception e) {
      LOG.warn("stopping {} failed: {}", query.name(), e.getMessage());
    }
  }
}
