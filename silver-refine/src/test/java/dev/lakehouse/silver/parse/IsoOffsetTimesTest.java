package dev.lakehouse.silver.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast path reads exactly what ISO_OFFSET_DATE_TIME reads, to the same instant, and nothing it refuses. */
class IsoOffsetTimesTest {

  private static final String DIGITS_AND_SIGNS = "0123456789-+:.TZtz ";

  @ParameterizedTest
  @ValueSource(strings = {
      "2026-12-04T12:07:13Z", "2026-12-04T12:07:13.5Z", "2026-12-04T12:07:13.123456789Z", "2026-12-04T23:59:59+05:30",
      "2026-12-04T00:00:00-00:00", "2024-02-29T10:00:00+18:00", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999-18:00",
      "2026-03-01T01:02:03.0400-07:00"})
  void readsTheCommonShapeItself(String text) {
    assertThat(IsoOffsetTimes.fastOrNull(text)).isEqualTo(formatter(text).orElseThrow());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "2023-02-29T10:00:00Z", "2026-04-31T10:00:00Z", "2026-12-04T24:00:00Z", "2026-12-04T12:60:00Z",
      "2026-12-04T12:00:60Z", "2026-12-04T12:00:00+18:30", "2026-12-04T12:00:00+05:60", "2026-12-04T12:00:00.Z",
      "2026-12-04T12:00:00.1234567891Z", "2026-12-04t12:00:00z", "2026-12-04T12:00Z", "2026-12-04T12:00:00+0530",
      "2026-12-04T12:00:00+05:30:15", "2026-12-04T12:00:00", "2026-12-04 12:00:00Z", "+12026-12-04T12:00:00Z"})
  void leavesEveryOtherShapeToTheFormatter(String text) {
    assertThat(IsoOffsetTimes.fastOrNull(text)).isNull();
    assertThat(outcome(text)).isEqualTo(formatter(text));
  }

  @Test
  void agreesWithTheFormatterOnValidTimesAndTheirMutations() {
    Random random = new Random(20261204);
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      String valid = String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", random.nextInt(10_000), 1 + random.nextInt(12),
          1 + random.nextInt(31), random.nextInt(24), random.nextInt(60), random.nextInt(60), fraction(random), offset(random));
      texts.add(valid);
      char[] mutated = valid.toCharArray();
      mutated[random.nextInt(mutated.length)] = DIGITS_AND_SIGNS.charAt(random.nextInt(DIGITS_AND_SIGNS.length()));
      texts.add(new String(mutated));
    }
    int fast = 0;
    for (String text : texts) {
      assertThat(outcome(text)).as(text).isEqualTo(formatter(text));
      fast += IsoOffsetTimes.fastOrNull(text) == null ? 0 : 1;
    }
    assertThat(fast).as("times read by the fast path").isGreaterThan(texts.size() / 2);
  }

  private static String fraction(Random random) {
    int digits = random.nextInt(11) - 1; // -1: none; 0: a bare point; up to 9
    if (digits < 0) {
      return "";
    }
    StringBuilder fraction = new StringBuilder(".");
    for (int i = 0; i < digits; i++) {
      fraction.append(random.nextInt(10));
    }
    return fraction.toString();
  }

  private static String offset(Random random) {
    return random.nextInt(4) == 0 ? "Z"
        : String.format("%s%02d:%02d", random.nextBoolean() ? "+" : "-", random.nextInt(20), random.nextInt(62));
  }

  private static Optional<Instant> outcome(String text) {
    try {
      return Optional.of(IsoOffsetTimes.parse(text));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Optional<Instant> formatter(String text) {
    try {
      return Optional.of(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
