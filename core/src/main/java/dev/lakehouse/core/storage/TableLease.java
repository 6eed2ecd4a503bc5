package dev.lakehouse.core.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.core.LakehouseException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The right to write one table on S3, held by one process at a time: an object
 * {@code <root>/_system/leases/<name>.json} created with a conditional put and renewed every
 * {@link #RENEW_EVERY} while held. A second process waits its turn, naming the holder, and gives
 * up after its wait with one line saying who holds it and what to do. A holder that died stops
 * renewing; after {@link #TTL} the next one takes the lease over (a conditional replace, so two
 * cannot both take it). Commits themselves are protected by {@link ConditionalPutLogStore}
 * whatever happens to a lease; the lease is what makes writers take turns instead of failing on
 * each other's conflicts. On a local file system there is no lease: Delta's own optimistic
 * concurrency applies.
 */
public final class TableLease implements AutoCloseable {

  public static final Duration TTL = Duration.ofSeconds(60);
  public static final Duration RENEW_EVERY = Duration.ofSeconds(15);
  private static final Duration POLL = Duration.ofSeconds(2);
  private static final Logger LOG = LoggerFactory.getLogger(TableLease.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What a lake on a local file system gets: nothing to hold. */
  private static final TableLease NONE = new TableLease();

  private final S3Objects s3;
  private final String bucket;
  private final String key;
  private final String name;
  private final String holder;
  private final Instant acquired;
  private final ScheduledExecutorService renewer;
  private volatile String etag;
  private volatile boolean lost;

  private TableLease() {
    this.s3 = null;
    this.bucket = null;
    this.key = null;
    this.name = "none";
    this.holder = "";
    this.acquired = Instant.EPOCH;
    this.renewer = null;
  }

  private TableLease(S3Objects s3, String bucket, String key, String name, String holder, String etag) {
    this.s3 = s3;
    this.bucket = bucket;
    this.key = key;
    this.name = name;
    this.holder = holder;
    this.acquired = Instant.now();
    this.etag = etag;
    this.renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "lease-" + name);
      thread.setDaemon(true);
      return thread;
    });
    renewer.scheduleWithFixedDelay(this::renew, RENEW_EVERY.toMillis(), RENEW_EVERY.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the lease {@code name} (e.g. {@code silver_events}) of the lake at {@code root}, waiting
   * up to {@code wait} while another process holds it; a no-op lease when the root is not on S3.
   *
   * @param command what this process is doing, shown to whoever waits, e.g. {@code lakehouse silver}
   * @param progress told once when this process starts waiting, and whom for
   */
  public static TableLease acquire(Configuration hadoop, String root, String name, String command,
      Duration wait, Consumer<String> progress) {
    URI uri = URI.create(root.endsWith("/") ? root : root + "/");
    if (!"s3a".equals(uri.getScheme()) && !"s3".equals(uri.getScheme())) {
      return NONE;
    }
    String key = (uri.getPath().substring(1) + "_system/leases/" + name + ".json");
    S3Objects s3 = S3Objects.of(hadoop);
    String holder = command + " (pid " + ProcessHandle.current().pid() + " on " + hostName() + ")";
    Instant deadline = Instant.now().plus(wait);
    boolean told = false;
    try {
      while (true) {
        Instant now = Instant.now();
        Optional<String> created = s3.putIfAbsent(uri.getHost(), key, content(holder, now, now.plus(TTL)));
        if (created.isPresent()) {
          return new TableLease(s3, uri.getHost(), key, name, holder, created.get());
        }
        Optional<S3Objects.Versioned> current = s3.get(uri.getHost(), key);
        if (current.isEmpty()) {
          continue; // released and deleted between the two calls
        }
        JsonNode held = JSON.readTree(current.get().content());
        Instant expires = Instant.parse(held.path("expires").asText());
        if (!now.isBefore(expires)) { // released, or its holder stopped renewing: take it over
          Optional<String> taken = s3.putIfMatch(uri.getHost(), key, content(holder, now, now.plus(TTL)), current.get().etag());
          if (taken.isPresent()) {
            return new TableLease(s3, uri.getHost(), key, name, holder, taken.get());
          }
          continue; // another process took it first
        }
        String description = name + " is being written by " + held.path("holder").asText() + " since "
            + held.path("acquired").asText();
        if (!now.isBefore(deadline)) {
          throw new LakehouseException(description + (wait.isZero() ? "" : "; waited " + wait.toSeconds() + " s")
              + ". Fix: let it finish (or stop it) and run this again; a holder that died frees it within "
              + TTL.toSeconds() + " s");
        }
        if (!told) {
          progress.accept("waiting for " + description + " (up to " + wait.toSeconds() + " s)");
          told = true;
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LakehouseException("interrupted while waiting for the lease on " + name);
    }
  }

  /** A lease that holds nothing (a dry run, a local lake). */
  public static TableLease none() {
    return NONE;
  }

  /** False once another process took the lease over (this one stopped renewing for over the TTL). */
  public boolean held() {
    return !lost;
  }

  /** Gives the lease up: marks it expired, so the next writer takes it at once. */
  @Override
  public void close() {
    if (s3 == null) {
      return;
    }
    renewer.shutdownNow();
    if (lost) {
      return;
    }
    try {
      s3.putIfMatch(bucket, key, content(holder, acquired, Instant.EPOCH), etag);
    } catch (IOException e) {
      LOG.warn("could not release the lease on {} ({}); it expires within {} s", name, e.getMessage(), TTL.toSeconds());
    }
  }

  private void renew() {
    try {
      Optional<String> renewed = s3.putIfMatch(bucket, key, content(holder, acquired, Instant.now().plus(TTL)), etag);
      if (renewed.isPresent()) {
        etag = renewed.get();
      } else {
        lost = true;
        LOG.error("the lease on {} was taken over by another process (this one did not renew it for {} s); its"
            + " commits stay safe, but the two may now conflict", name, TTL.toSeconds());
        renewer.shutdown();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not renew the lease on {}: {}; retrying in {} s", name, e.getMessage(), RENEW_EVERY.toSeconds());
    }
  }

  private static byte[] content(String holder, Instant acquired, Instant expires) throws IOException {
    return JSON.writeValueAsString(Map.of("holder", holder, "acquired", acquired.toString(), "expires", expires.toString()))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return ManagementFactory.getRuntimeMXBean().getName();
    }
  }
}
