package dev.lakehouse.testing.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The truth itself, on cases small enough to check by hand. */
class ChangeTruthTest {

  @Test
  void versionsApplyInSequenceOrderWhateverTheArrivalOrder() {
    ChangeTruth<Long> truth = new ChangeTruth<>();
    truth.upsert("a", 3L, Map.of("plan", "pro"));
    truth.upsert("a", 1L, Map.of("plan", "free"));
    truth.upsert("a", 2L, Map.of("plan", "plus")); // late, between the two
    truth.upsert("b", 5L, Map.of("plan", "free"));
    truth.upsert("b", 5L, Map.of("plan", "pro")); // equal sequence: the later arrival wins

    assertThat(truth.current().get("a").columns()).isEqualTo(Map.of("plan", "pro"));
    assertThat(truth.current().get("b").columns()).isEqualTo(Map.of("plan", "pro"));
    assertThat(truth.history()).extracting(ChangeTruth.Version::key, ChangeTruth.Version::validFrom, ChangeTruth.Version::validTo)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 1L, 2L), org.assertj.core.groups.Tuple.tuple("a", 2L, 3L),
            org.assertj.core.groups.Tuple.tuple("a", 3L, null), org.assertj.core.groups.Tuple.tuple("b", 5L, null));
  }

  @Test
  void aDeleteClosesTheCurrentVersionAndAddsNone() {
    ChangeTruth<Long> truth = new ChangeTruth<>();
    truth.upsert("a", 1L, Map.of("plan", "free"));
    truth.delete("a", 4L, Map.of());
    truth.upsert("a", 2L, Map.of("plan", "plus")); // older than the delete: closed by it
    truth.delete("b", 9L, Map.of()); // a delete of a key never seen
    truth.upsert("b", 7L, Map.of("plan", "pro"));
    truth.upsert("c", 1L, Map.of("plan", "free"));
    truth.delete("c", 2L, Map.of());
    truth.upsert("c", 3L, Map.of("plan", "back"));

    assertThat(truth.current()).containsOnlyKeys("c");
    assertThat(truth.history()).extracting(ChangeTruth.Version::key, ChangeTruth.Version::validFrom, ChangeTruth.Version::validTo)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 1L, 2L), org.assertj.core.groups.Tuple.tuple("a", 2L, 4L),
            org.assertj.core.groups.Tuple.tuple("b", 7L, 9L), org.assertj.core.groups.Tuple.tuple("c", 1L, 2L),
            org.assertj.core.groups.Tuple.tuple("c", 3L, null));
    assertThat(truth.asOf("a", 3L).orElseThrow().columns()).isEqualTo(Map.of("plan", "plus"));
    assertThat(truth.asOf("a", 4L)).isEmpty();
  }
}
