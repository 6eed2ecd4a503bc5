package dev.lakehouse.devtools;

import dev.lakehouse.scheduler.cli.LakehouseCli;
import dev.lakehouse.core.ProjectHome;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.devtools.bench.MessageSizes;
import dev.lakehouse.testing.generator.ClickstreamGenerator;
import dev.lakehouse.testing.generator.EventProducer;
import dev.lakehouse.testing.generator.GeneratorSpec;
import dev.lakehouse.testing.generator.GroundTruth;
import dev.lakehouse.testing.generator.MessageKind;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse generate}: synthetic clickstream events to Kafka, with a ground-truth file. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Write synthetic clickstream events to Kafka.",
      "Sessions that browse, add to cart and buy, with exact duplicates, days-late events,",
      "zone offsets and malformed records.",
      "A ground-truth summary (what silver and gold must hold) is written as JSON."
    })
final class GenerateCommand implements Callable<Integer> {

  @ParentCommand LakehouseCli root;

  @Option(names = "--count", defaultValue = "10000", description = "Messages to send (default: ${DEFAULT-VALUE}).")
  long count;

  @Option(names = "--rate", defaultValue = "0", description = "Messages per second; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--seed", description = "Random seed (default: random, printed).")
  Long seed;

  @Option(names = "--duplicates", defaultValue = "0.05", description = "Share of exact re-sends (default: ${DEFAULT-VALUE}).")
  double duplicates;

  @Option(names = "--late", defaultValue = "0.05", description = "Share of new events that are days late (default: ${DEFAULT-VALUE}).")
  double late;

  @Option(names = "--malformed", defaultValue = "0.03", description = "Share of malformed records (default: ${DEFAULT-VALUE}).")
  double malformed;

  @Option(names = "--max-late-days", defaultValue = "3", description = "How late late events may be (default: ${DEFAULT-VALUE}).")
  int maxLateDays;

  @Option(names = "--users", defaultValue = "500", description = "Distinct users (default: ${DEFAULT-VALUE}).")
  int users;

  @Option(names = "--products", defaultValue = "200", description = "Distinct products (default: ${DEFAULT-VALUE}).")
  int products;

  @Option(names = "--base-time", description = "Event time of the first on-time event, ISO-8601 (default: so the last is now).")
  Instant baseTime;

  @Option(names = "--topic", description = "Topic (default: the clickstream source's topic).")
  String topic;

  @Option(names = "--huge-garbage", defaultValue = "0.00001",
      description = "Share of messages that are 200 KB of unterminated JSON, counted in --malformed (default: ${DEFAULT-VALUE}).")
  double hugeGarbage;

  @Option(names = "--truth", paramLabel = "FILE", description = "Ground-truth JSON (default: <state dir>/generator/truth-<time>.json).")
  Path truthFile;

  @Override
  public Integer call() {
    GeneratorSpec spec =
        new GeneratorSpec(count, seed == null ? new java.util.Random().nextLong() : seed, duplicates, late,
            malformed, maxLateDays, users, products, Optional.ofNullable(baseTime), Duration.ofMillis(50), hugeGarbage);
    LakehouseConfig config = root.config();
    String target = topic != null ? topic : config.kafka().source("clickstream").topic();
    run(config, spec, target, rate, Optional.ofNullable(truthFile), System.out);
    return 0;
  }

  /** Sends, tallies the truth, writes it, prints a summary; shared with demo and bench. */
  static GroundTruth run(
      LakehouseConfig config, GeneratorSpec spec, String topic, double rate, Optional<Path> truthFile, PrintStream out) {
    return run(config, spec, topic, rate, truthFile, out, new MessageSizes());
  }

  /** As above, also tallying the sizes of the values sent into {@code sizes}. */
  static GroundTruth run(LakehouseConfig config, GeneratorSpec spec, String topic, double rate, Optional<Path> truthFile,
      PrintStream out, MessageSizes sizes) {
    out.printf("generating %,d messages to topic '%s' at %s (seed %d)%n", spec.count(), topic,
        config.kafka().bootstrapServers(), spec.seed());
    GroundTruth truth = new GroundTruth(false);
    EventProducer.Result result =
        new EventProducer(config.kafka().bootstrapServers(), topic)
            .send(new ClickstreamGenerator(spec), rate, false, message -> {
              truth.record(message);
              sizes.record(message);
            });
    Path file = truthFile.orElseGet(() -> defaultTruthFile(config));
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("topic", topic);
    run.put("bootstrap_servers", config.kafka().bootstrapServers());
    run.put("seed", spec.seed());
    run.put("finished_at", Instant.now().toString());
    truth.writeSummary(file, run);
    out.printf("sent %,d messages in %.1f s (%,.0f msg/s): %,d new valid events (%,d of them late),"
            + " %,d duplicates, %,d malformed%n",
        result.messages(), result.elapsed().toMillis() / 1000.0, result.messagesPerSecond(),
        truth.validUniqueEvents(), truth.count(MessageKind.LATE), truth.count(MessageKind.DUPLICATE),
        truth.count(MessageKind.MALFORMED));
    out.printf("message values: %s%n", sizes);
    out.printf("ground truth: %s%n", file);
    return truth;
  }

  private static Path defaultTruthFile(LakehouseConfig config) {
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(Instant.now());
    return ProjectHome.resolve(config.local().stateDir()).resolve("generator").resolve("truth-" + stamp + ".json");
  }
}
