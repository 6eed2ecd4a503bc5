package dev.lakehouse.scheduler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.definitions.BuiltInPipeline;
import dev.lakehouse.core.testing.TestSpark;
import dev.lakehouse.scheduler.pipeline.PipelineFixtures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code init} and {@code validate} as a user runs them (in this JVM, on the shared session). */
class ValidateCommandIT {

  private static final List<String> DECLARED = List.of("silver/orders.yaml", "silver/shipments.yaml",
      "expectations/silver_orders.json", "expectations/shipment_rules.json", "gold/daily_shipping.sql", "gold/daily_shipping.yaml",
      "gold/carrier_daily.sql", "views/orders_per_hour.yaml");

  @TempDir Path folder;

  @BeforeAll
  static void sharedSession() {
    TestSpark.session(ConfigLoader.defaultsOnly().s3()); // validate then finds the test run's session
  }

  /** Exit code and standard output of one command. */
  private record Result(int exit, String out) {}

  private static Result run(String... args) {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int exit = LakehouseCli.execute(args);
      return new Result(exit, captured.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(original);
    }
  }

  @Test
  void initWritesTheBuiltInPipelineAndItValidates() throws IOException {
    Path dir = folder.resolve("mine");

    Result init = run("init", dir.toString());

    assertThat(init.exit()).isZero();
    for (String file : BuiltInPipeline.FILES) {
      assertThat(dir.resolve(file)).hasContent(BuiltInPipeline.read(file));
    }
    Result validate = run("validate", "--definitions", dir.toString());
    assertThat(validate.exit()).as(validate.out()).isZero();
    assertThat(validate.out()).contains("ok: the pipeline of " + dir + " has 1 source(s), 1 silver table(s), 4 gold table(s), 3 view(s)")
        .contains("silver.events (append, key [event_id], from bronze/clickstream)");
    assertThat(run("init", dir.toString()).exit()).as("init never overwrites").isEqualTo(1);
  }

  @Test
  void validateNamesTheFileOfEveryPlantedProblem() throws IOException {
    Path dir = PipelineFixtures.definitions("/declared-pipeline/", DECLARED, folder.resolve("declared"));
    assertThat(run("validate", "--definitions", dir.toString()).exit()).as("the declared pipeline is valid").isZero();

    Path broken = Files.writeString(dir.resolve("silver/returns.yaml"),
        "key: [return_id]\nevent_time: returned_at\ncolumns:\n  return_id: string\n  returned_at: {type: money}\n");
    Path gold = dir.resolve("gold/daily_shipping.sql");
    Files.writeString(gold, Files.readString(gold).replace("COUNT(*)  ", "SUM(o.discount)"));
    Path unknownTable = Files.writeString(dir.resolve("gold/customers_daily.sql"),
        "SELECT event_date, COUNT(*) AS customers FROM customers GROUP BY event_date");
    Path noDate = Files.writeString(dir.resolve("gold/totals.sql"), "SELECT COUNT(*) AS orders FROM orders");
    Path suite = dir.resolve("expectations/shipment_rules.json");
    Files.writeString(suite, Files.readString(suite).replace("\"column\": \"carrier\"", "\"column\": \"colour\""));
    Path suiteOrders = dir.resolve("expectations/silver_orders.json");
    Files.writeString(suiteOrders, Files.readString(suiteOrders).replace("\"expect_column_values_to_be_between\", \"kwargs\": {\"column\": \"total\", \"min_value\": 0}",
        "\"expect_column_values_to_match_regex\", \"kwargs\": {\"column\": \"total\", \"regex\": \"^[0-9]\"}"));
    Path view = dir.resolve("views/orders_per_hour.yaml");
    String viewYaml = Files.readString(view);
    Path badSource = Files.writeString(dir.resolve("views/returns_live.yaml"), viewYaml
        .replace("name: orders_per_hour", "name: returns_live").replace("source: live.orders", "source: live.refunds"));
    Path badBucket = Files.writeString(dir.resolve("views/by_ingest.yaml"), viewYaml
        .replace("name: orders_per_hour", "name: by_ingest").replace("expression: date_trunc('HOUR', placed_at)",
            "expression: date_trunc('HOUR', ingested_at)"));
    Path wrongUnit = Files.writeString(dir.resolve("views/daily_as_hourly.yaml"), viewYaml
        .replace("name: orders_per_hour", "name: daily_as_hourly").replace("date_trunc('HOUR', placed_at)", "date_trunc('DAY', placed_at)"));
    Path command = Files.writeString(dir.resolve("gold/drop.sql"), "DROP TABLE orders");
    Files.writeString(dir.resolve("gold/carrier_daily.yaml"), "owner: logistics\nreads: [orders]\n");
    Path carrier = dir.resolve("gold/carrier_daily.sql");
    Files.writeString(view, viewYaml.replace("COUNT(*) AS orders", "COUNT(DISTINCT coupon) AS orders"));

    Result validate = run("validate", "--definitions", dir.toString());

    assertThat(validate.exit()).isEqualTo(1);
    List<String> lines = validate.out().lines().toList();
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(broken + ": column 'returned_at': unknown type 'money'"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(gold + ": does not compile:").contains("discount"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(unknownTable + ": reads no silver table").contains("customers"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(noDate + ": must return an event_date DATE column"));
    assertThat(lines).anySatisfy(line -> assertThat(line)
        .startsWith(suite + ": expect_column_values_to_be_in_set(colour): column colour is not a column of silver.shipments"));
    assertThat(lines).anySatisfy(line -> assertThat(line)
        .startsWith(suiteOrders + ": expect_column_values_to_match_regex(total): needs a string column, the column is decimal(10,2)"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(view + ": does not compile over live.orders:").contains("coupon"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(badSource + ": source live.refunds names no silver table"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(badBucket + ": bucket.expression must truncate orders's event_time"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(wrongUnit
        + ": bucket.expression must truncate orders's event_time placed_at to the bucket unit (hours)"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(command + ": is a command ("));
    assertThat(lines).anySatisfy(line -> assertThat(line)
        .isEqualTo(carrier + ": its query reads [shipments], but gold/carrier_daily.yaml says reads: [orders]"));
    assertThat(lines.get(lines.size() - 1)).isEqualTo("12 problem(s) in the pipeline of " + dir);
  }

  @Test
  void upsertTablesValidateAndTheirMisusesAreNamed() throws IOException {
    Path dir = PipelineFixtures.definitions("/upsert-pipeline/", List.of("silver/customers.yaml", "silver/customer_history.yaml",
        "silver/orders.yaml", "silver/accounts.yaml", "expectations/silver_customers.json", "gold/orders_by_plan.sql",
        "gold/orders_of_customers.sql", "views/customers_per_plan.yaml"), folder.resolve("upserts"));
    Result valid = run("validate", "--definitions", dir.toString());
    assertThat(valid.exit()).as(valid.out()).isZero();
    assertThat(valid.out())
        .contains("silver.customer_history (upsert by updated_at, history, key [customer_id], from bronze/customers): customer_id,"
            + " updated_at, name, plan, deleted, valid_from, valid_to, is_current, ingested_at")
        .contains("silver.accounts (upsert by lsn, debezium-json, key [id], from bronze/accounts)");

    String viewYaml = Files.readString(dir.resolve("views/customers_per_plan.yaml"));
    Path live = Files.writeString(dir.resolve("views/live_customers.yaml"), viewYaml
        .replace("name: customers_per_plan", "name: live_customers").replace("source: silver.customers", "source: live.customers"));
    Path noTime = Files.writeString(dir.resolve("views/accounts_per_tier.yaml"), viewYaml
        .replace("name: customers_per_plan", "name: accounts_per_tier").replace("source: silver.customers", "source: silver.accounts"));
    Path dimensionOnly = Files.writeString(dir.resolve("gold/plans.sql"),
        "SELECT CAST(updated_at AS DATE) AS event_date, plan, COUNT(*) AS customers FROM customers GROUP BY 1, 2");
    Path customers = dir.resolve("silver/customers.yaml");
    Files.writeString(customers, Files.readString(customers).replace("deleted = true", "removed = true"));

    Result validate = run("validate", "--definitions", dir.toString());

    assertThat(validate.exit()).isEqualTo(1);
    List<String> lines = validate.out().lines().toList();
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(live + ": source live.customers is an upsert table"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(noTime + ": source silver.accounts is an upsert table without"
        + " event_time"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(dimensionOnly + ": reads only upsert tables [customers]"));
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith(customers + ": deletes 'removed = true' does not compile"));
    assertThat(lines.get(lines.size() - 1)).isEqualTo("4 problem(s) in the pipeline of " + dir);
  }
}
