package dev.lakehouse.testing.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClickstreamGeneratorTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant BASE = Instant.parse("2026-11-20T23:50:00Z");

  @Test
  void sameSeedAndBaseTimeGiveTheSameMessages() {
    assertThat(generate(2_000, 7)).isEqualTo(generate(2_000, 7));
    assertThat(generate(2_000, 7)).isNotEqualTo(generate(2_000, 8));
  }

  @Test
  void everyMessageIsWhatItsKindSays() throws Exception {
    List<GeneratedMessage> messages = generate(20_000, 42);
    Set<String> seenValues = new HashSet<>();

    for (GeneratedMessage message : messages) {
      boolean valid = DesignRules.isValid(message.value());
      assertThat(valid)
          .as("%s %s: %s", message.kind(), message.malformation(), message.value())
          .isEqualTo(message.kind() != MessageKind.MALFORMED);
      if (message.kind() == MessageKind.DUPLICATE) {
        assertThat(seenValues).contains(message.value().orElseThrow());
      }
      if (message.kind().isNewValidEvent()) {
        assertThat(seenValues.add(message.value().orElseThrow())).isTrue();
        assertCarries(message);
      }
    }
  }

  @Test
  void ratiosAndVarietyAreAsAsked() {
    GroundTruth truth = new GroundTruth(true);
    generate(20_000, 42).forEach(truth::record);

    assertThat(truth.messages()).isEqualTo(20_000);
    assertThat(truth.count(MessageKind.MALFORMED) / 20_000.0).isCloseTo(0.03, within(0.01));
    assertThat(truth.count(MessageKind.DUPLICATE) / 20_000.0).isCloseTo(0.05, within(0.01));
    assertThat(truth.count(MessageKind.LATE) / (double) truth.validUniqueEvents())
        .isCloseTo(0.05, within(0.01));
    assertThat(truth.malformedByReason().keySet())
        .containsExactlyInAnyOrder(
            java.util.Arrays.stream(Malformation.values())
                .filter(reason -> reason != Malformation.NONE)
                .toArray(Malformation[]::new));
    assertThat(truth.events()).hasSize((int) truth.validUniqueEvents());
    // late events land on earlier dates; on-time ones straddle midnight UTC after BASE
    assertThat(truth.byEventDate().keySet().size()).isGreaterThanOrEqualTo(4);
    long summed = truth.byEventDate().values().stream().mapToLong(GroundTruth.DateTotals::events).sum();
    assertThat(summed).isEqualTo(truth.validUniqueEvents());
    BigDecimal revenue =
        truth.events().stream()
            .filter(TruthEvent::isPurchase)
            .map(event -> event.amount().orElseThrow())
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(truth.byEventDate().values().stream()
            .map(GroundTruth.DateTotals::revenue)
            .reduce(BigDecimal.ZERO, BigDecimal::add))
        .isEqualByComparingTo(revenue);
    assertThat(truth.events().stream().map(TruthEvent::eventType).distinct())
        .containsExactlyInAnyOrderElementsOf(ClickstreamGenerator.EVENT_TYPES);
  }

  @Test
  void someEventsCarryNonUtcOffsetsThatChangeTheirDate() throws Exception {
    long localDateDiffers = 0;
    for (GeneratedMessage message : generate(20_000, 42)) {
      if (message.kind().isNewValidEvent()) {
        OffsetDateTime shown =
            OffsetDateTime.parse(JSON.readTree(message.value().orElseThrow()).get("event_time").asText());
        if (!shown.toLocalDate().equals(message.event().orElseThrow().eventDate())) {
          localDateDiffers++;
        }
        assertThat(shown.toInstant()).isEqualTo(message.event().orElseThrow().eventTime());
      }
    }
    assertThat(localDateDiffers).isPositive();
  }

  private static void assertCarries(GeneratedMessage message) throws Exception {
    JsonNode node = JSON.readTree(message.value().orElseThrow());
    TruthEvent event = message.event().orElseThrow();
    assertThat(node.get("event_id").asText()).isEqualTo(event.eventId());
    assertThat(OffsetDateTime.parse(node.get("event_time").asText()).toInstant())
        .isEqualTo(event.eventTime());
    assertThat(message.key()).contains(event.userId());
    if (event.isPurchase()) {
      assertThat(node.get("amount").decimalValue()).isEqualByComparingTo(event.amount().orElseThrow());
    }
    assertThat(event.eventDate())
        .isEqualTo(event.eventTime().atOffset(ZoneOffset.UTC).toLocalDate());
  }

  @Test
  void defaultMessageSizesAreRealisticAndHugeGarbageIsRare() {
    long messages = 200_000;
    long huge = 0;
    long smallBytes = 0;
    List<Integer> sizes = new ArrayList<>();
    ClickstreamGenerator generator = new ClickstreamGenerator(GeneratorSpec.defaults(messages, 3).withBaseTime(BASE));
    while (generator.hasNext()) {
      GeneratedMessage message = generator.next();
      int size = message.value().map(value -> value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).orElse(0);
      if (message.malformation() == Malformation.HUGE_GARBAGE) {
        huge++;
        assertThat(size).isGreaterThan(200 * 1024);
      } else {
        smallBytes += size;
        sizes.add(size);
      }
    }
    sizes.sort(Integer::compare);
    // 1 in 100,000: 2 expected here; 10 would be a one-in-a-million draw
    assertThat(huge).isLessThan(10);
    assertThat(smallBytes / (double) sizes.size()).isBetween(180.0, 260.0);
    assertThat(sizes.get((int) (sizes.size() * 0.99))).isLessThan(400);
  }

  /** Every kind of malformation shows up in 20,000 messages, the 200 KB one included. */
  private static List<GeneratedMessage> generate(long count, long seed) {
    List<GeneratedMessage> messages = new ArrayList<>();
    new ClickstreamGenerator(GeneratorSpec.defaults(count, seed).withBaseTime(BASE).withHugeGarbageRatio(0.002))
        .forEachRemaining(messages::add);
    return messages;
  }
}
