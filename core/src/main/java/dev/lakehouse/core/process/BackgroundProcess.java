package dev.lakehouse.core.process;

import static java.util.Objects.requireNonNull;

import dev.lakehouse.core.LakehouseException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A service process that outlives the command which started it, tracked by a pid file and
 * logging to a file, both under its state folder. Starting it twice finds the first one.
 */
public final class BackgroundProcess {

  private final String name;
  private final Path pidFile;
  private final Path logFile;

  public BackgroundProcess(String name, Path stateDir) {
    this.name = requireNonNull(name, "name is null");
    this.pidFile = stateDir.resolve(name + ".pid");
    this.logFile = stateDir.resolve(name + ".log");
  }

  public Path logFile() {
    return logFile;
  }

  /** The recorded process, if it is still alive. */
  public Optional<ProcessHandle> running() {
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * Starts {@code command} in {@code workDir}. With {@code detached} it gets its own session
   * (via {@code setsid} where available) so that Ctrl-C in the starting terminal does not stop it.
   */
  public ProcessHandle start(List<String> command, Path workDir, boolean detached) {
    List<String> fullCommand = new ArrayList<>();
    if (detached && new File("/usr/bin/setsid").canExecute()) {
      fullCommand.add("/usr/bin/setsid");
    }
    fullCommand.addAll(command);
    try {
      Files.createDirectories(pidFile.getParent());
      Process process =
          new ProcessBuilder(fullCommand)
              .directory(workDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .start();
      Files.writeString(pidFile, Long.toString(process.pid()), StandardCharsets.UTF_8);
      return process.toHandle();
    } catch (IOException e) {
      throw new LakehouseException("could not start " + name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Starts {@code command} and waits until {@code ready} holds. If the process dies or
   * {@code timeout} passes first, it is stopped and the error quotes the end of its log.
   *
   * @param what the service and what "ready" means, e.g. "the local Kafka broker did not answer"
   */
  public void startAndAwait(
      List<String> command, Path workDir, boolean detached, Duration timeout, BooleanSupplier ready, String what) {
    ProcessHandle handle = start(command, workDir, detached);
    if (!Ports.await(ready, timeout, () -> !handle.isAlive())) {
      stop(Duration.ofSeconds(5));
      throw new LakehouseException(
          what + " within " + timeout.toSeconds() + "s; its log (" + logFile + ") ends with:"
              + System.lineSeparator() + logTail(15));
    }
  }

  /** Stops the recorded process: TERM, then KILL after {@code grace}. True if one was running. */
  public boolean stop(Duration grace) {
    Optional<ProcessHandle> process = running();
    process.ifPresent(
        handle -> {
          handle.destroy();
          try {
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
          } catch (Exception timeoutOrInterrupt) {
            handle.destroyForcibly();
            handle.onExit().join();
          }
        });
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return process.isPresent();
  }

  /** The last lines of the log, for error messages when start-up fails. */
  public String logTail(int lines) {
    try {
      if (!Files.exists(logFile)) {
        return "(no log)";
      }
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }

  public static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
