package dev.lakehouse.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.bronze.BronzeIngest;
import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.config.KafkaConfig;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.config.StorageConfig;
import dev.lakehouse.core.partition.DateRange;
import dev.lakehouse.core.runs.RunLog;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.core.testing.KernelTableReader;
import dev.lakehouse.core.testing.TestSpark;
import dev.lakehouse.testing.TestKafka;
import dev.lakehouse.testing.TestLake;
import dev.lakehouse.testing.generator.ClickstreamGenerator;
import dev.lakehouse.testing.generator.EventProducer;
import dev.lakehouse.testing.generator.ExpectedGold;
import dev.lakehouse.testing.generator.GeneratorSpec;
import dev.lakehouse.testing.generator.GroundTruth;
import dev.lakehouse.testing.generator.TruthEvent;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.silver.SilverRefine;
import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldBuilderIT {

  /** Two minutes before midnight UTC: on-time events straddle two dates; late ones go back 3 days. */
  private static final Instant BASE = Instant.parse("2026-11-20T23:58:00Z");

  private static SparkSession spark;

  @TempDir Path root;

  @BeforeAll
  static void start() {
    TestKafka.bootstrapServers();
    spark = TestSpark.session(ConfigLoader.defaultsOnly().s3());
  }

  @Test
  void goldEqualsTheTruthPerDateAndLateEventsRebuildExactlyTheDatesTheyChanged() {
    LakehouseConfig config = config();
    GroundTruth truth = new GroundTruth(true);
    produce(config, 3_000, 41, BASE, truth);
    refine(config);
    GoldBuilder gold = builder(config);

    GoldPlan first = gold.plan();
    Set<LocalDate> firstDates = new TreeSet<>(truth.byEventDate().keySet());
    assertThat(dates(first)).isEqualTo(firstDates);
    assertThat(first.dates()).allSatisfy(date -> assertThat(date.reason()).isEqualTo("never built"));
    // `gold --date D` for each date
    for (LocalDate date : truth.byEventDate().keySet()) {
      gold.build(gold.planRange(DateRange.of(date)), GoldBuilder.JOB, build -> { });
    }
    assertGoldEqualsTruth(config, truth.events());
    assertThat(gold.plan().isEmpty()).isTrue();

    // late events: a second batch on 2026-11-20 with late ones up to three days before it
    Map<String, Map<String, Set<String>>> filesBefore = goldFiles(config);
    GroundTruth late = new GroundTruth(true);
    produce(config, 400, 42, Instant.parse("2026-11-20T10:00:00Z"), event -> {
      truth.record(event);
      late.record(event);
    });
    refine(config);
    Set<LocalDate> touched = late.events().stream().map(TruthEvent::eventDate).collect(Collectors.toCollection(TreeSet::new));
    assertThat(touched).contains(LocalDate.of(2026, 11, 20)).doesNotContain(LocalDate.of(2026, 11, 21));

    GoldPlan second = gold.plan();
    assertThat(dates(second)).isEqualTo(touched);
    for (DatePlan date : second.dates()) {
      assertThat(date.reason()).as("%s", date.date()).matches(filesBefore.get("user_daily").containsKey(date.date().toString())
          ? "silver changed in version \\d+, after the build from version \\d+" : "never built");
    }
    List<DateBuild> rebuilt = new ArrayList<>();
    gold.build(second, GoldBuilder.JOB, rebuilt::add);
    assertThat(rebuilt).extracting(DateBuild::date).containsExactlyElementsOf(touched);
    assertGoldEqualsTruth(config, truth.events());
    assertUntouchedDatesKeptTheirFiles(filesBefore, goldFiles(config), touched);
    GoldPlan nothing = gold.plan();
    assertThat(nothing.isEmpty()).isTrue();
    assertThat(gold.build(nothing, GoldBuilder.JOB, build -> { }).dates()).isEmpty();
    List<Map<String, Object>> runs = KernelTableReader.local().readAll(new TableLocations(config.storage()).system(RunLog.TABLE))
        .stream().filter(run -> run.get("job").equals(GoldBuilder.JOB)).toList();
    assertThat(runs).hasSize(firstDates.size() + touched.size() + 1).allMatch(run -> run.get("status").equals("succeeded"));
    assertThat(runs).filteredOn(run -> run.get("scope").equals("no date to build: up to date with silver version " + nothing.silverVersion()))
        .singleElement().satisfies(run -> assertThat(run.get("rows_out")).isEqualTo(0L));
  }

  @Test
  void aRerunRebuildsExactlyItsDatesAndASilverRerunMarksThemStale() {
    LakehouseConfig config = config();
    GroundTruth truth = new GroundTruth(true);
    produce(config, 2_000, 43, BASE, truth);
    SilverRefine silver = refine(config);
    GoldBuilder gold = builder(config);
    gold.build(gold.plan(), GoldBuilder.JOB, build -> { });
    LocalDate damaged = LocalDate.of(2026, 11, 20);
    DeltaTable.forPath(spark, gold.goldTable("user_daily")).delete("event_date = DATE'" + damaged + "'");
    Map<String, Map<String, Set<String>>> before = goldFiles(config);

    DateRange range = DateRange.of(damaged);
    GoldRunResult rerun = gold.build(gold.planRange(range), GoldBuilder.RERUN_JOB, build -> { });
    assertThat(rerun.dates()).singleElement().satisfies(build -> {
      assertThat(build.silverRows()).isEqualTo(truth.byEventDate().get(damaged).events());
      assertThat(build.rowsByTable().keySet()).containsExactlyInAnyOrderElementsOf(GoldDefinitions.BUILT_IN);
    });
    assertGoldEqualsTruth(config, truth.events());
    assertUntouchedDatesKeptTheirFiles(before, goldFiles(config), Set.of(damaged));
    gold.build(gold.planRange(range), GoldBuilder.RERUN_JOB, build -> { });
    assertGoldEqualsTruth(config, truth.events());
    assertUntouchedDatesKeptTheirFiles(before, goldFiles(config), Set.of(damaged));

    // a date without silver events builds to nothing and leaves every other date alone
    GoldRunResult empty = gold.build(gold.planRange(DateRange.of(LocalDate.of(2026, 12, 25))), GoldBuilder.RERUN_JOB, build -> { });
    assertThat(empty.dates()).singleElement().satisfies(build -> {
      assertThat(build.silverRows()).isZero();
      assertThat(build.rowsByTable().values()).containsOnly(0L);
    });
    assertUntouchedDatesKeptTheirFiles(before, goldFiles(config), Set.of(damaged));

    // `rerun silver` rewrites the date's silver files: the next `gold` rebuilds that date only
    silver.rebuild(range);
    GoldPlan plan = gold.plan();
    assertThat(dates(plan)).containsExactly(damaged);
    assertThat(plan.dates().get(0).reason()).startsWith("silver changed in version");
    gold.build(plan, GoldBuilder.JOB, build -> { });
    assertGoldEqualsTruth(config, truth.events());
  }

  @Test
  void concurrentBuildsOfTheSameDatesBothSucceedAndLeaveTheTruth() throws Exception {
    LakehouseConfig config = config();
    GroundTruth truth = new GroundTruth(true);
    produce(config, 1_500, 44, BASE, truth);
    refine(config);
    List<LocalDate> dates = new ArrayList<>(truth.byEventDate().keySet());
    DateRange range = new DateRange(dates.get(dates.size() - 2), dates.get(dates.size() - 1));
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<Future<GoldRunResult>> runs = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        GoldBuilder gold = builder(config);
        runs.add(threads.submit(() -> gold.build(gold.planRange(range), GoldBuilder.RERUN_JOB, build -> { })));
      }
      for (Future<GoldRunResult> run : runs) {
        assertThat(run.get().dates()).hasSize(2);
      }
    } finally {
      threads.shutdownNow();
    }
    GoldBuilder gold = builder(config);
    gold.build(gold.plan(), GoldBuilder.JOB, build -> { });
    assertGoldEqualsTruth(config, truth.events());
    assertThat(gold.plan().isEmpty()).isTrue();
  }

  @Test
  void aDefinitionsFolderIsTheWholeGoldAndBadDefinitionsFailWithTheirFile() throws Exception {
    LakehouseConfig base = config();
    GroundTruth truth = new GroundTruth(true);
    produce(base, 800, 45, BASE, truth);
    refine(base);
    Path definitions = Files.createDirectories(root.resolve("definitions/gold"));
    Files.writeString(definitions.resolve("hourly_events.sql"),
        "-- events per UTC hour\nSELECT event_date, event_hour, COUNT(*) AS events FROM silver_events GROUP BY event_date, event_hour\n");
    LakehouseConfig config = base.withDefinitions(new dev.lakehouse.core.config.DefinitionsConfig(root.resolve("definitions").toString()));
    GoldBuilder gold = new GoldBuilder(spark, config, GoldDefinitions.load(config.definitions().folder("gold")));

    gold.build(gold.plan(), GoldBuilder.JOB, build -> { });

    Map<List<Object>, Long> expected = new HashMap<>();
    truth.events().forEach(event -> expected.merge(List.of(event.eventDate(), event.eventHour()), 1L, Long::sum));
    Map<List<Object>, Long> actual = new HashMap<>();
    KernelTableReader.local().readAll(gold.goldTable("hourly_events")).forEach(row ->
        assertThat(actual.put(List.of(row.get("event_date"), row.get("event_hour")), (Long) row.get("events"))).isNull());
    assertThat(actual).isEqualTo(expected);
    // DESIGN.md: a definitions folder is the whole pipeline, so no built-in table was built
    assertThat(gold.definitions()).extracting(GoldDefinition::table).containsExactly("hourly_events");
    assertThat(Files.exists(Path.of(java.net.URI.create(gold.goldTable("daily_event_metrics"))))).isFalse();

    Files.writeString(definitions.resolve("no_date.sql"), "SELECT user_id, COUNT(*) AS events FROM silver_events GROUP BY user_id");
    GoldBuilder noDate = new GoldBuilder(spark, config, GoldDefinitions.load(config.definitions().folder("gold")));
    assertThatThrownBy(() -> noDate.build(noDate.plan(), GoldBuilder.JOB, build -> { }))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("gold definition no_date (" + definitions.resolve("no_date.sql") + ") must return an event_date DATE column");
    Files.delete(definitions.resolve("no_date.sql"));

    Files.writeString(definitions.resolve("typo.sql"), "SELECT event_date, COUNT(*) AS events FROM silver_event GROUP BY event_date");
    assertThatThrownBy(() -> new GoldBuilder(spark, config, GoldDefinitions.load(config.definitions().folder("gold"))))
        .isInstanceOf(LakehouseException.class)
        .hasMessage("gold definition typo (" + definitions.resolve("typo.sql") + ") reads no silver table; it reads"
            + " [silver_event], the silver tables are [events]");
    Files.writeString(definitions.resolve("typo.sql"), "SELECT event_date, COUNT(*) AS events FROM silver_events GROUP BY event_dat");
    GoldBuilder badColumn = new GoldBuilder(spark, config, GoldDefinitions.load(config.definitions().folder("gold")));
    assertThatThrownBy(() -> badColumn.build(badColumn.plan(), GoldBuilder.JOB, build -> { }))
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("gold definition typo (" + definitions.resolve("typo.sql") + ") is not a valid query over the silver"
            + " tables [events]")
        .hasMessageContaining("event_dat");
  }

  @Test
  void datesBuiltInBatchesEqualTheTruthPerDateWithOneCommitPerTablePerBatchAndAOneDateRerunTouchesOnlyItsDate() {
    LakehouseConfig config = config();
    GroundTruth truth = new GroundTruth(true);
    // an event every three hours: on-time events over sixteen weeks, more dates than one batch holds
    produce(config, new GeneratorSpec(900, 46, 0.05, 0.05, 0.03, 3, 500, 200, Optional.of(BASE), java.time.Duration.ofHours(3)),
        truth::record);
    refine(config);
    GoldBuilder gold = builder(config);
    List<LocalDate> dates = new ArrayList<>(new TreeSet<>(truth.byEventDate().keySet()));
    assertThat(dates).hasSizeGreaterThan(GoldBuilder.DATES_PER_BATCH);
    int batches = (dates.size() + GoldBuilder.DATES_PER_BATCH - 1) / GoldBuilder.DATES_PER_BATCH;

    List<DateBuild> told = new ArrayList<>();
    GoldRunResult result = gold.build(gold.plan(), GoldBuilder.JOB, told::add);

    assertThat(told).isEqualTo(result.dates());
    assertThat(result.dates()).extracting(DateBuild::date).containsExactlyElementsOf(dates);
    Map<String, List<Map<String, Object>>> expected = ExpectedGold.of(truth.events());
    for (DateBuild build : result.dates()) {
      assertThat(build.silverRows()).as("silver rows of %s", build.date()).isEqualTo(truth.byEventDate().get(build.date()).events());
      Map<String, Long> rows = new HashMap<>();
      expected.forEach((table, tableRows) -> rows.put(table, (long) ExpectedGold.on(tableRows, build.date()).size()));
      assertThat(build.rowsByTable()).as("gold rows of %s", build.date()).isEqualTo(rows);
      assertThat(build.reason()).isEqualTo("never built");
    }
    assertGoldEqualsTruth(config, truth.events());
    TableLocations locations = new TableLocations(config.storage());
    for (String table : GoldDefinitions.BUILT_IN) {
      assertThat(DeltaTable.forPath(spark, locations.gold(table)).history().count()).as("commits of gold.%s", table)
          .isEqualTo(batches);
    }
    Map<String, Map<String, Object>> runs = new HashMap<>();
    KernelTableReader.local().readAll(locations.system(RunLog.TABLE)).stream()
        .filter(run -> run.get("job").equals(GoldBuilder.JOB))
        .forEach(run -> assertThat(runs.put((String) run.get("scope"), run)).isNull());
    assertThat(runs.keySet()).isEqualTo(dates.stream().map(date -> "event_date " + date + " (never built)").collect(Collectors.toSet()));
    for (LocalDate date : dates) {
      assertThat(runs.get("event_date " + date + " (never built)")).containsEntry("status", "succeeded")
          .containsEntry("rows_in", truth.byEventDate().get(date).events())
          .containsEntry("rows_out", expected.values().stream().mapToLong(rows -> ExpectedGold.on(rows, date).size()).sum());
    }
    assertThat(gold.plan().isEmpty()).isTrue();

    // a one-date rerun after the batches: one commit per table, over that date only
    LocalDate rerun = dates.get(dates.size() / 2);
    Map<String, Map<String, Set<String>>> before = goldFiles(config);
    GoldRunResult one = gold.build(gold.planRange(DateRange.of(rerun)), GoldBuilder.RERUN_JOB, build -> { });
    assertThat(one.dates()).singleElement().satisfies(build -> {
      assertThat(build.silverRows()).isEqualTo(truth.byEventDate().get(rerun).events());
      expected.forEach((table, rows) ->
          assertThat(build.rowsByTable()).containsEntry(table, (long) ExpectedGold.on(rows, rerun).size()));
    });
    assertGoldEqualsTruth(config, truth.events());
    assertUntouchedDatesKeptTheirFiles(before, goldFiles(config), Set.of(rerun));
    for (String table : GoldDefinitions.BUILT_IN) {
      assertThat(goldFiles(config).get(table).get(rerun.toString())).as("files of gold.%s %s", table, rerun)
          .doesNotContainAnyElementsOf(before.get(table).get(rerun.toString()));
      assertThat(DeltaTable.forPath(spark, locations.gold(table)).history().count()).isEqualTo(batches + 1);
    }
    assertThat(gold.plan().isEmpty()).isTrue();
  }

  @Test
  void eachDatesQueryOfABatchSeesOnlyThatDatesRowsAndMayNotReturnAnotherDate() throws Exception {
    LakehouseConfig base = config();
    GroundTruth truth = new GroundTruth(true);
    produce(base, 800, 47, BASE, truth);
    refine(base);
    assertThat(truth.byEventDate()).hasSizeGreaterThan(2);
    Path definitions = Files.createDirectories(root.resolve("definitions/gold"));
    // no GROUP BY: only the view bound to its date when the query was made keeps it to one date
    Files.writeString(definitions.resolve("per_date.sql"), "SELECT max(event_date) AS event_date, count(*) AS n FROM silver_events");
    LakehouseConfig config = base.withDefinitions(new dev.lakehouse.core.config.DefinitionsConfig(root.resolve("definitions").toString()));
    GoldBuilder gold = new GoldBuilder(spark, config, GoldDefinitions.load(config.definitions().folder("gold")));

    gold.build(gold.plan(), GoldBuilder.JOB, build -> { });

    Map<Object, Object> expected = new HashMap<>();
    truth.byEventDate().forEach((date, totals) -> expected.put(date, totals.events()));
    Map<Object, Object> actual = new HashMap<>();
    KernelTableReader.local().readAll(gold.goldTable("per_date")).forEach(row ->
        assertThat(actual.put(row.get("event_date"), row.get("n"))).isNull());
    assertThat(actual).isEqualTo(expected);
    assertThat(DeltaTable.forPath(spark, gold.goldTable("per_date")).history().count()).isEqualTo(1);

    // alone, a date's rows of another date were refused by its replaceWhere; a batch's names them all
    Files.delete(definitions.resolve("per_date.sql"));
    Path nextDay = definitions.resolve("next_day.sql");
    Files.writeString(nextDay, "SELECT date_add(event_date, 1) AS event_date, count(*) AS n FROM silver_events GROUP BY 1");
    GoldBuilder shifted = new GoldBuilder(spark, config, GoldDefinitions.load(config.definitions().folder("gold")));
    assertThatThrownBy(() -> shifted.build(shifted.plan(), GoldBuilder.JOB, build -> { }))
        .isInstanceOf(LakehouseException.class)
        .hasMessageMatching("gold definition next_day \\(" + java.util.regex.Pattern.quote(nextDay.toString()) + "\\) returned a row"
            + " whose event_date is not \\d{4}-\\d{2}-\\d{2}, the date it was built for; its event_date must be that of the"
            + " silver rows it reads");
    assertThat(DeltaTable.isDeltaTable(spark, shifted.goldTable("next_day"))).isFalse();
    List<Map<String, Object>> failed = KernelTableReader.local().readAll(new TableLocations(config.storage()).system(RunLog.TABLE))
        .stream().filter(run -> run.get("job").equals(GoldBuilder.JOB) && run.get("status").equals("failed")).toList();
    assertThat(failed).hasSize(truth.byEventDate().size()).allSatisfy(run ->
        assertThat((String) run.get("message")).startsWith("gold definition next_day"));
  }

  private static Set<LocalDate> dates(GoldPlan plan) {
    return plan.dates().stream().map(DatePlan::date).collect(Collectors.toCollection(TreeSet::new));
  }

  /** Every built-in gold table equals the plain-Java truth, row for row, read with Delta Kernel. */
  private static void assertGoldEqualsTruth(LakehouseConfig config, java.util.Collection<TruthEvent> events) {
    TableLocations locations = new TableLocations(config.storage());
    ExpectedGold.of(events).forEach((table, expected) -> {
      List<Map<String, Object>> actual = KernelTableReader.local().readAll(locations.gold(table));
      assertThat(actual).as("gold.%s", table).containsExactlyInAnyOrderElementsOf(expected);
    });
  }

  /** Table → event_date → data files. */
  private static Map<String, Map<String, Set<String>>> goldFiles(LakehouseConfig config) {
    TableLocations locations = new TableLocations(config.storage());
    Map<String, Map<String, Set<String>>> files = new HashMap<>();
    for (String table : GoldDefinitions.BUILT_IN) {
      files.put(table, KernelTableReader.local().filesByPartition(locations.gold(table), "event_date"));
    }
    return files;
  }

  private static void assertUntouchedDatesKeptTheirFiles(Map<String, Map<String, Set<String>>> before,
      Map<String, Map<String, Set<String>>> after, Set<LocalDate> rebuilt) {
    Set<String> rebuiltDates = rebuilt.stream().map(LocalDate::toString).collect(Collectors.toSet());
    before.forEach((table, dates) -> dates.forEach((date, files) -> {
      if (!rebuiltDates.contains(date)) {
        assertThat(after.get(table).get(date)).as("files of gold.%s %s", table, date).isEqualTo(files);
      }
    }));
    assertThat(before.get("user_daily")).isNotEmpty();
  }

  private LakehouseConfig config() {
    return TestLake.config(root.resolve("lake"), "gold");
  }

  private static GoldBuilder builder(LakehouseConfig config) {
    return new GoldBuilder(spark, config, GoldDefinitions.load(Optional.empty()));
  }

  private static void produce(LakehouseConfig config, long count, long seed, Instant base, GroundTruth truth) {
    produce(config, count, seed, base, truth::record);
  }

  private static void produce(LakehouseConfig config, long count, long seed, Instant base,
      java.util.function.Consumer<dev.lakehouse.testing.generator.GeneratedMessage> onMessage) {
    produce(config, GeneratorSpec.defaults(count, seed).withBaseTime(base), onMessage);
  }

  private static void produce(LakehouseConfig config, GeneratorSpec spec,
      java.util.function.Consumer<dev.lakehouse.testing.generator.GeneratedMessage> onMessage) {
    TestLake.produce(config, spec, false, onMessage);
  }

  /** Bronze then silver for what was produced since the last call. */
  private static SilverRefine refine(LakehouseConfig config) {
    new BronzeIngest(spark, config).runUntilCaughtUp(config.kafka().source("clickstream"));
    SilverRefine silver = new SilverRefine(spark, config, SuiteLoader.load("silver_events", Optional.empty()));
    silver.run();
    return silver;
  }
}
