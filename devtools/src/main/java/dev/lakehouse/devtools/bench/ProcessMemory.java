package dev.lakehouse.devtools.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The resident memory of this JVM (driver and, in local mode, executors) as Linux reports it. */
public final class ProcessMemory {

  private static final Path STATUS = Path.of("/proc/self/status");

  private ProcessMemory() {}

  /** The peak resident set size so far (VmHWM); empty where /proc is not there. */
  public static Optional<Long> peakRssBytes() {
    return statusKilobytes("VmHWM:").map(kilobytes -> kilobytes * 1024);
  }

  /**
   * The machine's 1-minute load average: a bench on 2 cores is only as good as the quiet it ran
   * in, so the report says how busy the machine was.
   */
  public static Optional<Double> loadAverage() {
    try {
      return Optional.of(Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static Optional<Long> statusKilobytes(String field) {
    if (!Files.isReadable(STATUS)) {
      return Optional.empty();
    }
    try {
      return Files.readAllLines(STATUS).stream()
          .filter(line -> line.startsWith(field))
          .map(line -> Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]))
          .findFirst();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }
}
