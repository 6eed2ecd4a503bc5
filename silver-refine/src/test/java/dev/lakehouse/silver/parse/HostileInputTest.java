package dev.lakehouse.silver.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.testing.generator.HostileCorpus;
import dev.lakehouse.testing.generator.TruthEvent;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The strict rules of issue 11, entry by entry: the reason each hostile message gets, and what a valid one parses to. */
class HostileInputTest {

  private static final List<HostileCorpus.Entry> CORPUS = HostileCorpus.build("h");

  @Test
  void everyHostileMessageGetsItsReason() {
    int checked = 0;
    for (HostileCorpus.Entry entry : CORPUS) {
      if (!entry.hostile()) {
        continue;
      }
      ParsedEvent parsed = EventParser.parse(entry.value().orElse(null));
      assertThat(parsed.parseErrors()).as(entry.name()).contains(entry.reason().orElseThrow());
      checked++;
    }
    assertThat(checked).isGreaterThan(40);
  }

  @Test
  void everyTrickyValidMessageParsesToItsEvent() {
    int checked = 0;
    for (HostileCorpus.Entry entry : CORPUS) {
      if (entry.hostile()) {
        continue;
      }
      TruthEvent truth = entry.event().orElseThrow();
      ParsedEvent parsed = EventParser.parse(entry.value().orElseThrow());
      assertThat(parsed.parseErrors()).as(entry.name()).isEmpty();
      assertThat(parsed.eventId()).as(entry.name()).isEqualTo(truth.eventId());
      assertThat(parsed.eventTime()).as(entry.name()).isEqualTo(truth.eventTime());
      if (truth.amount().isPresent()) {
        assertThat(parsed.amount()).as(entry.name()).isEqualByComparingTo(truth.amount().get());
      }
      checked++;
    }
    assertThat(checked).isGreaterThan(15);
  }

  @Test
  void distinctLoneSurrogatesNoLongerCollide() {
    ParsedEvent first = EventParser.parse("{\"event_id\":\"a\\ud800\"}");
    ParsedEvent second = EventParser.parse("{\"event_id\":\"a\\ud801\"}");
    assertThat(first.parseErrors()).containsExactly(StrictJson.LONE_SURROGATE);
    assertThat(second.parseErrors()).containsExactly(StrictJson.LONE_SURROGATE);
  }

  @Test
  void invalidUtf8IsJudgedOnTheBytesNotOnADecodedString() {
    byte[] withReplacementChar = "{\"event_id\":\"a\uFFFD\",\"event_time\":\"2026-11-20T10:00:00Z\"}".getBytes(StandardCharsets.UTF_8);
    byte[] withInvalidByte = {'{', '"', 'e', '"', ':', '"', (byte) 0xFF, '"', '}'};
    assertThat(EventParser.parse(withReplacementChar).parseErrors()).isEmpty();
    assertThat(EventParser.parse(withInvalidByte).parseErrors()).containsExactly(StrictJson.NOT_UTF8);
  }

  @Test
  void doubleExtremesAreKeptAndOverflowIsRefused() {
    assertThat(EventParser.parse("{\"amount\":1.7976931348623157e308}").amount())
        .isEqualByComparingTo(new BigDecimal("1.7976931348623157e308"));
    assertThat(EventParser.parse("{\"event_id\":\"e\",\"event_time\":\"2026-11-20T10:00:00Z\",\"amount\":4.9e-324}").parseErrors())
        .isEmpty();
    String identity = "\"event_id\":\"e\",\"event_time\":\"2026-11-20T10:00:00Z\",";
    assertThat(EventParser.parse("{" + identity + "\"amount\":1.8e308}").parseErrors()).containsExactly(EventParser.AMOUNT_OUT_OF_RANGE);
    assertThat(EventParser.parse("{" + identity + "\"amount\":1e-400}").parseErrors()).containsExactly(EventParser.AMOUNT_OUT_OF_RANGE);
  }
}
