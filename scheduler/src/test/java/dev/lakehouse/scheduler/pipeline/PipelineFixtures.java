package dev.lakehouse.scheduler.pipeline;

import dev.lakehouse.bronze.BronzeIngest;
import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.config.DefinitionsConfig;
import dev.lakehouse.core.config.KafkaConfig;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.StorageConfig;
import dev.lakehouse.testing.TestKafka;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** What the declared-pipeline tests share: a definitions folder from test resources, and ingesting every source. */
public final class PipelineFixtures {

  private PipelineFixtures() {}

  /** Copies {@code files} of the test resources under {@code resources} (e.g. {@code /upsert-pipeline/}) to {@code target}. */
  public static Path definitions(String resources, List<String> files, Path target) {
    for (String file : files) {
      Path copy = target.resolve(file);
      try (InputStream in = PipelineFixtures.class.getResourceAsStream(resources + file)) {
        if (in == null) {
          throw new IllegalArgumentException("no test resource " + resources + file);
        }
        Files.createDirectories(copy.getParent());
        Files.write(copy, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return target;
  }

  /** The defaults with a lake under {@code lake}, the definitions of {@code definitions} and the test broker. */
  public static LakehouseConfig config(Path lake, Path definitions) {
    LakehouseConfig config = ConfigLoader.defaultsOnly().withStorage(new StorageConfig(lake.toString()))
        .withDefinitions(new DefinitionsConfig(definitions.toString()));
    return config.withKafka(new KafkaConfig(TestKafka.bootstrapServers(), config.kafka().sources()));
  }

  /** Every source of the pipeline, Kafka → bronze, until caught up. */
  public static void ingestAll(PipelineRuntime runtime, SparkSession spark) {
    BronzeIngest ingest = new BronzeIngest(spark, runtime.config());
    runtime.pipeline().sources().forEach(ingest::runUntilCaughtUp);
  }
}
