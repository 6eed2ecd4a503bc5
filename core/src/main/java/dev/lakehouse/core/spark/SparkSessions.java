package dev.lakehouse.core.spark;

import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.S3Config;
import dev.lakehouse.core.storage.ConditionalPutLogStore;
import dev.lakehouse.core.storage.local.ForklessLocalFileSystem;
import dev.lakehouse.core.storage.local.ForklessLocalFs;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the one SparkSession of a process, with Delta, UTC time and S3A set up from the
 * configuration. Under {@code spark-submit} the submitted master and settings win.
 */
public final class SparkSessions {

  private SparkSessions() {}

  public static SparkSession getOrCreate(LakehouseConfig config, String appName) {
    SparkConf conf = new SparkConf(true);
    conf.setIfMissing("spark.master", config.spark().master());
    conf.setIfMissing("spark.app.name", appName);
    if (conf.get("spark.master").startsWith("local")) {
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      // local files without a chmod or readlink process per file (ForklessRawLocalFileSystem);
      // only in one JVM: a cluster's executors keep Hadoop's own classes
      conf.setIfMissing("spark.hadoop.fs.file.impl", ForklessLocalFileSystem.class.getName());
      conf.setIfMissing("spark.hadoop.fs.AbstractFileSystem.file.impl", ForklessLocalFs.class.getName());
    }
    // Delta rebuilds a table's state after each commit with this many tasks (default 50); for the
    // pipeline's tables (small logs, checkpointed) those tiny tasks cost more than the work,
    // locally and on a cluster alike (a spark.settings entry overrides it)
    conf.setIfMissing("spark.databricks.delta.snapshotPartitions", Integer.toString(config.spark().shufflePartitions()));
    // VACUUM lists a table's folders in this many tasks (Spark's default: 10,000), so the daily
    // maintenance took ~45 s per table however small, on 2 cores, and held up the views meanwhile
    conf.setIfMissing("spark.sql.sources.parallelPartitionDiscovery.parallelism", Integer.toString(config.spark().shufflePartitions()));
    if (!conf.contains("spark.jars")) {
      ApplicationJars.forMaster(conf.get("spark.master")).ifPresent(jars -> conf.set("spark.jars", jars));
    }
    config.spark().executorSettings().forEach(conf::setIfMissing);
    conf.setIfMissing("spark.ui.enabled", Boolean.toString(config.spark().uiEnabled()));
    conf.setIfMissing("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension");
    conf.setIfMissing(
        "spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    // Event dates and hours are UTC by contract, whatever the machine's zone.
    conf.setIfMissing("spark.sql.session.timeZone", "UTC");
    conf.setIfMissing("spark.sql.adaptive.enabled", "true");
    conf.setIfMissing(
        "spark.sql.shuffle.partitions", Integer.toString(config.spark().shufflePartitions()));
    conf.setIfMissing("spark.sql.streaming.stopActiveRunOnRestart", "true");
    // compiled query code is kept per JVM by its source; Spark keeps 100, fewer than one process's
    // streams, refreshes and runs use, so each view refresh compiled ~90 classes again (1.1 s of
    // a 3 s refresh); 2,000 hold them all (a class is tens of KB)
    conf.setIfMissing("spark.sql.codegen.cache.maxEntries", "2000");
    // a partitioned write keeps up to this many files open per task instead of sorting its rows
    // by the partition column first; bronze (one ingest_date per batch) and silver (a few event
    // dates per run) then skip a sort of every row (Delta's writer honours it too)
    conf.setIfMissing("spark.sql.maxConcurrentOutputFileWriters", "4");
    // Delta's MERGE would shuffle its output by the partition column first, which puts a batch
    // of mostly one event date on one core; without it each task writes its own rows' dates
    conf.setIfMissing("spark.databricks.delta.merge.repartitionBeforeWrite.enabled", "false");
    // a `row_number() = 1` filter would get a partial group limit before its shuffle, which sorts
    // every row on the map side; the pipeline's such filters keep first arrivals and newest
    // versions, where nearly every key has one row, so that sort removed nothing (1.5 s of CPU
    // per 1M silver rows)
    conf.setIfMissing("spark.sql.optimizer.windowGroupLimitThreshold", "-1");
    // timestamp partition values (view buckets) as `yyyy-MM-dd HH:mm:ss` in UTC (the session zone), the form
    // of the Delta protocol every reader knows; Delta 3.3's ISO-8601 default is refused by Delta Kernel 3.3
    conf.setIfMissing("spark.databricks.delta.write.utcTimestampPartitionValues", "false");
    // new tables record change data, so views can find the rows that changed since their last refresh
    conf.setIfMissing("spark.databricks.delta.properties.defaults.enableChangeDataFeed", "true");
    // dates and times are written and read in the proleptic Gregorian calendar, as Spark holds
    // them, so 0001-01-01 reads back as written (the default refuses or shifts dates before 1582)
    for (String key : new String[] {"datetimeRebaseModeInWrite", "datetimeRebaseModeInRead",
        "int96RebaseModeInWrite", "int96RebaseModeInRead"}) {
      conf.setIfMissing("spark.sql.parquet." + key, "CORRECTED");
    }
    s3aSettings(config.s3()).forEach(conf::setIfMissing);
    // commits on S3 with put-if-absent, so two processes writing one table cannot lose a commit
    conf.setIfMissing("spark.delta.logStore.s3a.impl", ConditionalPutLogStore.class.getName());
    conf.setIfMissing("spark.delta.logStore.s3.impl", ConditionalPutLogStore.class.getName());
    config.spark().settings().forEach(conf::set);
    SparkSession session = SparkSession.builder().config(conf).getOrCreate();
    TrustedSessions.markTrusted(session);
    return session;
  }

  /** S3A settings as Spark keys; harmless when the root is local. */
  public static Map<String, String> s3aSettings(S3Config s3) {
    return Map.ofEntries(
        Map.entry("spark.hadoop.fs.s3a.impl", "org.apache.hadoop.fs.s3a.S3AFileSystem"),
        Map.entry("spark.hadoop.fs.s3a.endpoint", s3.endpoint()),
        Map.entry("spark.hadoop.fs.s3a.access.key", s3.accessKey()),
        Map.entry("spark.hadoop.fs.s3a.secret.key", s3.secretKey()),
        // Without path-style access a localhost endpoint made jobs hang for minutes.
        Map.entry("spark.hadoop.fs.s3a.path.style.access", Boolean.toString(s3.pathStyleAccess())),
        Map.entry("spark.hadoop.fs.s3a.connection.ssl.enabled", Boolean.toString(s3.sslEnabled())),
        Map.entry("spark.hadoop.fs.s3a.endpoint.region", s3.region()),
        // S3A retries on top of the SDK's own: the SDK tries once, S3A 1 + retry-limit times, so
        // a stopped endpoint fails a command in seconds (S3A's defaults took minutes)
        Map.entry("spark.hadoop.fs.s3a.attempts.maximum", "1"),
        Map.entry("spark.hadoop.fs.s3a.retry.limit", Integer.toString(s3.retryLimit())),
        Map.entry("spark.hadoop.fs.s3a.retry.interval", "500ms"),
        Map.entry("spark.hadoop.fs.s3a.retry.throttle.limit", Integer.toString(Math.max(s3.retryLimit(), 3))),
        Map.entry("spark.hadoop.fs.s3a.connection.establish.timeout", Long.toString(s3.connectTimeout().toMillis())),
        Map.entry("spark.hadoop.fs.s3a.connection.timeout", Long.toString(s3.requestTimeout().toMillis())));
  }
}
