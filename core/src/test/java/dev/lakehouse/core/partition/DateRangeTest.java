package dev.lakehouse.core.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.core.LakehouseException;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class DateRangeTest {

  @Test
  void inclusiveRangeWithItsDatesAndPredicate() {
    DateRange range = DateRange.parse("2026-11-19", "2026-11-21", 31);

    assertThat(range.days()).isEqualTo(3);
    assertThat(range.dates()).containsExactly(
        LocalDate.of(2026, 11, 19), LocalDate.of(2026, 11, 20), LocalDate.of(2026, 11, 21));
    assertThat(range.predicate("event_date"))
        .isEqualTo("event_date >= DATE'2026-11-19' AND event_date <= DATE'2026-11-21'");
    assertThat(DateRange.parse("2026-11-20", "2026-11-20", 1).days()).isEqualTo(1);
  }

  @Test
  void badReversedUnboundedAndTooLongRangesAreRefused() {
    assertThatThrownBy(() -> DateRange.parse("2026-13-01", "2026-11-20", 31))
        .isInstanceOf(LakehouseException.class)
        .hasMessage("--from '2026-13-01' is not a date; write YYYY-MM-DD, e.g. 2026-11-20");
    assertThatThrownBy(() -> DateRange.parse("2026-11-21", "2026-11-20", 31))
        .hasMessage("--from 2026-11-21 is after --to 2026-11-20; swap them");
    assertThatThrownBy(() -> DateRange.parse("2026-11-21", null, 31))
        .hasMessage("a rerun needs both --from and --to (YYYY-MM-DD); unbounded ranges are refused");
    assertThatThrownBy(() -> DateRange.parse("2026-01-01", "2026-12-31", 31))
        .hasMessage("the range 2026-01-01..2026-12-31 has 365 days, more than the maximum of 31; split it, or raise the maximum with --max-days or reruns.max-days (LAKEHOUSE_RERUN_MAX_DAYS)");
  }
}
