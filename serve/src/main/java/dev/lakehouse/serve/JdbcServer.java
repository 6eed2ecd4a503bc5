package dev.lakehouse.serve;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.ServeConfig;
import dev.lakehouse.core.storage.TableLocations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.hive.thriftserver.HiveThriftServer2;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Spark's Thrift JDBC/ODBC server (HiveServer2 protocol) in this process, on the given session:
 * databases {@code gold} and {@code views} hold the gold tables and materialized views. Tables
 * that appear later are registered every {@code serve.sync-interval}.
 */
public final class JdbcServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(JdbcServer.class);

  private final HiveThriftServer2 server;
  private final ScheduledExecutorService sync;
  private final List<TableRegistry.Exposed> exposed;
  private final ServeConfig config;

  private JdbcServer(HiveThriftServer2 server, ScheduledExecutorService sync, List<TableRegistry.Exposed> exposed,
      ServeConfig config) {
    this.server = server;
    this.sync = sync;
    this.exposed = exposed;
    this.config = config;
  }

  /** Registers the tables, starts the server, warms it up; returns when clients can connect. */
  public static JdbcServer start(SparkSession spark, TableLocations locations, ServeConfig config) {
    requireNonNull(spark, "spark is null");
    requireNonNull(config, "config is null");
    checkPortFree(config);
    Path scratch = scratchFolder();
    configureHive(config, scratch);
    TableRegistry registry = new TableRegistry(spark, locations, scratch);
    List<TableRegistry.Exposed> exposed = registry.sync();
    ReadOnlyGuard.install(spark, locations);
    // statements run on the client's connection thread: an asynchronous statement's error reaches
    // a Hive JDBC client with the server's whole stack trace as its message, a synchronous one
    // as its one line. Set on the application's conf because each JDBC session starts from it.
    spark.sparkContext().conf().set("spark.sql.hive.thriftServer.async", "false");
    HiveThriftServer2 server = HiveThriftServer2.startWithContext(spark.sqlContext());
    warmUp(spark, exposed);
    ScheduledExecutorService sync = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "lakehouse-serve-sync");
      thread.setDaemon(true);
      return thread;
    });
    long every = config.syncInterval().toMillis();
    sync.scheduleWithFixedDelay(() -> {
      try {
        registry.sync();
      } catch (Throwable e) { // the next round tries again; the server keeps serving
        LOG.warn("registering new tables failed: {}", e.toString(), e);
      }
    }, every, every, TimeUnit.MILLISECONDS);
    return new JdbcServer(server, sync, exposed, config);
  }

  public List<String> tables() {
    return exposed.stream().map(TableRegistry.Exposed::qualified).toList();
  }

  /** What a client puts in its connection settings. */
  public String jdbcUrl() {
    String host = config.host();
    if (host.equals("0.0.0.0") || host.equals("::")) { // listening everywhere: clients use this machine's name
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "<this host>";
      }
    }
    return "jdbc:hive2://" + host + ":" + config.port() + "/gold";
  }

  @Override
  public void close() {
    sync.shutdownNow();
    server.stop();
  }

  /**
   * Hive reads its server settings from {@code new HiveConf()}, which sees system properties but
   * not {@code spark.hadoop.*}; so they are set here, before the server starts.
   */
  private static void configureHive(ServeConfig config, Path scratch) {
    // the server's own Hive session state (an in-memory Derby database): its log and scratch
    // files go to a temporary folder, not the working directory
    System.setProperty("derby.stream.error.file", scratch.resolve("derby.log").toString());
    System.setProperty("hive.exec.scratchdir", scratch.resolve("hive-scratch").toString());
    System.setProperty("hive.exec.local.scratchdir", scratch.resolve("hive-local").toString());
    System.setProperty("hive.downloaded.resources.dir", scratch.resolve("hive-resources").toString());
    System.setProperty("hive.server2.thrift.bind.host", config.host());
    System.setProperty("hive.server2.thrift.port", Integer.toString(config.port()));
    System.setProperty("hive.server2.transport.mode", "binary");
    switch (config.effectiveAuth()) {
      case NONE -> System.setProperty("hive.server2.authentication", "NONE");
      case PASSWORD -> {
        if (config.user().isEmpty() || config.password().isEmpty()) {
          throw LakehouseException.of("cannot serve on " + config.host() + " with password authentication",
              "serve.user or serve.password is empty",
              "set LAKEHOUSE_SERVE_PASSWORD (and LAKEHOUSE_SERVE_USER, default lakehouse), or listen on 127.0.0.1");
        }
        ConfigPasswordAuthenticator.configure(config.user(), config.password());
        System.setProperty("hive.server2.authentication", "CUSTOM");
        System.setProperty("hive.server2.custom.authentication.class", ConfigPasswordAuthenticator.class.getName());
      }
      case LDAP -> {
        if (config.ldapUrl().isEmpty()) {
          throw LakehouseException.of("cannot serve with LDAP authentication", "serve.ldap-url is empty",
              "set LAKEHOUSE_SERVE_LDAP_URL (and LAKEHOUSE_SERVE_LDAP_BASE_DN)");
        }
        System.setProperty("hive.server2.authentication", "LDAP");
        System.setProperty("hive.server2.authentication.ldap.url", config.ldapUrl());
        if (!config.ldapBaseDn().isEmpty()) {
          System.setProperty("hive.server2.authentication.ldap.baseDN", config.ldapBaseDn());
        }
      }
    }
  }

  private static Path scratchFolder() {
    try {
      return Files.createTempDirectory("lakehouse-serve-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void checkPortFree(ServeConfig config) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(config.host()), config.port()));
    } catch (IOException e) {
      throw LakehouseException.of("cannot serve on " + config.host() + ":" + config.port(), e.getMessage(),
          "stop what listens there, or choose another port with LAKEHOUSE_SERVE_PORT");
    }
  }

  /**
   * A grouped count of each table, so the first dashboard query does not pay for loading Delta
   * logs, snapshots and code generation.
   */
  private static void warmUp(SparkSession spark, List<TableRegistry.Exposed> tables) {
    long started = System.nanoTime();
    for (TableRegistry.Exposed table : tables) {
      try {
        String first = spark.table(table.qualified()).columns()[0];
        spark.sql("SELECT `" + first + "`, COUNT(*) FROM " + table.qualified() + " GROUP BY 1").collectAsList();
      } catch (RuntimeException e) {
        LOG.warn("warm-up of {} failed: {}", table.qualified(), e.getMessage());
      }
    }
    LOG.info("warmed up {} tables in {} ms", tables.size(), (System.nanoTime() - started) / 1_000_000);
  }
}
