package dev.lakehouse.scheduler.cli;

import dev.lakehouse.bronze.BronzeIngest;
import dev.lakehouse.bronze.IngestResult;
import dev.lakehouse.core.config.KafkaConfig;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.config.StorageConfig;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.localkafka.generator.GeneratorSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse bench ingest}: measures produce and Kafka → bronze rates on a fresh topic. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure throughput.",
      "`bench ingest` produces N generated events to a fresh topic and ingests them",
      "into a fresh bronze table under <root>/_bench/, then prints both rates. Needs a broker",
      "(`./lakehouse local up`)."
    },
    subcommands = {BenchCommand.Ingest.class})
final class BenchCommand implements Runnable {

  @ParentCommand LakehouseCli root;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(name = "ingest", mixinStandardHelpOptions = true, description = "Kafka → bronze throughput.")
  static final class Ingest implements Callable<Integer> {

    @ParentCommand BenchCommand bench;

    @Option(names = "--events", defaultValue = "1000000", description = "Messages (default: ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--keep", description = "Keep the bench table (local roots are deleted by default).")
    boolean keep;

    @Override
    public Integer call() {
      PrintStream out = System.out;
      LakehouseConfig base = bench.root.config();
      String run = "bench" + Instant.now().getEpochSecond();
      String root = base.storage().root().replaceAll("/+$", "") + "/_bench/" + run;
      SourceConfig source = new SourceConfig("clickstream", run);
      LakehouseConfig config =
          base.withStorage(new StorageConfig(root))
              .withKafka(new KafkaConfig(base.kafka().bootstrapServers(), List.of(source)));

      GenerateCommand.run(config, GeneratorSpec.defaults(events, 1), source.topic(), 0, Optional.empty(), out);
      IngestResult result =
          new BronzeIngest(SparkSessions.getOrCreate(config, "lakehouse-bench"), config).runUntilCaughtUp(source);
      IngestCommand.print(result);
      out.printf("bench ingest: %,d records, %.1f s wall clock including query start-up, %,.0f records/s%n",
          result.rows(), result.duration().toMillis() / 1000.0, result.rowsPerSecond());
      if (!keep && !config.storage().isS3()) {
        deleteRecursively(Path.of(root));
      }
      return 0;
    }

    private static void deleteRecursively(Path path) {
      try (Stream<Path> files = Files.walk(path)) {
        files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
