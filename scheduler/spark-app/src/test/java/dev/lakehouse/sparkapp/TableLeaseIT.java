package dev.lakehouse.sparkapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.ProjectHome;
import dev.lakehouse.core.config.S3Config;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.core.storage.S3Objects;
import dev.lakehouse.core.storage.TableLease;
import dev.lakehouse.localminio.TestS3;
import dev.lakehouse.scheduler.cli.LakehouseCli;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write lease per table on the S3 server: a second writer waits its turn or is refused with
 * one line naming the holder; a holder that stopped renewing is taken over; another process (the
 * command line) is refused while the lease is held.
 */
class TableLeaseIT {

  @TempDir Path folder;

  private final S3Config s3 = TestS3.config();
  private final String root = "s3a://" + TestS3.BUCKET + "/lease-" + UUID.randomUUID();

  private Configuration hadoop() {
    Configuration hadoop = new Configuration();
    SparkSessions.s3aSettings(s3).forEach((key, value) -> hadoop.set(key.substring("spark.hadoop.".length()), value));
    return hadoop;
  }

  @Test
  void aSecondWriterWaitsItsTurnOrIsRefusedNamingTheHolder() throws Exception {
    TableLease first = TableLease.acquire(hadoop(), root, "silver_orders", "first writer", Duration.ZERO, message -> { });
    assertThatThrownBy(() -> TableLease.acquire(hadoop(), root, "silver_orders", "second writer", Duration.ZERO, message -> { }))
        .isInstanceOf(LakehouseException.class)
        .hasMessageStartingWith("silver_orders is being written by first writer (pid " + ProcessHandle.current().pid())
        .hasMessageContaining("Fix: let it finish");
    TableLease other = TableLease.acquire(hadoop(), root, "silver_customers", "other table", Duration.ZERO, message -> { });
    other.close();

    List<String> progress = new CopyOnWriteArrayList<>();
    CompletableFuture<TableLease> second = CompletableFuture.supplyAsync(() ->
        TableLease.acquire(hadoop(), root, "silver_orders", "second writer", Duration.ofSeconds(60), progress::add));
    assertThat(waitFor(() -> !progress.isEmpty())).as("the second writer says it waits").isTrue();
    assertThat(second).isNotDone();
    assertThat(progress.get(0)).startsWith("waiting for silver_orders is being written by first writer");
    first.close();
    TableLease taken = second.get(30, TimeUnit.SECONDS);
    assertThat(taken.held()).isTrue();
    taken.close();
  }

  @Test
  void aHolderThatStoppedRenewingIsTakenOver() throws Exception {
    // what a holder killed with SIGKILL leaves: a lease nobody renews, expired
    String key = root.substring(("s3a://" + TestS3.BUCKET + "/").length()) + "/_system/leases/gold.json";
    String stale = "{\"holder\":\"lakehouse gold (pid 1 on gone)\",\"acquired\":\"" + Instant.now().minusSeconds(600)
        + "\",\"expires\":\"" + Instant.now().minusSeconds(5) + "\"}";
    assertThat(S3Objects.of(hadoop()).putIfAbsent(TestS3.BUCKET, key, stale.getBytes(StandardCharsets.UTF_8))).isPresent();

    TableLease lease = TableLease.acquire(hadoop(), root, "gold", "next writer", Duration.ZERO, message -> { });
    assertThat(lease.held()).isTrue();
    String now = new String(S3Objects.of(hadoop()).get(TestS3.BUCKET, key).orElseThrow().content(), StandardCharsets.UTF_8);
    assertThat(now).contains("next writer");
    lease.close();
  }

  @Test
  void theCommandLineIsRefusedWithOneLineWhileAnotherProcessHoldsTheTable() throws Exception {
    try (TableLease held = TableLease.acquire(hadoop(), root, "bronze_clickstream", "lakehouse run", Duration.ZERO, message -> { })) {
      Path log = folder.resolve("ingest.log");
      List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g"));
      command.addAll(List.of(System.getProperty("lakehouse.test.child.flags", "").split("\\s+")));
      command.addAll(List.of("-D" + ProjectHome.PROPERTY + "=" + ProjectHome.get(), "-cp", System.getProperty("java.class.path"),
          LakehouseCli.class.getName(), "ingest", "--once"));
      command.removeIf(String::isBlank);
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(Map.of("LAKEHOUSE_SPARK_MASTER", "local[1]", "LAKEHOUSE_STORAGE_ROOT", root,
          "LAKEHOUSE_S3_ENDPOINT", s3.endpoint(), "LAKEHOUSE_S3_ACCESS_KEY", s3.accessKey(),
          "LAKEHOUSE_S3_SECRET_KEY", s3.secretKey(), "SPARK_LOCAL_IP", "127.0.0.1"));
      Process process = builder.start();
      assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
      String output = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(process.exitValue()).as(output).isEqualTo(1);
      List<String> errors = output.lines().filter(line -> line.startsWith("error:")).toList();
      assertThat(errors).as(output).hasSize(1);
      assertThat(errors.get(0)).startsWith("error: bronze_clickstream is being written by lakehouse run (pid "
          + ProcessHandle.current().pid() + " on ").contains("Fix: let it finish (or stop it) and run this again");
    }
  }

  private static boolean waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    for (int attempt = 0; attempt < 150; attempt++) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }
}
