package dev.lakehouse.scheduler.cli;

import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.scheduler.pipeline.PipelineRuntime;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.scheduler.service.LakehouseService;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import dev.lakehouse.serve.JdbcServer;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse run}: the long-running service. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Run the pipeline as a service until Ctrl-C/SIGTERM: bronze streaming from Kafka, plus Quartz jobs",
      "for silver (schedules.silver, default hourly), gold (schedules.gold, daily 01:15 UTC, rebuilding",
      "late-changed dates), every view on its own schedule, and maintenance (OPTIMIZE, VACUUM; daily 03:00 UTC).",
      "A job never overlaps itself; a missed slot runs once; a failing job is recorded and retried on its next slot."
    })
final class RunCommand implements Callable<Integer> {

  /** Before Spark's own hooks (priority 40–50) so jobs and queries stop while Spark is still up. */
  private static final int STOP_PRIORITY = 100;

  @ParentCommand LakehouseCli root;

  @Option(names = "--definitions", paramLabel = "DIR", description = "Folder of user definitions (default: definitions.dir).")
  Path definitions;

  @Option(names = "--serve", description = "Also serve gold and views over JDBC/ODBC, as `lakehouse serve` does.")
  boolean serve;

  @Option(names = "--ui", description = "Also serve the web console, as `lakehouse ui` does (on 127.0.0.1).")
  boolean ui;

  @Option(names = "--ui-port", description = "The console's port (default: ${DEFAULT-VALUE}; 0 picks a free one).",
      defaultValue = "" + UiCommand.DEFAULT_PORT)
  int uiPort;

  @Override
  public Integer call() {
    PipelineRuntime runtime = root.runtime("lakehouse-run", definitions);
    LakehouseConfig config = runtime.config();
    SparkSession spark = runtime.spark();
    LakehouseService service = new LakehouseService(runtime);
    ShutdownHookManager.get().addShutdownHook(service::stop, STOP_PRIORITY);
    service.start();
    if (serve) {
      JdbcServer server = ServeCommand.start(runtime);
      // stopped first: no new queries while the jobs wind down
      ShutdownHookManager.get().addShutdownHook(server::close, STOP_PRIORITY + 1);
    }
    if (ui) {
      dev.lakehouse.scheduler.console.ConsoleServer console = UiCommand.start(runtime, "127.0.0.1", uiPort);
      ShutdownHookManager.get().addShutdownHook(console::close, STOP_PRIORITY + 1);
    }
    System.out.println("lakehouse run: streaming and scheduling; Ctrl-C or SIGTERM stops after running jobs finish");
    service.awaitStreams();
    return 0;
  }
}
