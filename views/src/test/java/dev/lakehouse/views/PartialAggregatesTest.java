package dev.lakehouse.views;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.testing.TestSpark;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Partial aggregates merged part by part equal the query over all rows: checked against the view's
 * own query over the union (full recomputation) and against plain-Java counts.
 */
class PartialAggregatesTest {

  private static final StructType SCHEMA = new StructType()
      .add("event_id", DataTypes.StringType)
      .add("event_time", DataTypes.TimestampType)
      .add("user_id", DataTypes.StringType)
      .add("event_type", DataTypes.StringType)
      .add("amount", DataTypes.DoubleType);
  private static final Instant BASE = Instant.parse("2026-11-30T10:00:00Z");
  private static final List<String> TYPES = List.of("page_view", "add_to_cart", "purchase");

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.session(ConfigLoader.defaultsOnly().s3()).newSession();
  }

  /** A synthetic event; {@code amount} has two decimals, so sums are exact in DECIMAL. */
  private record Event(String id, Instant time, String user, String type, Double amount) {
    Row row() {
      return RowFactory.create(id, Timestamp.from(time), user, type, amount);
    }
  }

  private static List<Event> events(int count, long seed, Duration span) {
    Random random = new Random(seed);
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String type = TYPES.get(random.nextInt(TYPES.size()));
      Double amount = type.equals("purchase") ? random.nextInt(100_000) / 100.0 : null;
      events.add(new Event(seed + "-" + i, BASE.plusMillis((long) (random.nextDouble() * span.toMillis())),
          "user-" + random.nextInt(40), type, amount));
    }
    return events;
  }

  private static Dataset<Row> rows(List<Event> events) {
    return spark.createDataFrame(events.stream().map(Event::row).toList(), SCHEMA);
  }

  private static ViewDefinition view(String sql) {
    return new ViewDefinition("test_view", "", ViewSchedule.every(Duration.ofMinutes(5)), RefreshPolicy.AUTO, "live.events",
        new ViewDefinition.Bucket("hour", "date_trunc('HOUR', event_time)", ChronoUnit.HOURS), Duration.ofHours(24), sql, "test");
  }

  private static final String HOURLY = """
      SELECT date_trunc('HOUR', event_time) AS hour, event_type,
        COUNT(*) AS events, COUNT(DISTINCT user_id) AS users,
        CAST(COALESCE(SUM(CASE WHEN event_type = 'purchase' THEN CAST(amount AS DECIMAL(38, 9)) END), 0) AS DOUBLE) AS revenue,
        CAST(SUM(CAST(amount AS DECIMAL(10, 2))) AS DECIMAL(20, 2)) AS revenue_exact
      FROM source GROUP BY 1, 2""";

  private static final String EVERYTHING = """
      SELECT date_trunc('HOUR', event_time) AS hour,
        COUNT(*) AS events, COUNT(amount) AS with_amount, COUNT_IF(event_type = 'purchase') AS purchases,
        COUNT(*) FILTER (WHERE event_type = 'page_view') AS page_views,
        MIN(event_time) AS first_at, MAX(user_id) AS last_user, MIN(DISTINCT amount) AS smallest,
        BOOL_OR(event_type = 'add_to_cart') AS any_cart, BOOL_AND(amount IS NULL) AS no_amount,
        COUNT(DISTINCT user_id) * 10 + COUNT(DISTINCT event_type) AS mixed,
        hour(date_trunc('HOUR', event_time)) AS hour_of_day
      FROM source WHERE user_id <> 'user-0' GROUP BY date_trunc('HOUR', event_time)""";

  @Test
  void mergingPartsInAnyGroupingEqualsTheQueryOverAllRows() {
    for (String sql : List.of(HOURLY, EVERYTHING)) {
      ViewDefinition view = view(sql);
      List<Event> first = events(400, 1, Duration.ofHours(5));
      List<Event> second = events(300, 2, Duration.ofHours(5));
      List<Event> third = events(200, 3, Duration.ofHours(7));
      PartialAggregates aggregates = decompose(view);

      // ((first + second) + third): state kept, then merged with a later part, as refreshes do
      Dataset<Row> kept = aggregates.merge(aggregates.partial(rows(first)).unionByName(aggregates.partial(rows(second))));
      Dataset<Row> state = aggregates.merge(kept.unionByName(aggregates.partial(rows(third))));
      List<Event> all = new ArrayList<>(first);
      all.addAll(second);
      all.addAll(third);

      assertSameRows(aggregates.finish(state), query(view, rows(all)));
      List<String> groupColumns = aggregates.stateColumns().stream().filter(name -> !name.startsWith("s")).toList();
      assertThat(state.select(groupColumns.stream().map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new))
          .distinct().count()).as("one state row per group").isEqualTo(state.count());
    }
  }

  @Test
  void distinctCountsCountAUserSeenInSeveralPartsOnce() {
    ViewDefinition view = view(HOURLY);
    PartialAggregates aggregates = decompose(view);
    List<Event> all = new ArrayList<>();
    Dataset<Row> state = null;
    long usersCountedPerPart = 0;
    for (int part = 0; part < 4; part++) {
      List<Event> events = events(150, 10 + part, Duration.ofHours(3)); // 40 users: most come back in every part
      all.addAll(events);
      usersCountedPerPart += events.stream().map(event -> event.time().truncatedTo(ChronoUnit.HOURS) + "/" + event.type()
          + "/" + event.user()).distinct().count();
      Dataset<Row> partial = aggregates.partial(rows(events));
      state = state == null ? aggregates.merge(partial) : aggregates.merge(state.unionByName(partial));
    }
    Map<String, Set<String>> usersByGroup = new TreeMap<>();
    Map<String, Long> eventsByGroup = new TreeMap<>();
    Map<String, BigDecimal> revenueByGroup = new TreeMap<>();
    for (Event event : all) {
      String group = event.time().truncatedTo(ChronoUnit.HOURS) + "/" + event.type();
      usersByGroup.computeIfAbsent(group, key -> new HashSet<>()).add(event.user());
      eventsByGroup.merge(group, 1L, Long::sum);
      if (event.amount() != null) {
        revenueByGroup.merge(group, BigDecimal.valueOf(event.amount()).setScale(2, RoundingMode.UNNECESSARY), BigDecimal::add);
      }
    }
    Map<String, List<Object>> actual = new TreeMap<>();
    for (Row row : aggregates.finish(state).collectAsList()) {
      String group = row.getTimestamp(0).toInstant() + "/" + row.getString(1);
      actual.put(group, List.of(row.getLong(2), row.getLong(3), row.isNullAt(5) ? BigDecimal.ZERO.setScale(2) : row.getDecimal(5)));
    }
    Map<String, List<Object>> expected = new TreeMap<>();
    usersByGroup.forEach((group, users) -> expected.put(group, List.of(eventsByGroup.get(group), (long) users.size(),
        revenueByGroup.getOrDefault(group, BigDecimal.ZERO).setScale(2, RoundingMode.UNNECESSARY))));
    assertThat(actual).isEqualTo(expected);
    long usersCounted = expected.values().stream().mapToLong(values -> (long) values.get(1)).sum();
    assertThat(usersCounted).as("users seen in several parts are counted once").isLessThan(usersCountedPerPart);
  }

  @Test
  void aLateRowUpdatesItsOldBucketOnly() {
    ViewDefinition view = view(HOURLY);
    PartialAggregates aggregates = decompose(view);
    List<Event> history = events(500, 20, Duration.ofHours(6));
    Dataset<Row> state = aggregates.merge(aggregates.partial(rows(history)));
    Map<Instant, Long> before = eventsPerHour(aggregates.finish(state));

    Event late = new Event("late-1", BASE.plus(Duration.ofMinutes(30)), "user-new", "page_view", null);
    Dataset<Row> after = aggregates.finish(aggregates.merge(state.unionByName(aggregates.partial(rows(List.of(late))))));

    Map<Instant, Long> expected = new HashMap<>(before);
    expected.merge(BASE, 1L, Long::sum);
    assertThat(eventsPerHour(after)).isEqualTo(expected);
    List<Event> all = new ArrayList<>(history);
    all.add(late);
    assertSameRows(after, query(view, rows(all)));
  }

  @Test
  void stateKeepsItsColumnTypesAcrossMerges() {
    PartialAggregates aggregates = decompose(view(HOURLY));
    Dataset<Row> partial = aggregates.partial(rows(events(50, 30, Duration.ofHours(2))));
    Dataset<Row> merged = aggregates.merge(aggregates.merge(partial).unionByName(partial));
    assertThat(merged.schema().fields()).extracting(field -> field.name() + ":" + field.dataType().simpleString())
        .containsExactlyElementsOf(List.of(partial.schema().fields()).stream()
            .map(field -> field.name() + ":" + field.dataType().simpleString()).toList());
    assertThat(aggregates.stateColumns()).containsExactly("g0", "g1", PartialAggregates.BUCKET, "s0", "s1", "s2", "s3");
  }

  @Test
  void queriesThatCannotBeMergedSayWhy() {
    Map<String, String> whyNot = Map.of(
        "SELECT date_trunc('HOUR', event_time) AS hour, COUNT(*) AS n FROM source GROUP BY 1 HAVING COUNT(*) > 1", "GROUP BY",
        "SELECT date_trunc('HOUR', event_time) AS hour, percentile_approx(amount, 0.5) AS p FROM source GROUP BY 1",
            "cannot be merged",
        "SELECT date_trunc('HOUR', event_time) AS hour, SUM(DISTINCT amount) AS s FROM source GROUP BY 1", "DISTINCT",
        "SELECT date_trunc('HOUR', event_time) AS hour, COUNT(DISTINCT user_id, event_type) AS n FROM source GROUP BY 1",
            "DISTINCT",
        "SELECT hour, COUNT(*) AS n FROM (SELECT DISTINCT date_trunc('HOUR', event_time) AS hour, user_id FROM source) GROUP BY 1",
            "under the GROUP BY",
        "SELECT date_trunc('HOUR', event_time) AS hour, first(user_id) AS u FROM source GROUP BY 1", "cannot be merged",
        "SELECT date_trunc('HOUR', event_time) AS hour, COUNT(*) AS n FROM source WHERE event_time > current_timestamp() - INTERVAL 1 HOUR GROUP BY 1",
            "changes from one refresh",
        "SELECT date_trunc('HOUR', event_time) AS hour, COUNT(*) + (SELECT COUNT(*) FROM source) AS n FROM source GROUP BY 1",
            "subquery",
        "SELECT date_trunc('HOUR', event_time) AS hour, COUNT(*) AS n FROM source WHERE rand() < 0.5 GROUP BY 1",
            "changes from one refresh",
        "SELECT date_trunc('HOUR', event_time) AS hour, COUNT(*) AS n FROM sourc GROUP BY 1", "does not analyze");
    whyNot.forEach((sql, reason) -> {
      PartialAggregates.Decomposition decomposition = PartialAggregates.of(spark, view(sql), rows(List.of()));
      assertThat(decomposition.aggregates()).as(sql).isEmpty();
      assertThat(decomposition.whyNot()).as(sql).contains(reason);
    });
  }

  private static PartialAggregates decompose(ViewDefinition view) {
    PartialAggregates.Decomposition decomposition = PartialAggregates.of(spark, view, rows(List.of()));
    assertThat(decomposition.whyNot()).isEmpty();
    return decomposition.aggregates().orElseThrow();
  }

  private static Dataset<Row> query(ViewDefinition view, Dataset<Row> rows) {
    rows.createOrReplaceTempView(ViewDefinition.SOURCE_VIEW);
    try {
      return spark.sql(view.sql()).localCheckpoint();
    } finally {
      spark.catalog().dropTempView(ViewDefinition.SOURCE_VIEW);
    }
  }

  private static void assertSameRows(Dataset<Row> actual, Dataset<Row> expected) {
    assertThat(actual.schema().simpleString()).isEqualTo(expected.schema().simpleString());
    assertThat(actual.collectAsList()).containsExactlyInAnyOrderElementsOf(expected.collectAsList());
    assertThat(actual.count()).isPositive();
  }

  private static Map<Instant, Long> eventsPerHour(Dataset<Row> view) {
    Map<Instant, Long> counts = new HashMap<>();
    for (Row row : view.collectAsList()) {
      counts.merge(row.getTimestamp(0).toInstant(), row.getLong(2), Long::sum);
    }
    return counts;
  }
}
