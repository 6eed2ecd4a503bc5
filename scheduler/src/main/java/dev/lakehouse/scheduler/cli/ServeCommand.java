package dev.lakehouse.scheduler.cli;

import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.ServeConfig;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.serve.JdbcServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse serve}: the JDBC/ODBC endpoint for BI tools, until Ctrl-C/SIGTERM. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = {
      "Serve gold tables (database gold) and materialized views (database views) over JDBC/ODBC",
      "(HiveServer2 protocol: Hive JDBC driver, beeline, DBeaver, Superset, Tableau, Power BI) until",
      "Ctrl-C/SIGTERM. Listens on serve.host:serve.port (default 127.0.0.1:10000). Off loopback a user",
      "and password are required (LAKEHOUSE_SERVE_USER / LAKEHOUSE_SERVE_PASSWORD) unless serve.auth says otherwise."
    })
final class ServeCommand implements Callable<Integer> {

  @ParentCommand LakehouseCli root;

  @Option(names = "--host", description = "Address to listen on (default: serve.host).")
  String host;

  @Option(names = "--port", description = "Port (default: serve.port).")
  Integer port;

  @Override
  public Integer call() throws InterruptedException {
    dev.lakehouse.scheduler.pipeline.PipelineRuntime runtime = root.runtime("lakehouse-serve", null);
    LakehouseConfig config = withOptions(runtime.config(), host, port);
    JdbcServer server = start(config, runtime.spark());
    UntilStopped.serve(server);
    return 0;
  }

  /** {@code run --serve}: the service's session and configuration. */
  static JdbcServer start(dev.lakehouse.scheduler.pipeline.PipelineRuntime runtime) {
    return start(runtime.config(), runtime.spark());
  }

  /** Starts the server on {@code spark} and prints how to connect; shared with {@code run --serve}. */
  static JdbcServer start(LakehouseConfig config, org.apache.spark.sql.SparkSession spark) {
    JdbcServer server = JdbcServer.start(spark, new TableLocations(config.storage()), config.serve());
    System.out.printf("lakehouse serve: %s (%s authentication), %d tables: %s%n", server.jdbcUrl(),
        config.serve().effectiveAuth().name().toLowerCase(java.util.Locale.ROOT), server.tables().size(),
        String.join(", ", server.tables()));
    return server;
  }

  static LakehouseConfig withOptions(LakehouseConfig config, String host, Integer port) {
    ServeConfig serve = config.serve();
    return config.withServe(new ServeConfig(host != null ? host : serve.host(), port != null ? port : serve.port(), serve.auth(),
        serve.user(), serve.password(), serve.ldapUrl(), serve.ldapBaseDn(), serve.syncInterval()));
  }
}
