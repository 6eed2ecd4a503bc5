package dev.lakehouse.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakehouse.testing.generator.GeneratedMessage;
import dev.lakehouse.testing.generator.Malformation;
import dev.lakehouse.testing.generator.MessageKind;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessageSizesTest {

  @Test
  void percentilesAreExactAndHugeValuesAreCountedApart() {
    MessageSizes sizes = new MessageSizes();
    for (int size = 1; size <= 100; size++) {
      sizes.record(message("x".repeat(size)));
    }
    sizes.record(message("é".repeat(100_000))); // two bytes each in UTF-8

    assertThat(sizes.messages()).isEqualTo(101);
    assertThat(sizes.bytes()).isEqualTo(5050 + 200_000);
    assertThat(sizes.percentile(0.5)).isEqualTo(51);
    assertThat(sizes.percentile(0.99)).isEqualTo(100);
    assertThat(sizes.percentile(1.0)).isEqualTo(200_000);
    assertThat(sizes.summary()).containsEntry("over_64_kib", 1L).containsEntry("max_bytes", 200_000L);
  }

  private static GeneratedMessage message(String value) {
    return new GeneratedMessage(Optional.empty(), Optional.of(value), MessageKind.MALFORMED, Malformation.NOT_JSON,
        Optional.empty());
  }
}
