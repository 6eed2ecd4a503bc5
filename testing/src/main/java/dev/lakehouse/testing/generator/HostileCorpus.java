package dev.lakehouse.testing.generator;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Messages built to break a lenient parser, each with what silver must make of it: hostile ones
 * carry the quarantine reason DESIGN.md's strict rules give, tricky but valid ones the event
 * silver must hold. Ids are prefixed so several corpora can share a topic.
 */
public final class HostileCorpus {

  /**
   * One message.
   *
   * @param value the raw bytes; absent for a null-value record
   * @param event what silver must hold, for a valid message
   * @param reason the parse reason quarantine must list, for a hostile one
   */
  public record Entry(String name, Optional<byte[]> value, Optional<TruthEvent> event, Optional<String> reason) {
    public Entry {
      requireNonNull(name, "name is null");
      requireNonNull(value, "value is null");
      if (event.isPresent() == reason.isPresent()) {
        throw new IllegalArgumentException(name + ": an entry is either valid (event) or hostile (reason)");
      }
    }

    public boolean hostile() {
      return reason.isPresent();
    }
  }

  private static final String NOT_JSON = "parse: value is not valid JSON";
  private static final String NOT_UTF8 = "parse: value is not valid UTF-8";
  private static final String TRAILING = "parse: value has data after the JSON object";
  private static final String SURROGATE = "parse: value has a \\u escape that is not valid Unicode (lone surrogate)";
  private static final String TIME_RANGE = "parse: event_time is outside 0001-01-01 .. 9999-12-31 UTC";
  private static final String TIME_FORM = "parse: event_time is not an ISO-8601 time with a zone";
  private static final String AMOUNT_RANGE = "parse: amount is out of range for a double";

  private final String prefix;
  private final List<Entry> entries = new ArrayList<>();
  private int counter;

  private HostileCorpus(String prefix) {
    this.prefix = prefix;
  }

  /** Every entry, hostile and valid, in a fixed order. */
  public static List<Entry> build(String prefix) {
    HostileCorpus corpus = new HostileCorpus(prefix);
    corpus.hostile();
    corpus.valid();
    return List.copyOf(corpus.entries);
  }

  private void hostile() {
    reject("amount 1e400", event("purchase", "\"amount\":1e400"), AMOUNT_RANGE);
    reject("amount 1.8e308 on a page view", event("page_view", "\"amount\":1.8e308"), AMOUNT_RANGE);
    reject("amount -1e400", event("purchase", "\"amount\":-1e400"), AMOUNT_RANGE);
    reject("amount 1e-400 underflows", event("purchase", "\"amount\":1e-400"), AMOUNT_RANGE);
    reject("amount NaN", event("purchase", "\"amount\":NaN"), NOT_JSON);
    reject("amount Infinity", event("purchase", "\"amount\":Infinity"), NOT_JSON);
    reject("amount of 2000 digits", event("purchase", "\"amount\":1" + "0".repeat(2000)),
        "parse: value is nested deeper than 64 levels or has an over-long number or string");
    reject("year 0", withTime("0000-01-01T00:00:00Z"), TIME_RANGE);
    reject("year 10000", withTime("+10000-01-01T00:00:00Z"), TIME_RANGE);
    reject("year -1", withTime("-0001-06-01T00:00:00Z"), TIME_RANGE);
    reject("year 1 at +01:00 is year 0 in UTC", withTime("0001-01-01T00:30:00+01:00"), TIME_RANGE);
    reject("year 9999 at -01:00 is year 10000 in UTC", withTime("9999-12-31T23:30:00-01:00"), TIME_RANGE);
    reject("time without zone", withTime("2026-11-20T10:00:00"), TIME_FORM);
    reject("offset +25:00", withTime("2026-11-20T10:00:00+25:00"), TIME_FORM);
    reject("February 30", withTime("2026-02-30T10:00:00Z"), TIME_FORM);
    reject("zone name instead of offset", withTime("2026-11-20T10:00:00 UTC"), TIME_FORM);
    reject("trailing garbage", concat(event("page_view", null), ascii("xyz")), TRAILING);
    reject("extra closing brace", concat(event("page_view", null), ascii("}")), TRAILING);
    reject("trailing NUL byte", concat(event("page_view", null), new byte[] {0}), TRAILING);
    reject("two concatenated objects", concat(event("page_view", null), event("page_view", null)), TRAILING);
    reject("object then a number", concat(event("page_view", null), ascii(" 1")), TRAILING);
    reject("duplicate event_id key",
        utf8("{\"event_id\":\"" + nextId() + "\",\"event_id\":\"" + nextId() + "\"," + fields("page_view") + "}"),
        "parse: duplicate key 'event_id'");
    reject("duplicate unknown key", event("page_view", "\"x\":1,\"x\":2"), "parse: duplicate key 'x'");
    reject("invalid UTF-8 byte 0xFF", withIdBytes(new byte[] {(byte) 0xFF}), NOT_UTF8);
    reject("overlong UTF-8 for '/'", withIdBytes(new byte[] {(byte) 0xC0, (byte) 0xAF}), NOT_UTF8);
    reject("overlong 3-byte NUL", withIdBytes(new byte[] {(byte) 0xE0, (byte) 0x80, (byte) 0x80}), NOT_UTF8);
    reject("UTF-8 encoded surrogate (CESU)", withIdBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}), NOT_UTF8);
    reject("code point above U+10FFFF", withIdBytes(new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}), NOT_UTF8);
    reject("truncated multi-byte sequence", withIdBytes(new byte[] {(byte) 0xE2, (byte) 0x82}), NOT_UTF8);
    reject("Latin-1 byte", withIdBytes(new byte[] {(byte) 0xE9}), NOT_UTF8);
    reject("lone high surrogate escape", withIdText("\\ud800"), SURROGATE);
    reject("lone low surrogate escape", withIdText("\\udc00x"), SURROGATE);
    reject("reversed surrogate pair", withIdText("\\udc00\\ud800"), SURROGATE);
    reject("lone surrogate in an unknown field", event("page_view", "\"note\":\"\\ud83d\""), SURROGATE);
    reject("byte order mark", concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, event("page_view", null)),
        "parse: value starts with a byte order mark");
    reject("empty value", new byte[0], "parse: value is empty");
    reject("blank value", ascii(" \n\t "), "parse: value is empty");
    entries.add(new Entry("null value", Optional.empty(), Optional.empty(), Optional.of("parse: value is null")));
    reject("JSON null", ascii("null"), "parse: value is not a JSON object");
    reject("JSON array of an event", concat(concat(ascii("["), event("page_view", null)), ascii("]")),
        "parse: value is not a JSON object");
    reject("JSON string", ascii("\"{}\""), "parse: value is not a JSON object");
    reject("nested 200 levels", event("page_view", "\"deep\":" + "[".repeat(200) + "]".repeat(200)),
        "parse: value is nested deeper than 64 levels or has an over-long number or string");
    reject("raw NUL inside a string", withIdBytes(new byte[] {0}), NOT_JSON);
    reject("raw newline inside a string", withIdBytes(new byte[] {'\n'}), NOT_JSON);
    reject("single quotes", ascii("{'event_id':'x'}"), NOT_JSON);
    reject("comment", concat(ascii("/* c */"), event("page_view", null)), NOT_JSON);
    reject("unquoted key", ascii("{event_id:\"x\"}"), NOT_JSON);
    reject("trailing comma", utf8("{\"event_id\":\"" + nextId() + "\"," + fields("page_view") + ",}"), NOT_JSON);
    reject("event_id a number", utf8("{\"event_id\":42," + fields("page_view") + "}"), "parse: event_id is not a string");
  }

  private void valid() {
    accept("zone Z", "2026-11-20T10:00:00Z", "2026-11-20T10:00:00Z");
    accept("zone +00:00", "2026-11-20T10:00:00+00:00", "2026-11-20T10:00:00Z");
    accept("zone -00:00", "2026-11-20T10:00:00-00:00", "2026-11-20T10:00:00Z");
    accept("zone +05:45 across midnight", "2026-11-21T03:00:00.5+05:45", "2026-11-20T21:15:00.5Z");
    accept("zone +14:00", "2026-11-21T08:00:00+14:00", "2026-11-20T18:00:00Z");
    accept("zone -12:00 across midnight", "2026-11-20T13:00:00.123456-12:00", "2026-11-21T01:00:00.123456Z");
    accept("no seconds", "2026-11-20T10:15Z", "2026-11-20T10:15:00Z");
    accept("year 1", "0001-01-01T00:00:00Z", "0001-01-01T00:00:00Z");
    // the last Julian day: a reader that rebases between calendars moves it by 10 days (dates inside
    // the 1582 gap itself are misread by Delta Kernel 3.3's partition parsing, so none is used here)
    accept("1582-10-04, before the Gregorian switch", "1582-10-04T12:00:00Z", "1582-10-04T12:00:00Z");
    accept("year 9999 last microsecond", "9999-12-31T23:59:59.999999Z", "9999-12-31T23:59:59.999999Z");
    accept("year 9999 at +01:00", "9999-12-31T23:30:00+01:00", "9999-12-31T22:30:00Z");
    validWith("surrogate pair escape in id", "\\ud83d\\ude00", "\uD83D\uDE00", null, null);
    validWith("raw emoji and accents in id", "caf\u00e9\uD83D\uDE00", "caf\u00e9\uD83D\uDE00", null, null);
    validWith("decomposed accent is another id", "cafe\u0301", "cafe\u0301", null, null);
    validWith("escaped NUL in id", "nul\\u0000", "nul\u0000", null, null);
    // large and small, but within what gold sums exactly (DECIMAL(38, 9))
    validWith("amount 1e20 in exponent form", null, null, "1E+20", new BigDecimal("1e20"));
    validWith("amount 1e-9", null, null, "0.000000001", new BigDecimal("1e-9"));
    validWith("zero amount", null, null, "0", BigDecimal.ZERO);
    String id = nextId();
    addValid("nested 60 levels in an unknown field",
        utf8("{\"event_id\":\"" + id + "\"," + fields("page_view") + ",\"deep\":" + "[".repeat(60) + "]".repeat(60) + "}"),
        truth(id, Instant.parse(BASE_TIME), "page_view", null));
    id = nextId();
    addValid("100 KB unknown field",
        utf8("{\"event_id\":\"" + id + "\"," + fields("page_view") + ",\"blob\":\"" + "x".repeat(100_000) + "\"}"),
        truth(id, Instant.parse(BASE_TIME), "page_view", null));
    id = nextId();
    addValid("whitespace around the object",
        utf8(" \r\n\t{\"event_id\":\"" + id + "\"," + fields("page_view") + "}\n "),
        truth(id, Instant.parse(BASE_TIME), "page_view", null));
  }

  private static final String BASE_TIME = "2026-11-20T10:00:00Z";

  private void accept(String name, String timeText, String utc) {
    String id = nextId();
    addValid(name, utf8("{\"event_id\":\"" + id + "\",\"event_time\":\"" + timeText + "\"," + identity("page_view") + "}"),
        truth(id, Instant.parse(utc), "page_view", null));
  }

  /** A purchase with an id suffix (as JSON text and as decoded) and/or an amount. */
  private void validWith(String name, String idSuffixJson, String idSuffixDecoded, String amountJson, BigDecimal amount) {
    String base = nextId();
    String idJson = idSuffixJson == null ? base : base + idSuffixJson;
    String idDecoded = idSuffixDecoded == null ? base : base + idSuffixDecoded;
    String amountField = amountJson == null ? "\"amount\":1.5" : "\"amount\":" + amountJson;
    addValid(name, utf8("{\"event_id\":\"" + idJson + "\"," + fields("purchase") + "," + amountField + "}"),
        truth(idDecoded, Instant.parse(BASE_TIME), "purchase", amount == null ? new BigDecimal("1.5") : amount));
  }

  private TruthEvent truth(String id, Instant time, String type, BigDecimal amount) {
    return new TruthEvent(id, time, "u-hostile", "s-hostile", type, Optional.empty(), Optional.empty(),
        Optional.ofNullable(amount), Optional.empty());
  }

  private void addValid(String name, byte[] value, TruthEvent event) {
    entries.add(new Entry(name, Optional.of(value), Optional.of(event), Optional.empty()));
  }

  private void reject(String name, byte[] value, String reason) {
    entries.add(new Entry(name, Optional.of(value), Optional.empty(), Optional.of(reason)));
  }

  private String nextId() {
    return prefix + "-" + (++counter);
  }

  private static String identity(String type) {
    return "\"user_id\":\"u-hostile\",\"session_id\":\"s-hostile\",\"event_type\":\"" + type + "\"";
  }

  private static String fields(String type) {
    return "\"event_time\":\"" + BASE_TIME + "\"," + identity(type);
  }

  /** An otherwise valid event of the type, plus extra JSON members. */
  private byte[] event(String type, String extra) {
    String amount = type.equals("purchase") && (extra == null || !extra.contains("\"amount\"")) ? ",\"amount\":2.5" : "";
    return utf8("{\"event_id\":\"" + nextId() + "\"," + fields(type) + amount + (extra == null ? "" : "," + extra) + "}");
  }

  private byte[] withTime(String time) {
    return utf8("{\"event_id\":\"" + nextId() + "\",\"event_time\":\"" + time + "\"," + identity("page_view") + "}");
  }

  private byte[] withIdText(String suffix) {
    return utf8("{\"event_id\":\"" + nextId() + suffix + "\"," + fields("page_view") + "}");
  }

  private byte[] withIdBytes(byte[] suffix) {
    return concat(concat(utf8("{\"event_id\":\"" + nextId()), suffix), utf8("\"," + fields("page_view") + "}"));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[] first, byte[] second) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(first.length + second.length);
    out.writeBytes(first);
    out.writeBytes(second);
    return out.toByteArray();
  }
}
