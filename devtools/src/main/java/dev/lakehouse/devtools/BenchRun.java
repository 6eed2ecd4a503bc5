package dev.lakehouse.devtools;

import dev.lakehouse.bronze.BronzeIngest;
import dev.lakehouse.bronze.IngestResult;
import dev.lakehouse.core.config.KafkaConfig;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.config.StorageConfig;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.devtools.bench.MessageSizes;
import dev.lakehouse.scheduler.cli.IngestCommand;
import dev.lakehouse.testing.generator.GeneratorSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/** A fresh topic and a fresh root under {@code <root>/_bench/} for one benchmark. */
record BenchRun(LakehouseConfig config, SourceConfig source, String root, MessageSizes sizes) {

  static BenchRun create(LakehouseConfig base, GeneratorSpec spec) {
    BenchRun run = fresh(base);
    run.produce(spec);
    return run;
  }

  /** A fresh root and topic, nothing produced yet. */
  static BenchRun fresh(LakehouseConfig base) {
    String name = "bench" + Instant.now().toEpochMilli();
    String root = base.storage().root().replaceAll("/+$", "") + "/_bench/" + name;
    SourceConfig source = new SourceConfig("clickstream", name);
    LakehouseConfig config = base.withStorage(new StorageConfig(root))
        .withKafka(new KafkaConfig(base.kafka().bootstrapServers(), List.of(source)));
    return new BenchRun(config, source, root, new MessageSizes());
  }

  /** Produces to the run's topic; the values' sizes add up in {@link #sizes()}. */
  void produce(GeneratorSpec spec) {
    GenerateCommand.run(config, spec, source.topic(), 0, Optional.empty(), System.out, sizes);
  }

  /** Produces to the run's topic without counting the values in {@link #sizes()} (a warm-up's events). */
  void produceUncounted(GeneratorSpec spec) {
    GenerateCommand.run(config, spec, source.topic(), 0, Optional.empty(), System.out, new MessageSizes());
  }

  SparkSession spark() {
    return SparkSessions.getOrCreate(config, "lakehouse-bench");
  }

  IngestResult ingest() {
    IngestResult result = new BronzeIngest(spark(), config).runUntilCaughtUp(source);
    IngestCommand.print(result);
    return result;
  }

  /**
   * Deletes these tables, folders or checkpoints of the run (local or S3) and drops Delta's and
   * Spark's cached state of them, so a second timed run starts from nothing.
   */
  void forget(List<String> paths) {
    try {
      for (String path : paths) {
        org.apache.hadoop.fs.Path folder = new org.apache.hadoop.fs.Path(path);
        folder.getFileSystem(spark().sparkContext().hadoopConfiguration()).delete(folder, true);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot delete " + paths + " for a second bench run", e);
    }
    org.apache.spark.sql.delta.DeltaLog.clearCache(); // no cached snapshot of a deleted table
    spark().catalog().clearCache();
  }

  void cleanUp(boolean keep) {
    if (!keep && !config.storage().isS3()) {
      deleteRecursively(Path.of(root));
    }
  }

  private static void deleteRecursively(Path path) {
    try (Stream<Path> files = Files.walk(path)) {
      files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
