package dev.lakehouse.core.definitions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SilverTableLoaderTest {

  private static SilverTableLoader.Loaded parse(String yaml) {
    return SilverTableLoader.parse("orders", yaml, "silver/orders.yaml");
  }

  private static List<String> problems(String yaml) {
    return parse(yaml).problems().stream().map(DefinitionProblem::toString).toList();
  }

  @Test
  void anAppendTableWithDefaults() {
    SilverTableDefinition table = parse("""
        key: order_id
        event_time: placed_at
        columns:
          order_id: {type: string, required: true}
          placed_at: timestamp
          total: {type: "decimal(12,2)"}
          items: {type: "array<long>"}
        """).table().orElseThrow();

    assertThat(table.source()).isEqualTo("orders");
    assertThat(table.topic()).isEmpty();
    assertThat(table.mode()).isEqualTo(SilverTableDefinition.Mode.APPEND);
    assertThat(table.key()).containsExactly("order_id");
    assertThat(table.expectations()).isEqualTo("silver_orders");
    assertThat(table.unknownFields()).isEqualTo(SilverTableDefinition.UnknownFields.IGNORE);
    assertThat(table.columns()).extracting(column -> column.type().text())
        .containsExactly("string", "timestamp", "decimal(12,2)", "array<long>");
    assertThat(table.silverColumns()).containsExactly("order_id", "placed_at", "total", "items", "event_date", "ingested_at");
  }

  @Test
  void keepAddsTheExtraColumnAndUpsertKeysAreAccepted() {
    SilverTableDefinition table = parse("""
        mode: upsert
        key: [customer_id]
        sequence: updated_at
        deletes: "op = 'd'"
        history: true
        unknown_fields: keep
        columns:
          customer_id: {type: string, required: true}
          updated_at: {type: timestamp}
          op: {type: string}
        """).table().orElseThrow();

    assertThat(table.isAppend()).isFalse();
    assertThat(table.sequence()).contains("updated_at");
    assertThat(table.deletes()).contains("op = 'd'");
    assertThat(table.history()).isTrue();
    assertThat(table.silverColumns()).containsExactly("customer_id", "updated_at", "op", "valid_from", "valid_to", "is_current",
        "ingested_at", "_extra");
  }

  @Test
  void debeziumJsonIsAnUpsertFormat() {
    SilverTableDefinition table = parse("""
        format: debezium-json
        mode: upsert
        key: [id]
        sequence: lsn
        columns: {id: long, email: string, lsn: long}
        """).table().orElseThrow();

    assertThat(table.isDebezium()).isTrue();
    assertThat(table.isHistory()).isFalse();
    assertThat(table.silverColumns()).containsExactly("id", "email", "lsn", "ingested_at");
    assertThat(problems("format: debezium-json\nkey: [id]\nevent_time: at\ncolumns: {id: long, at: timestamp}\n"))
        .containsExactly("silver/orders.yaml: format: debezium-json needs mode: upsert (change events update and delete their key)");
    assertThat(problems("format: avro\nkey: [id]\nevent_time: at\ncolumns: {id: long, at: timestamp}\n"))
        .containsExactly("silver/orders.yaml: format must be json (one JSON object per message) or debezium-json (Kafka Connect"
            + " / Debezium change events), cannot be: avro");
  }

  @Test
  void everyProblemIsListedWithTheFile() {
    assertThat(problems("""
        mode: sideways
        key: [nope]
        event_time: total
        colour: blue
        unknown_fields: maybe
        columns:
          total: {type: "decimal(40,2)"}
          when: {type: timestamp, requird: true}
          tags: {type: "array<array<string>>"}
          value: {type: money}
          ingested_at: string
        """)).containsExactlyInAnyOrder(
        "silver/orders.yaml: unknown key 'colour'; known keys: columns, deletes, derived, description, event_time, expectations, format,"
            + " history, key, mode, owner, sequence, source, topic, unknown_fields",
        "silver/orders.yaml: mode must be one of [append, upsert], cannot be: sideways",
        "silver/orders.yaml: column 'total': decimal(p,s) needs 1 <= p <= 38 and 0 <= s <= p, cannot be: decimal(40,2)",
        "silver/orders.yaml: column 'when': unknown key 'requird'; known: type, required, description",
        "silver/orders.yaml: column 'tags': array<T> takes a non-array element type, cannot be: array<array<string>>",
        "silver/orders.yaml: column 'value': unknown type 'money'; use string, boolean, int, long, double, decimal(p,s), date,"
            + " timestamp or array<T>",
        "silver/orders.yaml: column 'ingested_at': the name is reserved for a column the pipeline adds",
        "silver/orders.yaml: key column 'nope' is not among the columns",
        "silver/orders.yaml: unknown_fields must be one of [ignore, keep, reject], cannot be: maybe");
  }

  @Test
  void appendNeedsAnEventTimeOfTypeTimestampAndUpsertNeedsASequence() {
    assertThat(problems("key: [id]\ncolumns: {id: string}\n"))
        .containsExactly("silver/orders.yaml: event_time is required for mode: append (silver is partitioned by its UTC date)");
    assertThat(problems("key: [id]\nevent_time: id\ncolumns: {id: string}\n"))
        .containsExactly("silver/orders.yaml: event_time column 'id' must be of type timestamp, is string");
    assertThat(problems("mode: upsert\nkey: [id]\nsequence: v\ncolumns: {id: string, v: string}\n"))
        .containsExactly("silver/orders.yaml: sequence column 'v' must be an int, long, decimal, date or timestamp (a number or"
            + " time that grows with each version), is string");
    assertThat(problems("mode: upsert\nkey: [id]\ncolumns: {id: string}\n"))
        .containsExactly("silver/orders.yaml: sequence is required for mode: upsert (the column that orders the versions of a key)");
    assertThat(problems("key: [id]\nevent_time: t\nhistory: true\ncolumns: {id: string, t: timestamp}\n"))
        .containsExactly("silver/orders.yaml: history applies to mode: upsert only");
  }

  @Test
  void badYamlAndBadNamesAreProblemsNotCrashes() {
    assertThat(problems("key: [a\n")).singleElement().satisfies(line -> assertThat(line).startsWith("silver/orders.yaml: not valid YAML"));
    assertThat(problems("- a list\n")).containsExactly(
        "silver/orders.yaml: must be a YAML mapping with source, topic, mode, key, event_time and columns");
    assertThat(SilverTableLoader.parse("Orders-2", "key: [id]\nevent_time: t\ncolumns: {id: string, t: timestamp}\n", "x.yaml")
        .problems()).extracting(DefinitionProblem::message).singleElement()
        .satisfies(message -> assertThat(message).startsWith("the file name must be <table>.yaml"));
  }
}
