package dev.lakehouse.bronze;

import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.storage.TableLocations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the broker and the storage of a long-running process (the service, continuous ingest)
 * and says so when one stops answering: a warning within {@link #INTERVAL} plus the probe's
 * timeout, again every {@link #REMINDER} while it lasts, and a line when it is back. Streaming
 * queries and Spark's own retries are silent for minutes during an outage; this is what an
 * operator sees instead. {@link #probeNow} is the same check once, for {@code status}.
 */
public final class OutageWatch implements AutoCloseable {

  public static final Duration INTERVAL = Duration.ofSeconds(10);
  public static final Duration REMINDER = Duration.ofSeconds(60);
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(8);
  private static final Logger LOG = LoggerFactory.getLogger(OutageWatch.class);

  /** The outcome of one probe of one endpoint. */
  public record Probe(String endpoint, String what, Optional<String> problem) {
    public boolean answers() {
      return problem.isEmpty();
    }
  }

  private final List<Endpoint> endpoints;
  private final ScheduledExecutorService timer;

  private OutageWatch(List<Endpoint> endpoints) {
    this.endpoints = endpoints;
    this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "lakehouse-outage-watch");
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Starts watching the broker and the storage root; {@link #close} stops. */
  public static OutageWatch start(SparkSession spark, LakehouseConfig config) {
    OutageWatch watch = new OutageWatch(endpoints(spark, config));
    watch.timer.scheduleWithFixedDelay(watch::probeAll, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    return watch;
  }

  /** One probe of each endpoint, now. */
  public static List<Probe> probeNow(SparkSession spark, LakehouseConfig config) {
    return endpoints(spark, config).stream().map(Endpoint::probe).toList();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  private void probeAll() {
    for (Endpoint endpoint : endpoints) {
      endpoint.report(endpoint.probe(), Instant.now());
    }
  }

  private static List<Endpoint> endpoints(SparkSession spark, LakehouseConfig config) {
    List<Endpoint> endpoints = new ArrayList<>();
    String bootstrap = config.kafka().bootstrapServers();
    endpoints.add(new Endpoint("Kafka", bootstrap, () -> probeKafka(bootstrap)));
    String root = new TableLocations(config.storage()).root();
    Configuration hadoop = spark.sessionState().newHadoopConf();
    String shown = root.startsWith("s3a://") ? config.s3().endpoint() + " (" + root + ")" : root;
    endpoints.add(new Endpoint("storage", shown, () -> probeStorage(root, hadoop)));
    return endpoints;
  }

  private static void probeKafka(String bootstrap) throws Exception {
    Properties properties = new Properties();
    properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
    try (Admin admin = Admin.create(properties)) {
      admin.describeCluster().nodes().get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  private static void probeStorage(String root, Configuration hadoop) throws Exception {
    Path path = new Path(root);
    FileSystem fs = FileSystem.get(path.toUri(), hadoop);
    fs.exists(path); // a stopped S3 endpoint throws here after the configured retries
  }

  /** One endpoint and what was last said about it. */
  private static final class Endpoint {
    private final String what;
    private final String address;
    private final Check check;
    private Instant downSince;
    private Instant lastWarning;

    Endpoint(String what, String address, Check check) {
      this.what = what;
      this.address = address;
      this.check = check;
    }

    Probe probe() {
      try {
        check.run();
        return new Probe(address, what, Optional.empty());
      } catch (Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
          cause = cause.getCause();
        }
        String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
        return new Probe(address, what, Optional.of(cause.getClass().getSimpleName() + ": " + message));
      }
    }

    void report(Probe probe, Instant now) {
      if (probe.answers()) {
        if (downSince != null) {
          LOG.info("{} at {} answers again, after {} s without it", what, address, Duration.between(downSince, now).toSeconds());
          downSince = null;
        }
        return;
      }
      if (downSince == null) {
        downSince = now;
        lastWarning = now;
        LOG.warn("{} at {} does not answer ({}); work that needs it waits and retries. Check: ./lakehouse local status",
            what, address, probe.problem().orElseThrow());
      } else if (Duration.between(lastWarning, now).compareTo(REMINDER) >= 0) {
        lastWarning = now;
        LOG.warn("{} at {} still does not answer, for {} s now ({})", what, address,
            Duration.between(downSince, now).toSeconds(), probe.problem().orElseThrow());
      }
    }
  }

  @FunctionalInterface
  private interface Check {
    void run() throws Exception;
  }
}
