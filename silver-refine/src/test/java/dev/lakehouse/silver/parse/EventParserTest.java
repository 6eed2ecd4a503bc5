package dev.lakehouse.silver.parse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.testing.generator.ClickstreamGenerator;
import dev.lakehouse.testing.generator.GeneratedMessage;
import dev.lakehouse.testing.generator.GeneratorSpec;
import dev.lakehouse.testing.generator.Malformation;
import dev.lakehouse.testing.generator.MessageKind;
import dev.lakehouse.testing.generator.TruthEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventParserTest {

  @Test
  void everyValidGeneratedMessageParsesToTheEventItCarries() {
    ClickstreamGenerator generator =
        new ClickstreamGenerator(GeneratorSpec.defaults(20_000, 3).withBaseTime(Instant.parse("2026-11-20T23:00:00Z")));
    int checked = 0;
    while (generator.hasNext()) {
      GeneratedMessage message = generator.next();
      if (message.kind() == MessageKind.MALFORMED) {
        continue;
      }
      TruthEvent truth = message.event().orElseThrow();
      ParsedEvent parsed = EventParser.parse(message.value().orElseThrow());
      assertThat(parsed.parseErrors()).as(message.value().orElseThrow()).isEmpty();
      assertThat(parsed.eventId()).isEqualTo(truth.eventId());
      assertThat(parsed.eventTime()).isEqualTo(truth.eventTime());
      assertThat(parsed.userId()).isEqualTo(truth.userId());
      assertThat(parsed.sessionId()).isEqualTo(truth.sessionId());
      assertThat(parsed.eventType()).isEqualTo(truth.eventType());
      assertThat(parsed.page()).isEqualTo(truth.page().orElse(null));
      assertThat(parsed.productId()).isEqualTo(truth.productId().orElse(null));
      assertThat(parsed.currency()).isEqualTo(truth.currency().orElse(null));
      if (truth.amount().isPresent()) {
        assertThat(parsed.amount()).isEqualByComparingTo(truth.amount().get());
      } else {
        assertThat(parsed.amount()).isNull();
      }
      checked++;
    }
    assertThat(checked).isGreaterThan(18_000);
  }

  @Test
  void malformationsThatAreTypeErrorsAreNamed() {
    Map<Malformation, String> expectedReason = new EnumMap<>(Malformation.class);
    expectedReason.put(Malformation.NOT_JSON, EventParser.NOT_JSON);
    expectedReason.put(Malformation.TRUNCATED_JSON, EventParser.NOT_JSON);
    expectedReason.put(Malformation.HUGE_GARBAGE, EventParser.NOT_JSON);
    expectedReason.put(Malformation.NOT_AN_OBJECT, EventParser.NOT_AN_OBJECT);
    expectedReason.put(Malformation.NULL_VALUE, EventParser.NULL_VALUE);
    expectedReason.put(Malformation.USER_ID_NOT_A_STRING, "parse: user_id is not a string");
    expectedReason.put(Malformation.TIME_WITHOUT_ZONE, "parse: event_time is not an ISO-8601 time with a zone");
    expectedReason.put(Malformation.TIME_NOT_A_TIME, "parse: event_time is not an ISO-8601 time with a zone");
    expectedReason.put(Malformation.AMOUNT_NOT_A_NUMBER, "parse: amount is not a number");

    ClickstreamGenerator generator = new ClickstreamGenerator(GeneratorSpec.defaults(40_000, 5).withHugeGarbageRatio(0.002));
    Map<Malformation, Integer> seen = new EnumMap<>(Malformation.class);
    while (generator.hasNext()) {
      GeneratedMessage message = generator.next();
      if (!expectedReason.containsKey(message.malformation())) {
        continue;
      }
      ParsedEvent parsed = EventParser.parse(message.value().orElse(null));
      assertThat(parsed.parseErrors()).as("%s: %s", message.malformation(), message.value())
          .contains(expectedReason.get(message.malformation()));
      seen.merge(message.malformation(), 1, Integer::sum);
    }
    assertThat(seen.keySet()).isEqualTo(expectedReason.keySet());
  }

  @Test
  void offsetsAreConvertedToUtcAndUnknownFieldsIgnored() {
    ParsedEvent parsed = EventParser.parse(
        "{\"client\":{\"app\":\"web\"},\"event_type\":\"purchase\",\"amount\":12.5,"
            + "\"event_time\":\"2026-11-20T23:30:00.250-05:00\",\"user_id\":\"u\",\"session_id\":\"s\",\"event_id\":\"e\"}");

    assertThat(parsed.parseErrors()).isEmpty();
    assertThat(parsed.eventTime()).isEqualTo(Instant.parse("2026-11-21T04:30:00.250Z"));
    assertThat(parsed.amount()).isEqualByComparingTo(new BigDecimal("12.5"));
  }
}
