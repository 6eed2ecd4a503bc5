package dev.lakehouse.silver.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.core.definitions.SilverTableDefinition;
import dev.lakehouse.core.definitions.SilverTableLoader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every declared type's valid forms, and the invalid ones with their reasons (DESIGN.md's rules). */
class RecordParserTest {

  private static final String YAML = """
      source: readings
      key: [reading_id]
      event_time: measured_at
      columns:
        reading_id:  {type: string, required: true}
        measured_at: {type: timestamp, required: true}
        celsius:     {type: "decimal(5,2)"}
        battery:     {type: int}
        counter:     {type: long}
        ratio:       {type: double}
        charging:    {type: boolean}
        day:         {type: date}
        labels:      {type: "array<string>"}
        samples:     {type: "array<int>"}
      """;

  private static SilverTableDefinition table(String unknownFields) {
    return SilverTableLoader.parse("readings", YAML + "unknown_fields: " + unknownFields + "\n", "readings.yaml").table().orElseThrow();
  }

  private static final RecordParser PARSER = new RecordParser(table("ignore"));

  private static RecordParser.Parsed parse(String fields) {
    return PARSER.parse("{\"reading_id\":\"r-1\",\"measured_at\":\"2026-11-20T13:45:12+02:00\"" + (fields.isEmpty() ? "" : "," + fields) + "}");
  }

  private static Object value(RecordParser.Parsed parsed, int column) {
    assertThat(parsed.errors()).isEmpty();
    return parsed.values()[column];
  }

  @Test
  void validValuesOfEveryTypeComeOutTyped() {
    RecordParser.Parsed parsed = parse("\"celsius\":21.5,\"battery\":87,\"counter\":9007199254740993,\"ratio\":1e-3,"
        + "\"charging\":true,\"day\":\"2026-02-28\",\"labels\":[\"a\",\"b\"],\"samples\":[1,-2],\"unknown\":{\"x\":1}");

    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.values()).containsExactly("r-1", Instant.parse("2026-11-20T11:45:12Z"), new BigDecimal("21.50"), 87,
        9007199254740993L, 0.001, true, LocalDate.of(2026, 2, 28), new Object[] {"a", "b"}, new Object[] {1, -2});
  }

  @Test
  void absentAndNullOptionalColumnsAreNullWithoutAReason() {
    RecordParser.Parsed parsed = parse("\"celsius\":null");

    assertThat(parsed.errors()).isEmpty();
    assertThat(parsed.values()[2]).isNull();
    assertThat(parsed.values()[3]).isNull();
  }

  @Test
  void aStringMustBeAJsonString() {
    assertThat(PARSER.parse("{\"reading_id\":7,\"measured_at\":\"2026-11-20T13:45:12Z\"}").errors())
        .containsExactly("parse: reading_id is not a string");
  }

  @Test
  void keyAndEventTimeColumnsAreRequiredEvenWhenNotDeclaredSo() {
    SilverTableDefinition loose = SilverTableLoader.parse("t", "key: [id]\nevent_time: at\ncolumns: {id: string, at: timestamp, n: int}\n",
        "t.yaml").table().orElseThrow();

    assertThat(new RecordParser(loose).parse("{\"n\":1}").errors())
        .containsExactly("parse: id is required but missing", "parse: at is required but missing");
    assertThat(new RecordParser(loose).parse("{\"id\":\"a\",\"at\":\"2026-11-20T10:00:00Z\"}").errors()).isEmpty();
  }

  @Test
  void requiredColumnsMustBePresentAndNotNull() {
    assertThat(PARSER.parse("{\"measured_at\":\"2026-11-20T13:45:12Z\"}").errors())
        .containsExactly("parse: reading_id is required but missing");
    assertThat(PARSER.parse("{\"reading_id\":null,\"measured_at\":\"2026-11-20T13:45:12Z\"}").errors())
        .containsExactly("parse: reading_id is required but null");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "\"celsius\":[1]                        | parse: celsius is not a number",
      "\"celsius\":\"21.5\"                   | parse: celsius is not a number",
      "\"celsius\":1000                       | parse: celsius does not fit decimal(5,2) (too many digits before the point)",
      "\"celsius\":21.555                     | parse: celsius does not fit decimal(5,2) (more than 2 digits after the point)",
      "\"celsius\":1e999999999                | parse: celsius does not fit decimal(5,2) (too many digits before the point)",
      "\"celsius\":1e-999999999               | parse: celsius does not fit decimal(5,2) (more than 2 digits after the point)",
      "\"battery\":2147483648                 | parse: battery is out of range for an int",
      "\"battery\":1.5                        | parse: battery is not an integer (a JSON number without fraction or exponent)",
      "\"battery\":1e2                        | parse: battery is not an integer (a JSON number without fraction or exponent)",
      "\"battery\":true                       | parse: battery is not a number",
      "\"counter\":9223372036854775808        | parse: counter is out of range for a long",
      "\"ratio\":1e400                        | parse: ratio is out of range for a double",
      "\"ratio\":1e-400                       | parse: ratio is out of range for a double",
      "\"ratio\":\"NaN\"                      | parse: ratio is not a number",
      "\"charging\":\"true\"                  | parse: charging is not a boolean (true or false)",
      "\"charging\":1                         | parse: charging is not a boolean (true or false)",
      "\"day\":\"2026-02-30\"                 | parse: day is not a valid date",
      "\"day\":\"26-02-01\"                   | parse: day is not a date (a yyyy-MM-dd string)",
      "\"day\":\"2026-02-01T00:00:00Z\"       | parse: day is not a date (a yyyy-MM-dd string)",
      "\"day\":\"0000-01-01\"                 | parse: day is outside 0001-01-01 .. 9999-12-31",
      "\"day\":20260201                       | parse: day is not a date (a yyyy-MM-dd string)",
      "\"labels\":\"a\"                       | parse: labels is not an array",
      "\"labels\":[\"a\",3]                   | parse: labels[1] is not a string",
      "\"labels\":[\"a\",null]                | parse: labels[1] is null",
      "\"samples\":[1,2.5]                    | parse: samples[1] is not an integer (a JSON number without fraction or exponent)",
  })
  void aValueThatBreaksItsTypeIsNullWithAParseReason(String field, String reason) {
    RecordParser.Parsed parsed = parse(field);

    assertThat(parsed.errors()).containsExactly(reason);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "2026-11-20T13:45:12                | parse: measured_at is not an ISO-8601 time with a zone",
      "2026-11-20 13:45:12Z               | parse: measured_at is not an ISO-8601 time with a zone",
      "2026-11-20                         | parse: measured_at is not an ISO-8601 time with a zone",
      "+10000-01-01T00:00:00Z             | parse: measured_at is outside 0001-01-01 .. 9999-12-31 UTC",
      "0001-01-01T00:00:00+01:00          | parse: measured_at is outside 0001-01-01 .. 9999-12-31 UTC",
  })
  void timestampsNeedAZoneAndTheRange(String time, String reason) {
    RecordParser.Parsed parsed = PARSER.parse("{\"reading_id\":\"r\",\"measured_at\":\"" + time + "\"}");

    assertThat(parsed.errors()).containsExactly(reason);
  }

  @Test
  void timestampsWithOffsetsAreStoredInUtc() {
    assertThat(value(PARSER.parse("{\"reading_id\":\"r\",\"measured_at\":\"2026-11-20T23:30:00-05:00\"}"), 1))
        .isEqualTo(Instant.parse("2026-11-21T04:30:00Z"));
    assertThat(value(PARSER.parse("{\"reading_id\":\"r\",\"measured_at\":\"0001-01-01T00:00:00Z\"}"), 1))
        .isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
  }

  @Test
  void theHardeningRulesHoldForEveryTable() {
    assertThat(PARSER.parse("{\"reading_id\":\"a\",\"reading_id\":\"b\"}").errors()).containsExactly("parse: duplicate key 'reading_id'");
    assertThat(PARSER.parse("{\"reading_id\":\"a\"} {}").errors()).containsExactly(StrictJson.TRAILING_DATA);
    assertThat(PARSER.parse(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'}).errors())
        .containsExactly(StrictJson.NOT_UTF8);
    assertThat(PARSER.parse("[1,2]").errors()).containsExactly(StrictJson.NOT_AN_OBJECT);
    assertThat(PARSER.parse((byte[]) null).errors()).containsExactly(StrictJson.NULL_VALUE);
    assertThat(PARSER.parse("{\"labels\":" + "[".repeat(100) + "]".repeat(100) + "}").errors()).hasSize(1)
        .allSatisfy(reason -> assertThat(reason).startsWith("parse: value is nested deeper than"));
  }

  @Test
  void unknownFieldsAreIgnoredKeptOrRejected() {
    String record = "{\"reading_id\":\"r\",\"measured_at\":\"2026-11-20T13:45:12Z\",\"firmware\":\"1.2\",\"site\":{\"id\":4}}";

    RecordParser.Parsed ignored = new RecordParser(table("ignore")).parse(record);
    RecordParser.Parsed kept = new RecordParser(table("keep")).parse(record);
    RecordParser.Parsed rejected = new RecordParser(table("reject")).parse(record);

    assertThat(ignored.errors()).isEmpty();
    assertThat(ignored.extra()).isNull();
    assertThat(kept.errors()).isEmpty();
    assertThat(kept.extra()).isEqualTo("{\"firmware\":\"1.2\",\"site\":{\"id\":4}}");
    assertThat(rejected.errors()).containsExactly("parse: unknown fields 'firmware', 'site' (unknown_fields: reject)");
    assertThat(new RecordParser(table("keep")).parse(record.replace(",\"firmware\":\"1.2\",\"site\":{\"id\":4}", "")).extra()).isNull();
    assertThat(record.getBytes(StandardCharsets.UTF_8)).isNotEmpty();
  }
}
