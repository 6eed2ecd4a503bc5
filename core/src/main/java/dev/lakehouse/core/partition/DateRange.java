package dev.lakehouse.core.partition;

import dev.lakehouse.core.LakehouseException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** An inclusive range of partition dates for reruns, validated so a typo cannot rebuild a year. */
public record DateRange(LocalDate from, LocalDate to) {

  public DateRange {
    if (from == null || to == null) {
      throw new LakehouseException("a rerun needs both --from and --to (YYYY-MM-DD); unbounded ranges are refused");
    }
    if (from.isAfter(to)) {
      throw new LakehouseException("--from " + from + " is after --to " + to + "; swap them");
    }
  }

  /** Parses {@code YYYY-MM-DD} bounds and refuses ranges longer than {@code maxDays}. */
  public static DateRange parse(String from, String to, int maxDays) {
    DateRange range = new DateRange(date("--from", from), date("--to", to));
    if (range.days() > maxDays) {
      throw new LakehouseException("the range " + range + " has " + range.days() + " days, more than the maximum of "
          + maxDays + "; split it, or raise the maximum with --max-days or reruns.max-days (LAKEHOUSE_RERUN_MAX_DAYS)");
    }
    return range;
  }

  /** One date, e.g. {@code --date D}. */
  public static DateRange of(LocalDate date) {
    return new DateRange(date, date);
  }

  /** Parses a {@code YYYY-MM-DD} option value with a message naming the option. */
  public static LocalDate parseDate(String option, String text) {
    if (text == null || text.isBlank()) {
      throw new LakehouseException(option + " needs a date (YYYY-MM-DD)");
    }
    return date(option, text);
  }

  public long days() {
    return ChronoUnit.DAYS.between(from, to) + 1;
  }

  public List<LocalDate> dates() {
    List<LocalDate> dates = new ArrayList<>();
    for (LocalDate date = from; !date.isAfter(to); date = date.plusDays(1)) {
      dates.add(date);
    }
    return dates;
  }

  /** A SQL predicate on {@code column}, e.g. for Delta's replaceWhere. */
  public String predicate(String column) {
    return column + " >= DATE'" + from + "' AND " + column + " <= DATE'" + to + "'";
  }

  public boolean contains(LocalDate date) {
    return !date.isBefore(from) && !date.isAfter(to);
  }

  @Override
  public String toString() {
    return from.equals(to) ? from.toString() : from + ".." + to;
  }

  private static LocalDate date(String option, String text) {
    if (text == null || text.isBlank()) {
      throw new LakehouseException("a rerun needs both --from and --to (YYYY-MM-DD); unbounded ranges are refused");
    }
    try {
      return LocalDate.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new LakehouseException(option + " '" + text + "' is not a date; write YYYY-MM-DD, e.g. 2026-11-20");
    }
  }
}
