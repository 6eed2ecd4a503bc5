package dev.lakehouse.silver.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.core.definitions.SilverTableDefinition;
import dev.lakehouse.core.definitions.SilverTableLoader;
import org.junit.jupiter.api.Test;

/** Upsert tables: deletes need only their key and sequence; Debezium change events with and without the envelope. */
class ChangeEventParserTest {

  private static SilverTableDefinition table(String yaml) {
    SilverTableLoader.Loaded loaded = SilverTableLoader.parse("accounts", yaml, "silver/accounts.yaml");
    assertThat(loaded.problems()).isEmpty();
    return loaded.table().orElseThrow();
  }

  private static final RecordParser DEBEZIUM = new RecordParser(table("""
      format: debezium-json
      mode: upsert
      key: [id]
      sequence: lsn
      columns:
        id:    {type: int}
        email: {type: string, required: true}
        tier:  {type: string}
        lsn:   {type: long}
        ts_ms: {type: long}
      unknown_fields: reject
      """));

  @Test
  void anUpdateTakesItsColumnsFromAfterAndItsSequenceFromTheSourceBlock() {
    RecordParser.Parsed parsed = DEBEZIUM.parse("""
        {"before":{"id":1,"email":"a@x","tier":"free"},"after":{"id":1,"email":"a@x","tier":"pro"},
         "source":{"connector":"postgresql","lsn":2400,"ts_ms":1764590000000},"op":"u","ts_ms":1764590000123}""");

    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.missing()).isEmpty();
    assertThat(parsed.delete()).isFalse();
    assertThat(parsed.tombstone()).isFalse();
    // ts_ms: the source block's (the database's commit time) comes before the event's (the connector's)
    assertThat(parsed.values()).containsExactly(1, "a@x", "pro", 2400L, 1764590000000L);
  }

  @Test
  void theSchemaEnvelopeIsUnwrapped() {
    RecordParser.Parsed parsed = DEBEZIUM.parse("""
        {"schema":{"type":"struct","fields":[]},"payload":{"before":null,"after":{"id":2,"email":"b@x","tier":null},
         "source":{"lsn":10},"op":"c","ts_ms":5}}""");

    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.values()).containsExactly(2, "b@x", null, 10L, 5L); // no ts_ms in source: the event's
  }

  @Test
  void aDeleteTakesItsKeyFromBeforeAndNeedsNoOtherRequiredColumn() {
    RecordParser.Parsed parsed = DEBEZIUM.parse("{\"before\":{\"id\":3},\"after\":null,\"source\":{\"lsn\":11},\"op\":\"d\",\"ts_ms\":6}");

    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.delete()).isTrue();
    assertThat(parsed.missing()).containsExactly("parse: email is required but missing");
    assertThat(parsed.values()).containsExactly(3, null, null, 11L, 6L);
  }

  @Test
  void aNullValueIsATombstoneNotAnError() {
    RecordParser.Parsed parsed = DEBEZIUM.parse((byte[]) null);

    assertThat(parsed.tombstone()).isTrue();
    assertThat(parsed.errors()).isEmpty();
  }

  @Test
  void badChangeEventsHaveReasons() {
    assertThat(DEBEZIUM.parse("{\"after\":{\"id\":1,\"email\":\"a\"},\"source\":{\"lsn\":1}}").errors())
        .containsExactly("parse: debezium op must be one of c, u, r, d (it is missing)");
    assertThat(DEBEZIUM.parse("{\"op\":\"t\",\"source\":{\"lsn\":1}}").errors())
        .containsExactly("parse: debezium op must be one of c, u, r, d, cannot be: \"t\"");
    assertThat(DEBEZIUM.parse("{\"op\":\"c\",\"after\":null,\"source\":{\"lsn\":1}}").errors())
        .containsExactly("parse: debezium after must be a JSON object (the row), cannot be: null");
    assertThat(DEBEZIUM.parse("{\"op\":\"u\",\"after\":{\"id\":\"1\",\"email\":\"a\",\"plan\":1},\"source\":{}}").errors())
        .containsExactly("parse: id is not a number", "parse: lsn is required but missing",
            "parse: unknown field 'plan' (unknown_fields: reject)");
    assertThat(DEBEZIUM.parse("{\"op\":\"c\",\"after\":{\"id\":1},\"source\":{\"lsn\":1}}").missing())
        .containsExactly("parse: email is required but missing");
  }

  @Test
  void aJsonUpsertTableDefersOnlyNonKeyRequiredColumns() {
    RecordParser parser = new RecordParser(table("""
        mode: upsert
        key: [id]
        sequence: version
        deletes: "deleted = true"
        columns:
          id:      {type: string}
          version: {type: long}
          name:    {type: string, required: true}
          deleted: {type: boolean}
        """));

    RecordParser.Parsed delete = parser.parse("{\"id\":\"k\",\"version\":3,\"deleted\":true}");
    RecordParser.Parsed noKey = parser.parse("{\"version\":3,\"name\":\"n\"}");

    assertThat(delete.errors()).isEmpty();
    assertThat(delete.missing()).containsExactly("parse: name is required but missing");
    assertThat(delete.delete()).as("the deletes predicate is applied by the refine, not the parser").isFalse();
    assertThat(noKey.errors()).containsExactly("parse: id is required but missing");
  }
}
