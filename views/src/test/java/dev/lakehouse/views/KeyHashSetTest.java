package dev.lakehouse.views;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeyHashSetTest {

  @Test
  void holdsWhatWasAddedAndNothingElseThroughManyGrowths() {
    Random random = new Random(7);
    KeyHashSet set = new KeyHashSet();
    Set<List<Long>> truth = new HashSet<>();
    for (int i = 0; i < 200_000; i++) {
      // few distinct highs now and then: equal halves must not make two keys one
      long high = i % 10 == 0 ? random.nextInt(50) : random.nextLong();
      long low = random.nextLong();
      assertThat(set.add(high, low)).isEqualTo(truth.add(List.of(high, low)));
      if (i % 3 == 0) {
        assertThat(set.add(high, low)).as("added twice").isFalse();
      }
    }
    assertThat(set.size()).isEqualTo(truth.size());
    truth.forEach(key -> assertThat(set.contains(key.get(0), key.get(1))).isTrue());
    Random absent = new Random(8);
    for (int i = 0; i < 200_000; i++) {
      long high = absent.nextLong();
      long low = absent.nextLong();
      assertThat(set.contains(high, low)).isEqualTo(truth.contains(List.of(high, low)));
    }
  }

  @Test
  void theAllZeroHashIsAKeyLikeAnyOther() {
    KeyHashSet set = new KeyHashSet();
    assertThat(set.contains(0, 0)).isFalse();
    assertThat(set.add(0, 0)).isTrue();
    assertThat(set.contains(0, 0)).isTrue();
    assertThat(set.add(0, 0)).isFalse();
    assertThat(set.size()).isEqualTo(1);
  }
}
