package dev.lakehouse.core.progress;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long terminal work (dates built, tables refined, sources ingested, bench parts):
 * a progress bar when the output is a terminal, otherwise the plain line each step would print
 * anyway, so logs and CI output stay readable. Not thread-safe; one per task.
 */
public final class Progress implements AutoCloseable {

  private final PrintStream out;
  private final ProgressBar bar;

  private Progress(PrintStream out, ProgressBar bar) {
    this.out = out;
    this.bar = bar;
  }

  /**
   * @param task what is being done, e.g. {@code gold}
   * @param total how many steps; -1 when not known
   * @param unit what a step is, e.g. {@code dates}
   */
  public static Progress start(String task, long total, String unit) {
    return start(task, total, unit, System.out);
  }

  /** A bar only when {@code out} is standard output and that is a terminal; else lines to {@code out}. */
  public static Progress start(String task, long total, String unit, PrintStream out) {
    return start(task, total, unit, out == System.out && System.console() != null, out);
  }

  static Progress start(String task, long total, String unit, boolean terminal, PrintStream out) {
    requireNonNull(task, "task is null");
    requireNonNull(unit, "unit is null");
    if (!terminal) {
      return new Progress(out, null);
    }
    ProgressBar bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setUnit(" " + unit, 1)
        .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).showSpeed().setMaxRenderedLength(110)
        .continuousUpdate().build(); // drawn on stderr, so stdout stays what a script may read
    return new Progress(out, bar);
  }

  /** Advances by {@code steps}; {@code line} is what was done, printed when there is no bar. */
  public void step(long steps, String line) {
    if (bar == null) {
      out.println(line);
    } else {
      bar.stepBy(steps);
      bar.setExtraMessage(" " + shorten(line));
    }
  }

  /** Advances by {@code steps} and prints {@code line} either way: a result worth keeping on the screen. */
  public void stepAndPrint(long steps, String line) {
    if (bar != null) {
      bar.stepBy(steps);
    }
    out.println(line);
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }

  private static String shorten(String line) {
    String first = line.strip().lines().findFirst().orElse("");
    return first.length() > 48 ? first.substring(0, 47) + "…" : first;
  }
}
