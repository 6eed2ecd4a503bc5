package dev.lakehouse.views;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.StorageConfig;
import dev.lakehouse.core.definitions.BuiltInPipeline;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.core.testing.KernelTableReader;
import dev.lakehouse.core.testing.TestSpark;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.silver.TableRefiner;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refreshes through kept partial aggregates over a silver source whose rows the test writes
 * itself (inserts, late rows, a rerun that deletes and rewrites a date): after each, the view
 * equals plain-Java counts over the rows in its window, and buckets that left the window are gone
 * from the view and from the kept state.
 */
class KeptAggregatesIT {

  private static final Instant NOW = Instant.parse("2026-11-30T12:30:00Z");
  private static final StructType INPUT = new StructType()
      .add("event_id", DataTypes.StringType)
      .add("event_time", DataTypes.TimestampType)
      .add("user_id", DataTypes.StringType)
      .add("ingested_at", DataTypes.TimestampType);

  private static SparkSession spark;
  private static ExpectationSuite suite;

  @TempDir Path root;

  @BeforeAll
  static void start() {
    spark = TestSpark.session(ConfigLoader.defaultsOnly().s3());
    suite = SuiteLoader.load("silver_events", Optional.empty());
  }

  private record Event(String id, Instant time, String user) {
    Row row() {
      return RowFactory.create(id, Timestamp.from(time), user, Timestamp.from(NOW));
    }
  }

  private static ViewDefinition view(RefreshPolicy policy) {
    return new ViewDefinition("users_per_hour", "", ViewSchedule.every(Duration.ofMinutes(5)), policy, "silver.events",
        new ViewDefinition.Bucket("hour", "date_trunc('HOUR', event_time)", ChronoUnit.HOURS), Duration.ofHours(6), """
            SELECT date_trunc('HOUR', event_time) AS hour, COUNT(*) AS events, COUNT(DISTINCT user_id) AS users
            FROM source GROUP BY 1""", "test");
  }

  @Test
  void newLateAndRewrittenRowsAndAMovingWindowGiveWhatAFullRecomputationGives() {
    String silver = silverPath();
    ViewRefresher refresher = refresher();
    ViewDefinition view = view(RefreshPolicy.AUTO);
    List<Event> rows = new ArrayList<>();

    // five hours of history, from before the window (it starts at 07:00) to now
    List<Event> history = events("h", NOW.minus(Duration.ofHours(7)), Duration.ofHours(7), 700);
    write(silver, history, "append");
    rows.addAll(history);
    ViewRefresh first = refresher.refresh(view, NOW);
    assertThat(first.mode()).isEqualTo(ViewRefresh.FULL);
    assertThat(first.sourceVersions()).containsKey(ViewState.VERSION_KEY);
    assertViewIsTruth(refresher, view, rows, first.windowStart());

    // new rows in the current hour and a late one at 08:xx: both buckets, and only they, change
    List<Event> inserted = new ArrayList<>(events("n", NOW.truncatedTo(ChronoUnit.HOURS), Duration.ofMinutes(30), 40));
    inserted.add(new Event("late-1", Instant.parse("2026-11-30T08:15:00Z"), "user-late"));
    write(silver, inserted, "append");
    rows.addAll(inserted);
    ViewRefresh second = refresher.refresh(view, NOW);
    assertThat(second.mode()).isEqualTo(ViewRefresh.INCREMENTAL);
    assertThat(second.reason()).contains("kept partial aggregates");
    assertThat(second.bucketsWritten()).isEqualTo(2);
    assertViewIsTruth(refresher, view, rows, second.windowStart());

    // two hours later: 07:00 and 08:00 left the window; a new row at 14:xx arrives
    Instant later = NOW.plus(Duration.ofHours(2));
    List<Event> newer = List.of(new Event("n2-1", later.minus(Duration.ofMinutes(10)), "user-1"));
    write(silver, newer, "append");
    rows.addAll(newer);
    ViewRefresh third = refresher.refresh(view, later);
    assertThat(third.mode()).isEqualTo(ViewRefresh.INCREMENTAL);
    assertThat(third.windowStart()).isEqualTo(Instant.parse("2026-11-30T09:00:00Z"));
    assertViewIsTruth(refresher, view, rows, third.windowStart());
    assertThat(KernelTableReader.local().readAll(refresher.state().path(view.name())))
        .as("kept state after the window moved").isNotEmpty()
        .allSatisfy(row -> assertThat((Instant) row.get(PartialAggregates.BUCKET)).isAfterOrEqualTo(third.windowStart()));

    // a rerun rewrites the day: Delta's change data holds deletes, so those buckets are recomputed
    List<Event> rerun = rows.stream().filter(event -> !event.id().endsWith("7")).toList();
    writeDay(silver, rerun, NOW.atZone(ZoneOffset.UTC).toLocalDate());
    ViewRefresh fourth = refresher.refresh(view, later);
    assertThat(fourth.mode()).isEqualTo(ViewRefresh.INCREMENTAL);
    assertThat(fourth.reason()).contains("recomputed");
    assertViewIsTruth(refresher, view, rerun, fourth.windowStart());

    // and a full recomputation agrees
    ViewRefresh full = refresher.refresh(view(RefreshPolicy.FULL), later);
    assertThat(full.mode()).isEqualTo(ViewRefresh.FULL);
    assertViewIsTruth(refresher, view, rerun, full.windowStart());
  }

  @Test
  void commitsOnTheStateAfterTheLastRefreshAreNotBuiltOn() {
    String silver = silverPath();
    ViewRefresher refresher = refresher();
    ViewDefinition view = view(RefreshPolicy.INCREMENTAL);
    List<Event> rows = new ArrayList<>(events("h", NOW.minus(Duration.ofHours(3)), Duration.ofHours(3), 200));
    write(silver, rows, "append");
    refresher.refresh(view, NOW);
    String state = refresher.state().path(view.name());

    // maintenance rewrites the state's files: the next refresh goes on from them, incrementally
    long recorded = dev.lakehouse.core.storage.DeltaVersions.latest(spark, state);
    spark.sql("OPTIMIZE delta.`" + state + "`");
    spark.sql("VACUUM delta.`" + state + "` RETAIN 168 HOURS");
    assertThat(dev.lakehouse.core.storage.DeltaVersions.latest(spark, state)).as("maintenance commits").isGreaterThan(recorded);
    List<Event> more = events("m", NOW.minus(Duration.ofMinutes(20)), Duration.ofMinutes(10), 10);
    write(silver, more, "append");
    rows.addAll(more);
    ViewRefresh afterMaintenance = refresher.refresh(view, NOW);
    assertThat(afterMaintenance.mode()).isEqualTo(ViewRefresh.INCREMENTAL);
    assertViewIsTruth(refresher, view, rows, afterMaintenance.windowStart());

    // as if a refresh wrote state and failed before its status row: its rows are not counted
    spark.read().format("delta").load(state).write().format("delta").mode("append").save(state);
    List<Event> last = events("l", NOW.minus(Duration.ofMinutes(5)), Duration.ofMinutes(4), 10);
    write(silver, last, "append");
    rows.addAll(last);
    ViewRefresh afterFailure = refresher.refresh(view, NOW);
    assertThat(afterFailure.mode()).isEqualTo(ViewRefresh.INCREMENTAL);
    assertViewIsTruth(refresher, view, rows, afterFailure.windowStart());
    List<Map<String, Object>> stateRows = KernelTableReader.local().readAll(state);
    assertThat(stateRows.stream().map(row -> row.get(PartialAggregates.BUCKET)).distinct().count())
        .as("one state row per hour").isEqualTo(stateRows.size());
  }

  @Test
  void twoRefreshersOfOneViewTakingTurnsEachContinueFromWhatIsThere() {
    // a service and a `views refresh` in another process: each keeps what it wrote last, and must
    // notice when the other wrote the view since (or not trust its own rows), whatever the order
    String silver = silverPath();
    ViewRefresher service = refresher();
    ViewRefresher other = refresher();
    ViewDefinition view = view(RefreshPolicy.INCREMENTAL);
    List<Event> rows = new ArrayList<>(events("h", NOW.minus(Duration.ofHours(4)), Duration.ofHours(4), 300));
    write(silver, rows, "append");
    assertThat(service.refresh(view, NOW).mode()).isEqualTo(ViewRefresh.FULL);
    assertViewIsTruth(service, view, rows, ViewRefresher.windowStart(view, NOW));

    List<Event> second = events("s", NOW.minus(Duration.ofMinutes(50)), Duration.ofMinutes(40), 20);
    write(silver, second, "append");
    rows.addAll(second);
    assertThat(other.refresh(view, NOW).mode()).isEqualTo(ViewRefresh.INCREMENTAL);
    assertViewIsTruth(other, view, rows, ViewRefresher.windowStart(view, NOW));

    // the view moved on since the service's last write: it reads where the other left it
    List<Event> third = events("t", NOW.minus(Duration.ofHours(2)), Duration.ofMinutes(90), 30);
    write(silver, third, "append");
    rows.addAll(third);
    assertThat(service.refresh(view, NOW).mode()).isEqualTo(ViewRefresh.INCREMENTAL);
    assertViewIsTruth(service, view, rows, ViewRefresher.windowStart(view, NOW));

    // the other refreshes with nothing new, then the service goes on from its own last write
    other.refresh(view, NOW);
    List<Event> fourth = events("f", NOW.minus(Duration.ofMinutes(20)), Duration.ofMinutes(15), 15);
    write(silver, fourth, "append");
    rows.addAll(fourth);
    assertThat(service.refresh(view, NOW).mode()).isEqualTo(ViewRefresh.INCREMENTAL);
    assertViewIsTruth(service, view, rows, ViewRefresher.windowStart(view, NOW));
    assertThat(other.refresh(view, NOW).mode()).isEqualTo(ViewRefresh.INCREMENTAL);
    assertViewIsTruth(other, view, rows, ViewRefresher.windowStart(view, NOW));
  }

  private LakehouseConfig config() {
    return ConfigLoader.defaultsOnly().withStorage(new StorageConfig(root.resolve("lake").toString()));
  }

  private String silverPath() {
    return new TableLocations(config().storage()).silver("events");
  }

  private ViewRefresher refresher() {
    return new ViewRefresher(spark, config(), suite);
  }

  /** {@code count} events spread over {@code span} from {@code from}, users drawn from 30. */
  private static List<Event> events(String prefix, Instant from, Duration span, int count) {
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      events.add(new Event(prefix + "-" + i, from.plusMillis(span.toMillis() * i / count), "user-" + (i * 7 % 30)));
    }
    return events;
  }

  private static void write(String path, List<Event> events, String mode) {
    silverRows(events).write().format("delta").mode(mode).partitionBy("event_date").save(path);
  }

  /** Replaces one event date with {@code events}' rows of that date, as {@code rerun silver} does. */
  private static void writeDay(String path, List<Event> events, java.time.LocalDate day) {
    List<Event> ofDay = events.stream().filter(event -> event.time().atZone(ZoneOffset.UTC).toLocalDate().equals(day)).toList();
    silverRows(ofDay).write().format("delta").mode("overwrite").partitionBy("event_date")
        .option("replaceWhere", "event_date = DATE'" + day + "'").save(path);
  }

  private static Dataset<Row> silverRows(List<Event> events) {
    Dataset<Row> input = spark.createDataFrame(events.stream().map(Event::row).toList(), INPUT)
        .withColumn("event_type", functions.lit("page_view"))
        .withColumn("event_date", functions.to_date(functions.col("event_time")))
        .withColumn("event_hour", functions.hour(functions.col("event_time")));
    StructType silver = new TableRefiner(BuiltInPipeline.events(), suite).emptySilver(spark).schema();
    List<String> present = List.of(input.columns());
    return input.select(java.util.Arrays.stream(silver.fields())
        .map(field -> (present.contains(field.name()) ? input.col(field.name()) : functions.lit(null))
            .cast(field.dataType()).as(field.name()))
        .toArray(Column[]::new));
  }

  /** The view equals per-hour counts and distinct users, in plain Java, of the events in its window. */
  private static void assertViewIsTruth(ViewRefresher refresher, ViewDefinition view, List<Event> events, Instant windowStart) {
    Map<Instant, Long> counts = new HashMap<>();
    Map<Instant, Set<String>> users = new HashMap<>();
    for (Event event : events) {
      Instant hour = event.time().truncatedTo(ChronoUnit.HOURS);
      if (!hour.isBefore(windowStart)) {
        counts.merge(hour, 1L, Long::sum);
        users.computeIfAbsent(hour, key -> new HashSet<>()).add(event.user());
      }
    }
    List<Map<String, Object>> expected = new ArrayList<>();
    counts.forEach((hour, count) -> expected.add(Map.of("hour", hour, "events", count, "users", (long) users.get(hour).size())));
    assertThat(KernelTableReader.local().readAll(refresher.viewTable(view.name())))
        .as("view %s from %s", view.name(), windowStart).containsExactlyInAnyOrderElementsOf(expected);
  }
}
