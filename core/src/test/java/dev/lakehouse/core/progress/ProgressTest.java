package dev.lakehouse.core.progress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

  @Test
  void withoutATerminalEveryStepIsAPlainLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress progress = Progress.start("gold", 2, "dates", false, out)) {
      progress.step(1, "  2026-11-27  built");
      progress.stepAndPrint(1, "gold: 2 date(s) built");
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly("  2026-11-27  built", "gold: 2 date(s) built");
  }

  @Test
  void withABarOnlyWhatIsWorthKeepingReachesTheOutput() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress progress = Progress.start("gold", 2, "dates", true, out)) {
      progress.step(1, "  2026-11-27  built");
      progress.stepAndPrint(1, "gold: 2 date(s) built");
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).containsExactly("gold: 2 date(s) built");
  }
}
