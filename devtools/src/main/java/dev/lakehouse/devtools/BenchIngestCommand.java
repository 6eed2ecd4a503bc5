package dev.lakehouse.devtools;

import dev.lakehouse.bronze.IngestResult;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.devtools.bench.Comparison;
import dev.lakehouse.devtools.bench.Comparison.Goal;
import dev.lakehouse.devtools.bench.Comparison.Measure;
import dev.lakehouse.devtools.bench.RawConsumer;
import dev.lakehouse.testing.generator.GeneratorSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse bench ingest}: Kafka → bronze next to Kafka's own consumer on the same topic. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = {"Kafka → bronze vs the raw Kafka consumer: produces --events generated messages to a fresh topic,",
        "reads them once with Kafka's ConsumerPerformance, then ingests them into a fresh bronze table as",
        "`ingest --once` does (micro-batches as configured: one unless a cap is set); compares the rates",
        "while data moved (Spark's batch time; with several batches the first, which also plans the query,",
        "is left out) and prints where the batches' time went. For scale it also times plain Spark on the",
        "same topic: a batch read with bronze's Kafka options and columns, written as parquet, once before",
        "bronze (warming the JVM up, as a running service is) and once after."})
final class BenchIngestCommand implements Callable<Integer> {

  @ParentCommand BenchCommand bench;

  @Option(names = "--events", defaultValue = "2000000", description = "Messages (default: ${DEFAULT-VALUE}).")
  long events;

  @Mixin BenchOptions options;

  @Override
  public Integer call() {
    options.reportAlone(bench.root.config(), measure(bench.root.config(), events, options.keep));
    return 0;
  }

  private record TimedIngest(BatchTimings timings, IngestResult result) {}

  /** One bronze ingest of the run's topic, with its micro-batches' timings. */
  private static TimedIngest timedIngest(BenchRun run) {
    BatchTimings timings = BatchTimings.listenTo(run.spark());
    try {
      return new TimedIngest(timings, run.ingest());
    } finally {
      timings.stopListening(run.spark());
    }
  }

  /** Deletes the bronze table and its stream's checkpoint, so the next ingest starts from nothing. */
  private static void forgetBronze(BenchRun run) {
    dev.lakehouse.core.storage.TableLocations locations = new dev.lakehouse.core.storage.TableLocations(run.config().storage());
    run.forget(java.util.List.of(locations.bronze(run.source().name()),
        locations.checkpoint(dev.lakehouse.bronze.BronzeIngest.queryName(run.source()))));
  }

  static Comparison measure(LakehouseConfig base, long events, boolean keep) {
    BenchRun run = BenchRun.create(base, GeneratorSpec.defaults(events, 1));
    System.out.printf("bench ingest: the raw consumer reads topic %s%n", run.source().topic());
    // twice, the faster counting, as every other side of this comparison
    RawConsumer.Result rawFirst = RawConsumer.consume(run.config().kafka().bootstrapServers(), run.source().topic(), events);
    RawConsumer.Result rawAgain = RawConsumer.consume(run.config().kafka().bootstrapServers(), run.source().topic(), events);
    RawConsumer.Result raw = rawAgain.messagesPerSecond() > rawFirst.messagesPerSecond() ? rawAgain : rawFirst;
    System.out.printf("bench ingest: raw consumer %,.0f and %,.0f records/s%n", rawFirst.messagesPerSecond(),
        rawAgain.messagesPerSecond());
    // plain Spark first, on the same topic: the JVM, Spark and the Kafka client warm up as in a
    // service that has run for a while (the goal is bronze's steady state), and the baseline is
    // timed again after bronze, warm as well
    double plainColdSeconds = PlainSparkIngest.seconds(run.spark(), run.config().kafka().bootstrapServers(),
        run.source().topic(), run.root() + "/_plain_parquet");
    TimedIngest firstRun = timedIngest(run);
    BatchTimings timings = firstRun.timings();
    IngestResult result = firstRun.result();
    double plainSeconds = PlainSparkIngest.seconds(run.spark(), run.config().kafka().bootstrapServers(), run.source().topic(),
        run.root() + "/_plain_parquet");
    double plainRate = result.rows() / plainSeconds;
    double deltaSeconds = PlainSparkIngest.deltaSeconds(run.spark(), run.config().kafka().bootstrapServers(), run.source().topic(),
        new dev.lakehouse.core.storage.TableLocations(run.config().storage()).root() + "_plain_delta");
    System.out.printf("bench ingest: the same batch read appended to a Delta table made like bronze (no stream): %.1f s,"
        + " %,.0f records/s%n", deltaSeconds, result.rows() / deltaSeconds);
    PlainSparkIngest.Halves halves = PlainSparkIngest.halves(run.spark(), run.config().kafka().bootstrapServers(),
        run.source().topic(), new dev.lakehouse.core.storage.TableLocations(run.config().storage()).root() + "_plain_delta_from_memory");
    System.out.printf("bench ingest: Spark's halves alone: the topic read into rows and discarded %.1f s (%,.0f records/s);"
        + " the same rows from memory appended to a Delta table made like bronze %.1f s (%,.0f records/s)%n",
        halves.kafkaReadSeconds(), result.rows() / halves.kafkaReadSeconds(), halves.deltaWriteFromMemorySeconds(),
        result.rows() / halves.deltaWriteFromMemorySeconds());
    // bronze again from nothing on the same topic, warm as the plain runs after it are: the faster
    // of the two counts, as for the baseline (the first run still pays for some of the JVM's warm-up)
    BatchTimings first = timings;
    forgetBronze(run);
    TimedIngest againRun = timedIngest(run);
    BatchTimings again = againRun.timings();
    IngestResult second = againRun.result();
    if (second.rows() != result.rows()) {
      throw new IllegalStateException("the second bronze run wrote " + second.rows() + " rows, the first " + result.rows());
    }
    System.out.printf("bench ingest: bronze again %,.0f records/s (first run %,.0f)%n", again.steadyRowsPerSecond(),
        first.steadyRowsPerSecond());
    boolean againFaster = again.steadyRowsPerSecond() > first.steadyRowsPerSecond();
    timings = againFaster ? again : first;
    IngestResult counted = againFaster ? second : result;
    System.out.printf("bench ingest: plain Spark (batch read of the topic, same Kafka options and columns, parquet"
        + " partitioned by ingest_date): %.1f s, %,.0f records/s%n", plainSeconds, plainRate);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("sent", run.sizes().summary());
    data.put("raw_consumer_messages", raw.messages());
    data.put("raw_consumer_megabytes", raw.megabytes());
    data.put("raw_consumer_fetch_seconds", raw.fetchSeconds());
    data.put("raw_consumer_records_per_second_first_and_again", java.util.List.of(rawFirst.messagesPerSecond(),
        rawAgain.messagesPerSecond()));
    data.put("bronze_rows", result.rows());
    data.put("bronze_batches", timings.batches().size());
    data.put("bronze_max_offsets_per_trigger", base.ingest().maxOffsetsPerTrigger());
    data.put("bronze_batch_phase_millis", timings.phaseMillis());
    data.put("bronze_wall_clock_seconds", counted.duration().toMillis() / 1000.0);
    data.put("bronze_wall_clock_records_per_second", counted.rowsPerSecond());
    data.put("plain_spark_kafka_to_parquet_seconds", plainSeconds);
    data.put("plain_spark_kafka_to_parquet_seconds_cold", plainColdSeconds);
    data.put("plain_spark_kafka_to_parquet_records_per_second", plainRate);
    data.put("bronze_vs_plain_spark", timings.steadyRowsPerSecond() / plainRate);
    data.put("plain_spark_kafka_to_delta_seconds", deltaSeconds);
    data.put("plain_spark_kafka_read_only_seconds", halves.kafkaReadSeconds());
    data.put("plain_spark_delta_write_from_memory_seconds", halves.deltaWriteFromMemorySeconds());
    data.put("bronze_records_per_second_first_and_again", java.util.List.of(first.steadyRowsPerSecond(),
        again.steadyRowsPerSecond()));
    data.put("storage", base.storage().isS3() ? "s3" : "local filesystem");
    System.out.printf("bench ingest: bronze's batch rate is %.2f× plain Spark's%n", timings.steadyRowsPerSecond() / plainRate);
    System.out.printf("bench ingest: micro-batch time by phase (ms): %s%n", timings.phaseMillis());
    run.cleanUp(keep);
    return Comparison.of("ingest", "Kafka → bronze vs Kafka's ConsumerPerformance on the same topic",
        new Measure("bronze ingest (batch time)", timings.steadyRowsPerSecond(), "records/s"),
        new Measure("raw consumer (fetch rate)", raw.messagesPerSecond(), "records/s"), Goal.atLeast(0.5), data);
  }
}
