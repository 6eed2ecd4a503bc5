package dev.lakehouse.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FreshnessTest {

  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");

  @Test
  void aSuccessWithinItsAllowanceIsOkAndOlderIsStale() {
    Duration allowance = Freshness.allowance("1h");
    assertThat(allowance).isEqualTo(Duration.ofMinutes(121));
    assertThat(Freshness.of("succeeded", NOW.minus(Duration.ofMinutes(121)), allowance, NOW)).isEqualTo(Freshness.OK);
    assertThat(Freshness.of("succeeded", NOW.minus(Duration.ofMinutes(122)), allowance, NOW)).isEqualTo(Freshness.STALE);
  }

  @Test
  void failuresAndAbortsAreFailingWhateverTheirAgeAndNothingYetIsStale() {
    assertThat(Freshness.of("failed", NOW, Duration.ofHours(1), NOW).colour()).isEqualTo("failing");
    assertThat(Freshness.of("aborted", NOW, Duration.ofHours(1), NOW).colour()).isEqualTo("failing");
    assertThat(Freshness.of(null, null, Duration.ofHours(1), NOW)).isEqualTo(Freshness.NOTHING_YET);
    assertThat(Freshness.NOTHING_YET.colour()).isEqualTo("stale");
  }

  @Test
  void withoutAnAllowanceOnlyTheStatusCountsAndCronSchedulesAreDaily() {
    assertThat(Freshness.of("succeeded", NOW.minus(Duration.ofDays(30)), null, NOW)).isEqualTo(Freshness.OK);
    assertThat(Freshness.allowance("0 15 1 * * ?")).isEqualTo(Duration.ofHours(26));
  }

  @Test
  void aSilverTableIsFreshWhateverItsAgeWhileBronzeHasNothingNewerThanItsLastRun() {
    Duration allowance = Freshness.allowance("20s");
    Instant started = NOW.minus(Duration.ofMinutes(10));
    Instant ended = started.plusSeconds(30);
    Optional<Instant> before = Optional.of(started.minusSeconds(1));
    Optional<Instant> after = Optional.of(started.plusSeconds(1));
    assertThat(Freshness.ofRefined("succeeded", started, ended, allowance, NOW, before)).isEqualTo(Freshness.OK);
    assertThat(Freshness.ofRefined("succeeded", started, ended, allowance, NOW, after)).isEqualTo(Freshness.STALE);
    assertThat(Freshness.ofRefined("succeeded", started, ended, allowance, NOW, Optional.empty())).isEqualTo(Freshness.STALE);
    assertThat(Freshness.ofRefined("failed", started, ended, allowance, NOW, before)).isEqualTo(Freshness.FAILED);
    // bronze moved on since the run started, but the run is recent: fresh by its age
    assertThat(Freshness.ofRefined("succeeded", NOW.minusSeconds(5), NOW, allowance, NOW, Optional.of(NOW.minusSeconds(1))))
        .isEqualTo(Freshness.OK);
  }
}
