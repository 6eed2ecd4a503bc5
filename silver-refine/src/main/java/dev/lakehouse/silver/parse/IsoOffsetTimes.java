package dev.lakehouse.silver.parse;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 times with a zone ({@link DateTimeFormatter#ISO_OFFSET_DATE_TIME}), read without the
 * formatter for the shape nearly every producer writes: {@code yyyy-MM-ddTHH:mm:ss[.f…](Z|±HH:MM)}.
 * The formatter's general parse took a quarter of silver's parse step (it fills a field map and
 * resolves it per value); this reads the digits at their fixed places. Anything else — another
 * shape, an impossible date or time, an out-of-range offset — goes to the formatter, so what is
 * accepted, and how it is refused, stays exactly the formatter's.
 */
final class IsoOffsetTimes {

  /** {@code yyyy-MM-ddTHH:mm:ss}: 19 characters before the fraction or offset. */
  private static final int SECONDS_END = 19;
  private static final int MAX_FRACTION_DIGITS = 9;

  private IsoOffsetTimes() {}

  /** The instant, or a {@link java.time.format.DateTimeParseException} where the formatter refuses the text. */
  static Instant parse(String text) {
    Instant fast = fastOrNull(text);
    return fast != null ? fast : OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }

  /** The instant for the common shape, null for anything the fast path does not read itself. */
  static Instant fastOrNull(String text) {
    int length = text.length();
    if (length < SECONDS_END + 1 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
        || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
      return null;
    }
    int position = SECONDS_END;
    int nanos = 0;
    if (text.charAt(position) == '.') {
      int start = ++position;
      while (position < length && position - start < MAX_FRACTION_DIGITS && isDigit(text.charAt(position))) {
        nanos = nanos * 10 + text.charAt(position) - '0';
        position++;
      }
      int count = position - start;
      if (count == 0) {
        return null;
      }
      for (int i = count; i < MAX_FRACTION_DIGITS; i++) {
        nanos *= 10;
      }
    }
    int offsetSeconds = offsetSeconds(text, position);
    if (offsetSeconds == Integer.MIN_VALUE) {
      return null;
    }
    LocalDate date;
    try {
      date = LocalDate.of(year, month, day);
    } catch (DateTimeException e) { // e.g. February 30: the formatter says how it is refused
      return null;
    }
    long epochSecond = date.toEpochDay() * 86_400L + hour * 3_600L + minute * 60L + second - offsetSeconds;
    return Instant.ofEpochSecond(epochSecond, nanos);
  }

  /** {@code Z} or {@code ±HH:MM} ending the text at {@code position}; Integer.MIN_VALUE otherwise. */
  private static int offsetSeconds(String text, int position) {
    int remaining = text.length() - position;
    if (remaining == 1 && text.charAt(position) == 'Z') {
      return 0;
    }
    if (remaining != 6 || text.charAt(position + 3) != ':') {
      return Integer.MIN_VALUE;
    }
    char sign = text.charAt(position);
    int hours = digits(text, position + 1, 2);
    int minutes = digits(text, position + 4, 2);
    if ((sign != '+' && sign != '-') || hours < 0 || minutes < 0 || minutes > 59 || hours * 60 + minutes > 18 * 60) {
      return Integer.MIN_VALUE;
    }
    int seconds = hours * 3_600 + minutes * 60;
    return sign == '-' ? -seconds : seconds;
  }

  /** The decimal value of {@code count} digits from {@code start}, or -1 if one is not a digit. */
  private static int digits(String text, int start, int count) {
    int value = 0;
    for (int i = start; i < start + count; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      value = value * 10 + c - '0';
    }
    return value;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
