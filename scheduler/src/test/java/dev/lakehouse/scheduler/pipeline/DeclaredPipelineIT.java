package dev.lakehouse.scheduler.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.partition.DateRange;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.core.testing.KernelTableReader;
import dev.lakehouse.core.testing.TestSpark;
import dev.lakehouse.gold.DatePlan;
import dev.lakehouse.gold.GoldBuilder;
import dev.lakehouse.gold.GoldPlan;
import dev.lakehouse.testing.RawProducer;
import dev.lakehouse.testing.TestKafka;
import dev.lakehouse.silver.SilverRefine;
import dev.lakehouse.views.ViewDefinition;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
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
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline of another domain declared only in files (test resources {@code declared-pipeline/}):
 * a shop's orders and shipments, two append tables of different schemas, a gold table joining
 * both, one reading one, and a view over {@code live.orders}. Every table is read back with
 * Delta Kernel and compared with a truth computed here in plain Java from what was produced.
 */
class DeclaredPipelineIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RESOURCES = "/declared-pipeline/";
  private static final List<String> FILES = List.of("silver/orders.yaml", "silver/shipments.yaml",
      "expectations/silver_orders.json", "expectations/shipment_rules.json", "gold/daily_shipping.sql", "gold/daily_shipping.yaml",
      "gold/carrier_daily.sql", "views/orders_per_hour.yaml");

  @TempDir Path folder;

  private final LocalDate today = LocalDate.now(ZoneOffset.UTC);
  private final LocalDate day1 = today.minusDays(3);
  private final LocalDate day2 = today.minusDays(2);
  private final String ordersTopic = "orders-" + UUID.randomUUID().toString().substring(0, 8);
  private final String shipmentsTopic = "shipments-" + UUID.randomUUID().toString().substring(0, 8);
  private final KernelTableReader delta = KernelTableReader.local();

  /** The first valid arrival of each order and shipment: what silver must hold. */
  private final Map<String, Order> orders = new LinkedHashMap<>();
  private final Map<String, Shipment> shipments = new LinkedHashMap<>();

  record Order(String id, String placedAt, String customer, BigDecimal total, Integer items, Boolean express, List<String> tags,
      Map<String, Object> extra) {
    Instant instant() {
      return OffsetDateTime.parse(placedAt).toInstant();
    }

    LocalDate date() {
      return instant().atOffset(ZoneOffset.UTC).toLocalDate();
    }

    String json() {
      ObjectNode node = JSON.createObjectNode().put("order_id", id).put("placed_at", placedAt).put("customer", customer);
      node.put("total", total).put("items", items).put("express", express);
      tags.forEach(node.putArray("tags")::add);
      extra.forEach((key, value) -> node.set(key, JSON.valueToTree(value)));
      return node.toString();
    }
  }

  record Shipment(String id, String orderId, String shippedAt, String carrier, double weightKg) {
    LocalDate date() {
      return OffsetDateTime.parse(shippedAt).toInstant().atOffset(ZoneOffset.UTC).toLocalDate();
    }

    String json() {
      return JSON.createObjectNode().put("shipment_id", id).put("order_id", orderId).put("shipped_at", shippedAt)
          .put("carrier", carrier).put("weight_kg", weightKg).toString();
    }
  }

  @Test
  void aDeclaredPipelineRunsEveryLayerAndEqualsTheTruth() throws Exception {
    Path definitions = PipelineFixtures.definitions(RESOURCES, FILES, folder.resolve("definitions"));
    SparkSession spark = TestSpark.session(ConfigLoader.defaultsOnly().s3());
    LakehouseConfig config = PipelineFixtures.config(folder.resolve("lake"), definitions);
    PipelineRuntime runtime = runtime(config, spark);
    TableLocations tables = runtime.locations();
    assertThat(runtime.pipeline().sources()).containsExactly(new SourceConfig("orders", ordersTopic),
        new SourceConfig("shipments", shipmentsTopic));

    // first batch: valid orders on two dates (one crossing midnight through its offset), a duplicate, bad values of every kind
    Order o1 = order("o1", day1.atTime(9, 15).atOffset(ZoneOffset.UTC).toString(), "ann", "19.99", 2, true, List.of("gift"),
        Map.of("coupon_hint", "xmas"));
    Order o2 = order("o2", day1.atTime(14, 0).atOffset(ZoneOffset.ofHoursMinutes(5, 30)).toString(), "bob", "5.00", 1, false,
        List.of(), Map.of());
    Order o3 = order("o3", day1.atTime(23, 30).atOffset(ZoneOffset.ofHours(-2)).toString(), "cid", "100.10", 7, false,
        List.of("bulk", "b2b"), Map.of()); // 01:30 UTC on day2
    Order o4 = order("o4", day2.atTime(12, 0).atOffset(ZoneOffset.UTC).toString(), "ann", "0.01", 1, true, List.of(), Map.of());
    List<String> badOrders = List.of(
        "{\"order_id\":\"b1\",\"placed_at\":\"" + day1 + "T10:00:00Z\",\"customer\":\"x\",\"total\":12.345}",
        "{\"order_id\":\"b2\",\"placed_at\":\"" + day1 + "T10:00:00Z\",\"customer\":\"x\",\"total\":\"12.00\"}",
        "{\"order_id\":\"b3\",\"placed_at\":\"" + day1 + "T10:00:00Z\",\"customer\":\"x\",\"items\":2147483648}",
        "{\"order_id\":\"b4\",\"placed_at\":\"" + day1 + "T10:00:00Z\",\"customer\":\"x\",\"express\":\"yes\"}",
        "{\"order_id\":\"b5\",\"placed_at\":\"" + day1 + "T10:00:00Z\",\"customer\":\"x\",\"tags\":[\"a\",3]}",
        "{\"order_id\":\"b6\",\"placed_at\":\"" + day1 + "T10:00:00\",\"customer\":\"x\"}",
        "{\"order_id\":\"b7\",\"placed_at\":\"" + day1 + "T10:00:00Z\"}",
        "{\"order_id\":\"b8\",\"placed_at\":\"" + day1 + "T10:00:00Z\",\"customer\":\"x\",\"total\":-1.00}",
        "not json at all");
    Map<String, String> expectedReasons = Map.of(
        "b1", "parse: total does not fit decimal(10,2) (more than 2 digits after the point)",
        "b2", "parse: total is not a number",
        "b3", "parse: items is out of range for an int",
        "b4", "parse: express is not a boolean (true or false)",
        "b5", "parse: tags[1] is not a string",
        "b6", "parse: placed_at is not an ISO-8601 time with a zone",
        "b7", "parse: customer is required but missing",
        "b8", "expect_column_values_to_be_between(total)");
    List<String> first = new ArrayList<>(List.of(o1.json(), o2.json(), o2.json(), o3.json(), o4.json()));
    first.addAll(badOrders);
    produce(ordersTopic, first);
    Shipment s1 = shipment("s1", "o1", day1.atTime(18, 0).atOffset(ZoneOffset.UTC).toString(), "dhl", 1.5);
    Shipment s2 = shipment("s2", "o3", day2.atTime(8, 0).atOffset(ZoneOffset.ofHours(1)).toString(), "ups", 12.25);
    Shipment s3 = shipment("s3", "o4", day2.atTime(13, 0).atOffset(ZoneOffset.UTC).toString(), "dhl", 0.5);
    produce(shipmentsTopic, List.of(s1.json(), s2.json(), s3.json(), s1.json(),
        "{\"shipment_id\":\"z1\",\"order_id\":\"o2\",\"shipped_at\":\"" + day1 + "T20:00:00Z\",\"carrier\":\"dhl\",\"gps\":[1,2]}",
        "{\"shipment_id\":\"z2\",\"order_id\":\"o2\",\"shipped_at\":\"" + day1 + "T20:00:00Z\",\"carrier\":\"fedex\"}",
        "{\"shipment_id\":\"z3\",\"shipped_at\":\"" + day1 + "T20:00:00Z\"}"));

    PipelineFixtures.ingestAll(runtime, spark);
    refineAll(runtime);

    assertThat(silverOrders(tables)).containsExactlyInAnyOrderElementsOf(expectedOrders());
    assertThat(silverShipments(tables)).containsExactlyInAnyOrderElementsOf(expectedShipments());
    Map<String, String> quarantined = new TreeMap<>();
    for (Map<String, Object> row : delta.readAll(tables.quarantine("orders"))) {
      String value = (String) row.get("value");
      String id = value.startsWith("{") ? JSON.readTree(value).path("order_id").asText() : value;
      quarantined.put(id, String.join("; ", castList(row.get("failed_expectations"))));
    }
    Map<String, String> expectedQuarantine = new TreeMap<>(expectedReasons);
    expectedQuarantine.put("not json at all", "parse: value is not valid JSON");
    assertThat(quarantined).isEqualTo(expectedQuarantine);
    assertThat(delta.readAll(tables.quarantine("shipments"))).extracting(row -> String.join("; ",
        castList(row.get("failed_expectations")))).containsExactlyInAnyOrder(
        "parse: unknown field 'gps' (unknown_fields: reject)",
        "expect_column_values_to_be_in_set(carrier)",
        "parse: order_id is required but missing");

    // second batch, not refined yet: live.orders shows it; a re-sent order is a duplicate across batches
    Order o5 = order("o5", Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(1, ChronoUnit.HOURS).atOffset(ZoneOffset.ofHours(3)).toString(), "dan", "42.00",
        3, false, List.of(), Map.of());
    produce(ordersTopic, List.of(o5.json(), o3.json()));
    PipelineFixtures.ingestAll(runtime, spark);
    ViewDefinition view = runtime.pipeline().views().get(0);
    runtime.viewRefresher().refresh(view);
    assertThat(delta.readAll(tables.view("orders_per_hour"))).containsExactlyInAnyOrderElementsOf(expectedOrdersPerHour());

    refineAll(runtime);
    assertThat(silverOrders(tables)).containsExactlyInAnyOrderElementsOf(expectedOrders());
    GoldBuilder gold = runtime.goldBuilder();
    assertThat(gold.readers()).isEqualTo(Map.of("orders", List.of("daily_shipping"),
        "shipments", List.of("carrier_daily", "daily_shipping")));
    gold.build(gold.plan(), GoldBuilder.JOB, build -> { });
    assertGoldEqualsTruth(tables);
    assertThat(gold.plan().dates()).as("gold is up to date").isEmpty();

    // late data: a shipment on day1 and an order on day2 rebuild exactly the dates and tables they touch
    Shipment late = shipment("s4", "o2", day1.atTime(22, 0).atOffset(ZoneOffset.UTC).toString(), "post", 3.0);
    Order lateOrder = order("o6", day2.atTime(6, 0).atOffset(ZoneOffset.UTC).toString(), "eve", "7.50", 1, false, List.of(),
        Map.of());
    produce(shipmentsTopic, List.of(late.json()));
    produce(ordersTopic, List.of(lateOrder.json()));
    PipelineFixtures.ingestAll(runtime, spark);
    refineAll(runtime);
    GoldPlan plan = gold.plan();
    assertThat(plan.dates()).extracting(DatePlan::date, DatePlan::tables).containsExactly(
        org.assertj.core.groups.Tuple.tuple(day1, List.of("carrier_daily", "daily_shipping")),
        org.assertj.core.groups.Tuple.tuple(day2, List.of("daily_shipping")));
    gold.build(plan, GoldBuilder.JOB, build -> { });
    assertGoldEqualsTruth(tables);

    // adding a column evolves silver.orders without a rewrite: older rows read null
    Path ordersYaml = definitions.resolve("silver/orders.yaml");
    Files.writeString(ordersYaml, Files.readString(ordersYaml).replace("unknown_fields: keep",
        "  channel:   {type: string}\nunknown_fields: keep"));
    PipelineRuntime evolved = runtime(config, spark);
    Order o7 = order("o7", day2.atTime(16, 0).atOffset(ZoneOffset.UTC).toString(), "fay", "1.00", 1, false, List.of(),
        Map.of("channel", "web"));
    produce(ordersTopic, List.of(o7.json()));
    PipelineFixtures.ingestAll(evolved, spark);
    long filesBefore = delta.filesByPartition(tables.silver("orders"), "event_date").values().stream().mapToLong(java.util.Set::size).sum();
    evolved.silverRefines(Optional.of("orders")).forEach(SilverRefine::run);
    List<Map<String, Object>> evolvedRows = delta.readAll(tables.silver("orders"));
    assertThat(evolvedRows).hasSize(orders.size());
    assertThat(evolvedRows).allSatisfy(row -> assertThat(row.get("channel")).isEqualTo(row.get("order_id").equals("o7") ? "web" : null));
    assertThat(evolvedRows).filteredOn(row -> row.get("order_id").equals("o7")).singleElement()
        .satisfies(row -> assertThat(row.get("_extra")).isNull()); // channel is a column now, not an unknown field
    assertThat(spark.read().format("delta").load(tables.silver("orders")).columns()).as("the new column sits where it is declared")
        .containsExactly("order_id", "placed_at", "customer", "total", "items", "express", "tags", "channel", "event_date",
            "ingested_at", "_extra");
    long filesAfter = delta.filesByPartition(tables.silver("orders"), "event_date").values().stream().mapToLong(java.util.Set::size).sum();
    assertThat(filesAfter).as("older files are kept, not rewritten").isEqualTo(filesBefore + 1);

    // changing a column's type is refused with what to run; the rerun over every date applies it
    Files.writeString(ordersYaml, Files.readString(ordersYaml).replace("items:     {type: int}", "items:     {type: long}"));
    PipelineRuntime retyped = runtime(config, spark);
    produce(ordersTopic, List.of(order("o8", day2.atTime(17, 0).atOffset(ZoneOffset.UTC).toString(), "gus", "2.00", 1, false,
        List.of(), Map.of()).json()));
    PipelineFixtures.ingestAll(retyped, spark);
    SilverRefine refine = retyped.silverRefines(Optional.of("orders")).get(0);
    assertThatThrownBy(refine::run).isInstanceOf(LakehouseException.class)
        .hasMessageContaining("column items is int in the table but bigint in " + ordersYaml)
        .hasMessageContaining("./lakehouse rerun silver --table orders");
    LocalDate last = orders.values().stream().map(Order::date).max(LocalDate::compareTo).orElseThrow();
    refine.rebuild(DateRange.parse(day1.toString(), last.toString(), 31));
    List<Map<String, Object>> retypedRows = delta.readAll(tables.silver("orders"));
    // with items a long, b3's 2147483648 is valid now: the rebuild from bronze publishes it
    assertThat(retypedRows).extracting(row -> row.get("order_id")).containsExactlyInAnyOrderElementsOf(
        java.util.stream.Stream.concat(orders.keySet().stream(), java.util.stream.Stream.of("b3")).toList());
    assertThat(retypedRows).allSatisfy(row -> assertThat(row.get("items")).isInstanceOf(Long.class));
    assertThat(retypedRows).filteredOn(row -> row.get("order_id").equals("b3")).singleElement()
        .satisfies(row -> assertThat(row.get("items")).isEqualTo(2147483648L));
  }

  private PipelineRuntime runtime(LakehouseConfig config, SparkSession spark) {
    Map<String, String> environment = Map.of("LAKEHOUSE_ORDERS_TOPIC", ordersTopic, "LAKEHOUSE_SHIPMENTS_TOPIC", shipmentsTopic);
    return PipelineRuntime.open(config, PipelineLoader.load(config.definitions(), config.kafka(), environment), spark);
  }


  private Order order(String id, String placedAt, String customer, String total, int items, boolean express, List<String> tags,
      Map<String, Object> extra) {
    Order order = new Order(id, placedAt, customer, new BigDecimal(total), items, express, tags, extra);
    orders.putIfAbsent(id, order);
    return order;
  }

  private Shipment shipment(String id, String orderId, String shippedAt, String carrier, double weight) {
    Shipment shipment = new Shipment(id, orderId, shippedAt, carrier, weight);
    shipments.putIfAbsent(id, shipment);
    return shipment;
  }

  private static void produce(String topic, List<String> values) {
    RawProducer.send(TestKafka.bootstrapServers(), topic,
        values.stream().map(value -> Optional.of(value.getBytes(StandardCharsets.UTF_8))).toList());
  }


  private static void refineAll(PipelineRuntime runtime) {
    runtime.silverRefines(Optional.empty()).forEach(SilverRefine::run);
  }

  private List<Map<String, Object>> silverOrders(TableLocations tables) {
    return withoutIngestTime(tables.silver("orders"));
  }

  /** A table's rows without {@code ingested_at}, the one column the truth cannot know. */
  private List<Map<String, Object>> withoutIngestTime(String path) {
    return delta.readAll(path).stream().map(row -> {
      Map<String, Object> picked = new HashMap<>(row);
      picked.remove("ingested_at");
      return picked;
    }).toList();
  }

  private List<Map<String, Object>> expectedOrders() throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Order order : orders.values()) {
      Map<String, Object> row = new HashMap<>();
      row.put("order_id", order.id());
      row.put("placed_at", order.instant());
      row.put("customer", order.customer());
      row.put("total", order.total().setScale(2, RoundingMode.UNNECESSARY));
      row.put("items", order.items());
      row.put("express", order.express());
      row.put("tags", order.tags());
      row.put("event_date", order.date());
      row.put("_extra", order.extra().isEmpty() ? null : JSON.writeValueAsString(order.extra()));
      rows.add(row);
    }
    return rows;
  }

  private List<Map<String, Object>> silverShipments(TableLocations tables) {
    return withoutIngestTime(tables.silver("shipments"));
  }

  private List<Map<String, Object>> expectedShipments() {
    return shipments.values().stream().map(shipment -> Map.<String, Object>of("shipment_id", shipment.id(),
        "order_id", shipment.orderId(), "shipped_at", OffsetDateTime.parse(shipment.shippedAt()).toInstant(),
        "carrier", shipment.carrier(), "weight_kg", shipment.weightKg(), "event_date", shipment.date())).toList();
  }

  private List<Map<String, Object>> expectedOrdersPerHour() {
    Map<Instant, List<Order>> byHour = orders.values().stream()
        .collect(Collectors.groupingBy(order -> order.instant().truncatedTo(ChronoUnit.HOURS)));
    return byHour.entrySet().stream().map(entry -> Map.<String, Object>of("hour", entry.getKey(),
        "orders", (long) entry.getValue().size(),
        "revenue", entry.getValue().stream().map(Order::total).reduce(BigDecimal.ZERO, BigDecimal::add).setScale(2))).toList();
  }

  private void assertGoldEqualsTruth(TableLocations tables) {
    List<Map<String, Object>> daily = new ArrayList<>();
    orders.values().stream().collect(Collectors.groupingBy(Order::date)).forEach((date, dayOrders) -> {
      long shippedSameDay = dayOrders.stream().filter(order -> shipments.values().stream()
          .anyMatch(shipment -> shipment.orderId().equals(order.id()) && shipment.date().equals(date))).count();
      daily.add(Map.of("event_date", date, "orders", (long) dayOrders.size(),
          "revenue", dayOrders.stream().map(Order::total).reduce(BigDecimal.ZERO, BigDecimal::add).setScale(2),
          "shipped_same_day", shippedSameDay));
    });
    assertThat(delta.readAll(tables.gold("daily_shipping"))).containsExactlyInAnyOrderElementsOf(daily);

    List<Map<String, Object>> carriers = new ArrayList<>();
    shipments.values().stream().collect(Collectors.groupingBy(shipment -> shipment.date() + "|" + shipment.carrier()))
        .forEach((key, group) -> carriers.add(Map.of("event_date", group.get(0).date(), "carrier", group.get(0).carrier(),
            "shipments", (long) group.size(), "weight_kg", group.stream().mapToDouble(Shipment::weightKg).sum())));
    assertThat(delta.readAll(tables.gold("carrier_daily"))).containsExactlyInAnyOrderElementsOf(carriers);
  }

  @SuppressWarnings("unchecked")
  private static List<String> castList(Object value) {
    return (List<String>) value;
  }
}
