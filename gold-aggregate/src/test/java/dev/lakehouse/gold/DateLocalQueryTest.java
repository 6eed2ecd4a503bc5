package dev.lakehouse.gold;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.testing.TestSpark;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A query found date-local gives, run once over several dates' rows, exactly the union of its
 * per-date results (what a batch used to compute, and what a date built alone computes); a query
 * that is not says why, and for several of those running it once would indeed be wrong.
 */
class DateLocalQueryTest {

  private static final List<LocalDate> DATES = List.of(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-02"),
      LocalDate.parse("2026-11-04"));
  private static final StructType ORDERS = new StructType().add("event_date", DataTypes.DateType)
      .add("order_id", DataTypes.StringType).add("customer_id", DataTypes.StringType).add("amount", DataTypes.DoubleType);
  private static final StructType SHIPMENTS = new StructType().add("event_date", DataTypes.DateType)
      .add("order_id", DataTypes.StringType).add("carrier", DataTypes.StringType);
  private static final StructType CUSTOMERS = new StructType().add("customer_id", DataTypes.StringType)
      .add("plan", DataTypes.StringType);
  private static final Set<String> APPEND_VIEWS = Set.of("orders", "silver_orders", "shipments", "silver_shipments");
  private static final Set<String> WHOLE_VIEWS = Set.of("customers", "silver_customers");

  private static SparkSession spark;
  private static Dataset<Row> orders;
  private static Dataset<Row> shipments;
  private static Dataset<Row> customers;

  @BeforeAll
  static void start() {
    spark = TestSpark.session(ConfigLoader.defaultsOnly().s3()).newSession();
    Random random = new Random(7);
    List<Row> orderRows = new ArrayList<>();
    List<Row> shipmentRows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      // order ids recur across dates, so a join or grouping on them alone would cross dates
      LocalDate date = DATES.get(random.nextInt(DATES.size()));
      String order = "o" + random.nextInt(15);
      orderRows.add(RowFactory.create(Date.valueOf(date), order, "c" + random.nextInt(5), random.nextInt(10_000) / 100.0));
      if (random.nextBoolean()) {
        shipmentRows.add(RowFactory.create(Date.valueOf(DATES.get(random.nextInt(DATES.size()))), order,
            random.nextBoolean() ? "ups" : "dhl"));
      }
    }
    orders = spark.createDataFrame(orderRows, ORDERS);
    shipments = spark.createDataFrame(shipmentRows, SHIPMENTS);
    customers = spark.createDataFrame(List.of(RowFactory.create("c0", "basic"), RowFactory.create("c1", "pro"),
        RowFactory.create("c2", "basic"), RowFactory.create("c9", "pro")), CUSTOMERS);
  }

  @Test
  void dateLocalQueriesOverAllDatesEqualTheUnionOfTheirPerDateResults() {
    List<String> local = List.of(
        "SELECT event_date, customer_id, COUNT(*) AS n, COUNT(DISTINCT order_id) AS o,"
            + " SUM(CAST(amount AS DECIMAL(18, 2))) AS s FROM orders"
            + " WHERE amount > 10 GROUP BY event_date, customer_id",
        "SELECT o.event_date, s.carrier, COUNT(*) AS n FROM orders o JOIN shipments s"
            + " ON o.order_id = s.order_id AND o.event_date = s.event_date GROUP BY o.event_date, s.carrier",
        "SELECT s.event_date, COUNT(o.order_id) AS n FROM orders o RIGHT JOIN shipments s"
            + " ON s.event_date = o.event_date AND o.order_id = s.order_id GROUP BY s.event_date",
        "SELECT o.event_date, COALESCE(c.plan, 'unknown') AS plan, COUNT(*) AS n FROM orders o"
            + " LEFT JOIN customers c ON c.customer_id = o.customer_id GROUP BY o.event_date, COALESCE(c.plan, 'unknown')",
        "SELECT event_date, order_id, rank() OVER (PARTITION BY event_date ORDER BY amount DESC, order_id) AS r FROM orders",
        "WITH daily AS (SELECT event_date AS day, customer_id, SUM(amount) AS spent FROM silver_orders GROUP BY 1, 2)"
            + " SELECT day AS event_date, COUNT(*) AS customers, MAX(spent) AS top FROM daily GROUP BY day",
        "SELECT event_date, order_id FROM orders UNION ALL SELECT event_date, order_id FROM shipments",
        "SELECT DISTINCT event_date, customer_id FROM orders",
        "SELECT event_date, o.customer_id, c.plan FROM orders o JOIN customers c ON c.customer_id = o.customer_id");
    for (String query : local) {
      assertThat(whyNot(query)).as(query).isEmpty();
      assertThat(atOnce(query)).as(query).containsExactlyInAnyOrderElementsOf(perDate(query));
    }
  }

  @Test
  void theBuiltInGoldQueriesAreDateLocal() {
    Dataset<Row> events = spark.createDataFrame(List.of(), new StructType().add("event_date", DataTypes.DateType)
        .add("event_type", DataTypes.StringType).add("user_id", DataTypes.StringType).add("session_id", DataTypes.StringType)
        .add("product_id", DataTypes.StringType).add("amount", DataTypes.createDecimalType(18, 2)));
    events.createOrReplaceTempView("silver_events");
    for (GoldDefinition definition : GoldDefinitions.load(Optional.empty())) {
      assertThat(DateLocalQuery.whyNot(spark.sql(definition.sql()).queryExecution().analyzed(),
          Set.of("silver_events", "events"), Set.of())).as(definition.table()).isEmpty();
    }
  }

  @Test
  void queriesThatWouldSeeSeveralDatesSayWhy() {
    Map<String, String> refused = Map.ofEntries(
        Map.entry("SELECT max(event_date) AS event_date, COUNT(*) AS n FROM orders", "a GROUP BY without event_date"),
        Map.entry("WITH shipped AS (SELECT order_id, COUNT(*) AS shipments FROM shipments GROUP BY order_id)"
            + " SELECT o.event_date, COUNT_IF(s.order_id IS NOT NULL) AS shipped FROM orders o"
            + " LEFT JOIN shipped s ON o.order_id = s.order_id GROUP BY o.event_date", "a GROUP BY without event_date"),
        Map.entry("SELECT o.event_date, COUNT(*) AS n FROM orders o JOIN shipments s ON o.order_id = s.order_id"
            + " GROUP BY o.event_date", "a join of append tables not on event_date"),
        Map.entry("SELECT o.event_date, c.plan FROM orders o RIGHT JOIN customers c ON c.customer_id = o.customer_id",
            "a RightOuter join that keeps the rows of an upsert table"),
        Map.entry("SELECT date_add(event_date, 1) AS event_date, COUNT(*) AS n FROM orders GROUP BY 1",
            "a GROUP BY without event_date"),
        Map.entry("SELECT event_date, amount FROM orders ORDER BY amount LIMIT 3", "a LIMIT"),
        Map.entry("SELECT event_date, COUNT(*) AS n FROM orders GROUP BY ROLLUP(event_date)", "a GROUPING SETS, ROLLUP or CUBE"),
        Map.entry("SELECT o.event_date, c.plan FROM orders o JOIN (SELECT * FROM customers LIMIT 2) c"
            + " ON c.customer_id = o.customer_id", "a LIMIT"),
        Map.entry("SELECT o.event_date, o.order_id FROM orders o INTERSECT SELECT event_date, order_id FROM shipments",
            "a INTERSECT"),
        Map.entry("SELECT event_date, rank() OVER (ORDER BY amount) AS r FROM orders", "a window not partitioned by event_date"),
        Map.entry("SELECT event_date, order_id FROM orders WHERE amount > (SELECT avg(amount) FROM orders)", "a subquery"),
        Map.entry("SELECT event_date, order_id FROM orders WHERE rand() < 0.5", "rand (not deterministic)"),
        Map.entry("SELECT DATE'2026-11-01' AS event_date, COUNT(*) AS n FROM customers", "it reads no append table's rows"),
        Map.entry("SELECT o.event_date, s.event_date AS shipped_on FROM orders o FULL JOIN shipments s"
            + " ON o.event_date = s.event_date AND o.order_id = s.order_id", "its event_date is not the rows' own event_date"),
        Map.entry("SELECT event_date, order_id FROM orders UNION ALL SELECT DATE'2026-11-01', customer_id FROM customers",
            "a UNION of append rows with rows that are the same for every date"));
    refused.forEach((query, reason) -> assertThat(whyNot(query)).as(query).hasValueSatisfying(why ->
        assertThat(why).startsWith(reason)));
    // running these once over every date would indeed be wrong
    for (String query : List.of("SELECT max(event_date) AS event_date, COUNT(*) AS n FROM orders",
        "SELECT o.event_date, COUNT(*) AS n FROM orders o JOIN shipments s ON o.order_id = s.order_id GROUP BY o.event_date")) {
      assertThat(atOnce(query)).as(query).isNotEqualTo(perDate(query));
    }
  }

  private static Optional<String> whyNot(String query) {
    register(DATES);
    return DateLocalQuery.whyNot(spark.sql(query).queryExecution().analyzed(), APPEND_VIEWS, WHOLE_VIEWS);
  }

  private static List<Row> atOnce(String query) {
    register(DATES);
    return spark.sql(query).collectAsList();
  }

  /** The query run once per date over that date's rows, as a date built alone sees them. */
  private static List<Row> perDate(String query) {
    List<Row> rows = new ArrayList<>();
    for (LocalDate date : DATES) {
      register(List.of(date));
      rows.addAll(spark.sql(query).collectAsList());
    }
    return rows;
  }

  private static void register(List<LocalDate> dates) {
    Object[] days = dates.stream().map(Date::valueOf).toArray();
    for (String name : List.of("orders", "silver_orders")) {
      orders.where(orders.col("event_date").isin(days)).createOrReplaceTempView(name);
    }
    for (String name : List.of("shipments", "silver_shipments")) {
      shipments.where(shipments.col("event_date").isin(days)).createOrReplaceTempView(name);
    }
    customers.createOrReplaceTempView("customers");
    customers.createOrReplaceTempView("silver_customers");
  }
}
