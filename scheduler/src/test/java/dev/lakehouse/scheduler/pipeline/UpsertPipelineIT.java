package dev.lakehouse.scheduler.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.process.Ports;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.core.testing.KernelTableReader;
import dev.lakehouse.core.testing.TestSpark;
import dev.lakehouse.gold.GoldBuilder;
import dev.lakehouse.scheduler.faults.CliProcess;
import dev.lakehouse.silver.SilverRefine;
import dev.lakehouse.silver.SilverRunResult;
import dev.lakehouse.testing.RawProducer;
import dev.lakehouse.testing.TestKafka;
import dev.lakehouse.testing.cdc.ChangeTruth;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upsert tables declared in files (test resources {@code upsert-pipeline/}): a customers topic
 * refined into its current state and its history (two tables, one source), an orders table, a
 * Debezium topic, gold queries joining orders to the current customers and, as of each order's
 * time, to the history, and a view over the current table. The truth is {@link ChangeTruth}:
 * every change applied in sequence order in plain Java. Every table is read with Delta Kernel.
 */
class UpsertPipelineIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RESOURCES = "/upsert-pipeline/";
  private static final List<String> FILES = List.of("silver/customers.yaml", "silver/customer_history.yaml",
      "silver/orders.yaml", "silver/accounts.yaml", "expectations/silver_customers.json", "gold/orders_by_plan.sql",
      "gold/orders_of_customers.sql", "views/customers_per_plan.yaml");
  private static final String CUSTOMER_COLUMNS = "customer_id,updated_at,name,plan,deleted";

  @TempDir Path folder;

  private final String suffix = UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, String> topics = Map.of("LAKEHOUSE_CUSTOMERS_TOPIC", "customers-" + suffix,
      "LAKEHOUSE_ORDERS_TOPIC", "orders-" + suffix, "LAKEHOUSE_ACCOUNTS_TOPIC", "accounts-" + suffix);
  private final KernelTableReader delta = KernelTableReader.local();
  /** Five days back, on the hour: every change and order lies in the view's 30-day window. */
  private final Instant base = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(5, ChronoUnit.DAYS);
  private final ChangeTruth<Instant> customers = new ChangeTruth<>();
  private final ChangeTruth<Long> accounts = new ChangeTruth<>();
  private final List<Order> orders = new ArrayList<>();

  record Order(String id, String customerId, Instant placedAt, BigDecimal amount) {
    LocalDate date() {
      return placedAt.atOffset(ZoneOffset.UTC).toLocalDate();
    }
  }

  private Instant t(int hours) {
    return base.plus(hours, ChronoUnit.HOURS);
  }

  @Test
  void currentStateAndHistoryEqualTheVersionsAppliedInOrder() throws Exception {
    Path definitions = PipelineFixtures.definitions(RESOURCES, FILES, folder.resolve("definitions"));
    SparkSession spark = TestSpark.session(ConfigLoader.defaultsOnly().s3());
    LakehouseConfig config = PipelineFixtures.config(folder.resolve("lake"), definitions);
    PipelineRuntime runtime = PipelineRuntime.open(config, PipelineLoader.load(config.definitions(), config.kafka(), topics), spark);
    TableLocations tables = runtime.locations();

    // batch 1: versions out of order, a duplicate, an equal-sequence pair, a delete, a delete of an
    // unknown key, a record without its required name, a plan the suite refuses
    List<String[]> first = new ArrayList<>();
    first.add(upsert("c1", t(30), "Ann", "pro", "+02:00"));
    first.add(upsert("c1", t(10), "Ann", "free", "Z"));
    first.add(upsert("c2", t(10), "Bob", "basic", "-05:00"));
    first.add(repeat(first.get(2)));
    first.add(upsert("c3", t(20), "Cid", "basic", "Z"));
    first.add(delete("c3", t(40)));
    first.add(delete("c4", t(50)));
    first.add(upsert("c5", t(20), "Dan", "free", "Z"));
    first.add(upsert("c5", t(20), "Dan", "team", "+01:00")); // equal sequence: the later offset wins
    first.add(new String[] {"c6", "{\"customer_id\":\"c6\",\"updated_at\":\"" + t(5) + "\",\"plan\":\"pro\"}"});
    first.add(new String[] {"c7", "{\"customer_id\":\"c7\",\"updated_at\":\"" + t(5) + "\",\"name\":\"Eve\",\"plan\":\"gold\"}"});
    produceKeyed("LAKEHOUSE_CUSTOMERS_TOPIC", first);
    produceOrders(List.of(order("o1", "c1", t(15), "10.00"), order("o2", "c1", t(35), "20.00"),
        order("o3", "c3", t(25), "5.50"), order("o4", "c9", t(25), "1.00"), order("o5", "c5", t(45), "7.25")));

    // Debezium: a snapshot read, an update in the envelope, a delete, its tombstone, a re-insert; one out of order
    accounts.upsert("1", 100L, Map.of("id", 1L, "email", "a@x", "tier", "free", "lsn", 100L));
    accounts.upsert("2", 110L, Map.of("id", 2L, "email", "b@x", "tier", "free", "lsn", 110L));
    accounts.upsert("1", 130L, Map.of("id", 1L, "email", "a@x", "tier", "pro", "lsn", 130L));
    accounts.upsert("1", 120L, Map.of("id", 1L, "email", "a@x", "tier", "plus", "lsn", 120L));
    accounts.delete("2", 140L, Map.of());
    List<String> accountKeys = new ArrayList<>(List.of("1", "2", "1", "1", "2", "2", "3"));
    List<Optional<byte[]>> accountValues = new ArrayList<>(Stream.of(
        debezium("r", null, "{\"id\":1,\"email\":\"a@x\",\"tier\":\"free\"}", 100, false),
        debezium("c", null, "{\"id\":2,\"email\":\"b@x\",\"tier\":\"free\"}", 110, true),
        debezium("u", "{\"id\":1}", "{\"id\":1,\"email\":\"a@x\",\"tier\":\"pro\"}", 130, true),
        debezium("u", "{\"id\":1}", "{\"id\":1,\"email\":\"a@x\",\"tier\":\"plus\"}", 120, false),
        debezium("d", "{\"id\":2}", null, 140, false)).map(text -> Optional.of(text.getBytes(StandardCharsets.UTF_8))).toList());
    accountValues.add(Optional.empty()); // the tombstone after the delete
    accountValues.add(Optional.of(debezium("t", null, null, 150, false).getBytes(StandardCharsets.UTF_8)));
    RawProducer.send(TestKafka.bootstrapServers(), topics.get("LAKEHOUSE_ACCOUNTS_TOPIC"), accountKeys, accountValues);

    PipelineFixtures.ingestAll(runtime, spark);
    Map<String, SilverRunResult> results = refineAll(runtime);

    assertCustomersEqualTheTruth(tables);
    assertThat(quarantineReasons(tables, "customers")).isEqualTo(Map.of(
        "c6", "parse: name is required but missing", "c7", "expect_column_values_to_be_in_set(plan)"));
    assertThat(quarantineReasons(tables, "customer_history")).isEqualTo(quarantineReasons(tables, "customers"));
    assertThat(results.get("accounts").tombstones()).as("the tombstone is skipped, not quarantined").isEqualTo(1);
    assertThat(delta.readAll(tables.silver("accounts"))).map(UpsertPipelineIT::withoutIngestTime)
        .containsExactlyInAnyOrderElementsOf(expectedCurrent(accounts, "id,email,tier,lsn"));
    assertThat(delta.readAll(tables.quarantine("accounts"))).extracting(row -> String.join("; ", castList(row.get("failed_expectations"))))
        .containsExactly("parse: debezium op must be one of c, u, r, d, cannot be: \"t\"");

    // batch 2, a day later in arrival: late versions older than newer ones, a delete followed by a
    // re-insert, a version older than a delete seen earlier, a duplicate across batches
    List<String[]> second = new ArrayList<>();
    second.add(upsert("c1", t(20), "Ann", "basic", "Z")); // between t10 and t30: splits the history
    second.add(upsert("c3", t(60), "Cid", "team", "Z")); // after its delete: comes back
    second.add(upsert("c3", t(30), "Cid", "pro", "Z")); // before its delete at t40: closed by it
    second.add(upsert("c4", t(45), "Fay", "free", "Z")); // older than its delete at t50: never current
    second.add(repeat(first.get(2)));
    second.add(upsert("c8", t(12), "Gus", "basic", "Z"));
    produceKeyed("LAKEHOUSE_CUSTOMERS_TOPIC", second);
    produceOrders(List.of(order("o6", "c3", t(35), "3.00"), order("o7", "c8", t(13), "4.00")));
    PipelineFixtures.ingestAll(runtime, spark);
    refineAll(runtime);
    assertCustomersEqualTheTruth(tables);

    // gold: an as-of join on the history and a join on the current table equal the truth
    GoldBuilder gold = runtime.goldBuilder();
    gold.build(gold.plan(), GoldBuilder.JOB, build -> { });
    assertGoldEqualsTheTruth(tables);
    runtime.viewRefresher().refresh(runtime.pipeline().views().get(0));
    assertThat(delta.readAll(tables.view("customers_per_plan"))).containsExactlyInAnyOrderElementsOf(expectedCustomersPerPlan());

    // a dimension that changes rebuilds no gold date: the as-of join made past dates stable
    produceKeyed("LAKEHOUSE_CUSTOMERS_TOPIC", List.<String[]>of(upsert("c1", t(70), "Ann", "team", "Z")));
    PipelineFixtures.ingestAll(runtime, spark);
    refineAll(runtime);
    assertCustomersEqualTheTruth(tables);
    assertThat(runtime.goldBuilder().plan().dates()).as("no gold date to rebuild").isEmpty();

    // a rerun rebuilds an upsert table whole from bronze, in one commit, to the same truth
    long versionBefore = dev.lakehouse.core.storage.DeltaVersions.latest(spark, tables.silver("customer_history"));
    runtime.silverRefine(runtime.pipeline().silverTable("customer_history")).rebuildWhole();
    assertThat(dev.lakehouse.core.storage.DeltaVersions.latest(spark, tables.silver("customer_history")))
        .as("one commit").isEqualTo(versionBefore + 1);
    assertCustomersEqualTheTruth(tables);

    // kill -9 right after the MERGE commits, before the batch is recorded done; the next run is exact
    List<String[]> third = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      third.add(upsert("k" + (i % 10), t(80 + (i * 7) % 30), "K" + i, i % 2 == 0 ? "free" : "pro", "Z"));
    }
    third.add(delete("c1", t(75)));
    third.add(upsert("c1", t(72), "Ann", "basic", "Z"));
    produceKeyed("LAKEHOUSE_CUSTOMERS_TOPIC", third);
    PipelineFixtures.ingestAll(runtime, spark);
    Map<String, String> environment = new HashMap<>(topics);
    environment.putAll(CliProcess.environment(folder, "unused"));
    environment.put("LAKEHOUSE_DEFINITIONS_DIR", definitions.toString());
    for (String table : List.of("customers", "customer_history")) {
      Path log = folder.resolve("silver-" + table + "-killed.log");
      long commits = commits(tables.silver(table));
      Process process = CliProcess.start(environment, log, "silver", "--table", table);
      boolean merged = Ports.await(() -> commits(tables.silver(table)) > commits, Duration.ofMinutes(3), () -> !process.isAlive());
      assertThat(merged).as("%s merged before the kill: %s", table, CliProcess.read(log)).isTrue();
      CliProcess.kill(process);
    }
    refineAll(runtime);
    assertCustomersEqualTheTruth(tables);

    // turning the current table into a history (or changing the sequence) is refused before any batch, naming the rebuild
    Path customersYaml = definitions.resolve("silver/customers.yaml");
    Files.writeString(customersYaml, Files.readString(customersYaml).replace("deletes: \"deleted = true\"\n",
        "deletes: \"deleted = true\"\nhistory: true\n"));
    PipelineRuntime changed = PipelineRuntime.open(config, PipelineLoader.load(config.definitions(), config.kafka(), topics), spark);
    assertThat(changed.pipeline().silverTable("customers").isHistory()).isTrue();
    assertThatThrownBy(() -> changed.silverRefine(changed.pipeline().silverTable("customers")).run())
        .isInstanceOf(LakehouseException.class)
        .hasMessageContaining("the mode is upsert in the table but upsert history in " + customersYaml)
        .hasMessageContaining("`./lakehouse rerun silver --table customers`");
  }

  private void assertCustomersEqualTheTruth(TableLocations tables) {
    assertThat(delta.readAll(tables.silver("customers"))).map(UpsertPipelineIT::withoutIngestTime)
        .containsExactlyInAnyOrderElementsOf(expectedCurrent(customers, CUSTOMER_COLUMNS));
    List<Map<String, Object>> history = new ArrayList<>();
    for (ChangeTruth.Version<Instant> version : customers.history()) {
      Map<String, Object> row = columns(version.columns(), CUSTOMER_COLUMNS);
      row.put("valid_from", version.validFrom());
      row.put("valid_to", version.validTo());
      row.put("is_current", version.isCurrent());
      history.add(row);
    }
    assertThat(delta.readAll(tables.silver("customer_history"))).map(UpsertPipelineIT::withoutIngestTime)
        .containsExactlyInAnyOrderElementsOf(history);
  }

  private void assertGoldEqualsTheTruth(TableLocations tables) {
    Map<String, Map<String, Object>> byPlan = new TreeMap<>();
    Map<LocalDate, long[]> byDate = new TreeMap<>();
    for (Order order : orders) {
      String plan = customers.asOf(order.customerId(), order.placedAt())
          .map(version -> (String) version.columns().get("plan")).orElse("unknown");
      Map<String, Object> row = byPlan.computeIfAbsent(order.date() + "|" + plan, key -> new HashMap<>(Map.of(
          "event_date", order.date(), "plan", plan, "orders", 0L, "revenue", BigDecimal.ZERO.setScale(2))));
      row.put("orders", (Long) row.get("orders") + 1);
      row.put("revenue", ((BigDecimal) row.get("revenue")).add(order.amount()));
      long[] counts = byDate.computeIfAbsent(order.date(), date -> new long[2]);
      counts[0]++;
      counts[1] += customers.current().containsKey(order.customerId()) ? 1 : 0;
    }
    assertThat(delta.readAll(tables.gold("orders_by_plan"))).containsExactlyInAnyOrderElementsOf(byPlan.values());
    assertThat(delta.readAll(tables.gold("orders_of_customers"))).containsExactlyInAnyOrderElementsOf(byDate.entrySet().stream()
        .map(entry -> Map.<String, Object>of("event_date", entry.getKey(), "orders", entry.getValue()[0],
            "orders_of_current_customers", entry.getValue()[1])).toList());
  }

  private List<Map<String, Object>> expectedCustomersPerPlan() {
    Map<String, Long> counts = customers.current().values().stream().collect(Collectors.groupingBy(
        change -> change.sequence().truncatedTo(ChronoUnit.DAYS) + "|" + change.columns().get("plan"), Collectors.counting()));
    return counts.entrySet().stream().map(entry -> {
      String[] parts = entry.getKey().split("\\|");
      return Map.<String, Object>of("day", Instant.parse(parts[0]), "plan", parts[1], "customers", entry.getValue());
    }).toList();
  }

  private static <S extends Comparable<S>> List<Map<String, Object>> expectedCurrent(ChangeTruth<S> truth, String columns) {
    return truth.current().values().stream().map(change -> columns(change.columns(), columns)).toList();
  }

  private static Map<String, Object> columns(Map<String, Object> values, String columns) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (String column : columns.split(",")) {
      row.put(column, values.get(column));
    }
    return row;
  }

  private String[] upsert(String id, Instant updatedAt, String name, String plan, String offset) {
    ZoneOffset zone = offset.equals("Z") ? ZoneOffset.UTC : ZoneOffset.of(offset);
    ObjectNode node = JSON.createObjectNode().put("customer_id", id)
        .put("updated_at", updatedAt.atOffset(zone).toString()).put("name", name).put("plan", plan);
    Map<String, Object> values = new HashMap<>(Map.of("customer_id", id, "updated_at", updatedAt, "name", name, "plan", plan));
    customers.upsert(id, updatedAt, values);
    return new String[] {id, node.toString()};
  }

  private String[] delete(String id, Instant updatedAt) {
    customers.delete(id, updatedAt, Map.of());
    return new String[] {id, JSON.createObjectNode().put("customer_id", id).put("updated_at", updatedAt.toString())
        .put("deleted", true).toString()};
  }

  /** The same message again: for the truth, the same version arriving later. */
  private String[] repeat(String[] message) {
    String id = message[0];
    ChangeTruth.Change<Instant> sent = customers.changes().stream()
        .filter(change -> change.key().equals(id) && !change.delete()).reduce((a, b) -> b).orElseThrow();
    customers.upsert(id, sent.sequence(), sent.columns());
    return message;
  }

  private Order order(String id, String customerId, Instant placedAt, String amount) {
    Order order = new Order(id, customerId, placedAt, new BigDecimal(amount));
    orders.add(order);
    return order;
  }

  private void produceOrders(List<Order> batch) {
    produceKeyed("LAKEHOUSE_ORDERS_TOPIC", batch.stream().map(order -> new String[] {order.id(), JSON.createObjectNode()
        .put("order_id", order.id()).put("customer_id", order.customerId()).put("placed_at", order.placedAt().toString())
        .put("amount", order.amount()).toString()}).toList());
  }

  private void produceKeyed(String topicVariable, List<String[]> messages) {
    RawProducer.send(TestKafka.bootstrapServers(), topics.get(topicVariable), messages.stream().map(message -> message[0]).toList(),
        messages.stream().map(message -> Optional.of(message[1].getBytes(StandardCharsets.UTF_8))).toList());
  }

  private static String debezium(String op, String before, String after, long lsn, boolean envelope) {
    String payload = "{\"before\":" + before + ",\"after\":" + after + ",\"source\":{\"connector\":\"postgresql\",\"db\":\"shop\","
        + "\"table\":\"accounts\",\"lsn\":" + lsn + "},\"op\":\"" + op + "\",\"ts_ms\":" + (1_764_000_000_000L + lsn) + "}";
    return envelope ? "{\"schema\":{\"type\":\"struct\",\"optional\":false},\"payload\":" + payload + "}" : payload;
  }

  private Map<String, String> quarantineReasons(TableLocations tables, String table) {
    Map<String, String> reasons = new TreeMap<>();
    for (Map<String, Object> row : delta.readAll(tables.quarantine(table))) {
      reasons.put((String) row.get("key"), String.join("; ", castList(row.get("failed_expectations"))));
    }
    return reasons;
  }



  private static Map<String, SilverRunResult> refineAll(PipelineRuntime runtime) {
    Map<String, SilverRunResult> results = new TreeMap<>();
    for (SilverRefine refine : runtime.silverRefines(Optional.empty())) {
      results.put(refine.table().name(), refine.run());
    }
    return results;
  }

  /** Delta commits of one table. */
  private static long commits(String path) {
    Path log = Path.of(java.net.URI.create(path.replace("file:", "file://"))).resolve("_delta_log");
    if (!Files.isDirectory(log)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(log)) {
      return files.filter(file -> file.getFileName().toString().matches("\\d{20}\\.json")).count();
    } catch (IOException e) {
      return 0;
    }
  }

  private static Map<String, Object> withoutIngestTime(Map<String, Object> row) {
    Map<String, Object> picked = new HashMap<>(row);
    picked.remove("ingested_at");
    return picked;
  }

  @SuppressWarnings("unchecked")
  private static List<String> castList(Object value) {
    return (List<String>) value;
  }
}
