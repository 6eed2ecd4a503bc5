package dev.lakehouse.devtools;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where one thread's time goes between and during Spark jobs, which the job timeline does not
 * show (-Dbench.sample=true): its stack is sampled about every millisecond, and each sample is
 * counted under the project's innermost frame and, above it, the innermost frame of a kind of
 * Spark or Delta work (planning, a job, Delta's log, code generation). Every tenth sample also
 * takes the stacks of the tasks' threads (in {@code local} mode they run in this JVM), counted by
 * their four innermost frames. Safepoint-biased, as any {@link Thread#getStackTrace} sampler; the
 * counts are shares, and the printed time is the whole sampled span.
 */
final class DriverSampler implements AutoCloseable {

  static final String PROPERTY = "bench.sample";

  private static final List<String> KINDS_OF_WORK = List.of("QueryExecution", "DAGScheduler", "SparkContext", "DeltaLog",
      "Snapshot", "CodeGenerator", "OptimisticTransaction", "FileSystem", "Analyzer", "Optimizer", "SparkPlanner",
      "TahoeFileIndex", "PrepareDeltaScan", "Checkpoint", "TransactionalWrite", "LocalRelation");
  private static final int TASK_SAMPLE_EVERY = 10;
  private static final int ROWS_PRINTED = 40;

  private final Thread sampled;
  private final Map<String, Integer> byFrame = new HashMap<>();
  private final Map<String, Integer> byTaskFrames = new HashMap<>();
  private final Thread sampler;
  private final long startedAt = System.nanoTime();
  private volatile boolean running = true;
  private int samples;

  private DriverSampler(Thread sampled) {
    this.sampled = sampled;
    this.sampler = new Thread(this::sample, "driver-sampler");
    sampler.setDaemon(true);
  }

  /** Samples the calling thread until closed, when {@code -Dbench.sample=true}; else does nothing. */
  static DriverSampler ofCurrentThread() {
    DriverSampler sampler = new DriverSampler(Thread.currentThread());
    if (Boolean.getBoolean(PROPERTY)) {
      sampler.sampler.start();
    }
    return sampler;
  }

  private void sample() {
    while (running) {
      String sample = ourFrame(sampled.getStackTrace());
      synchronized (byFrame) {
        byFrame.merge(sample, 1, Integer::sum);
        if (samples++ % TASK_SAMPLE_EVERY == 0) {
          sampleTasks();
        }
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The project's innermost frame, and the innermost frame of a kind of work above it. */
  private static String ourFrame(StackTraceElement[] stack) {
    String work = "?";
    for (StackTraceElement frame : stack) {
      String name = frame.getClassName();
      if (name.startsWith("dev.lakehouse.")) {
        return name.substring(name.lastIndexOf('.') + 1) + "." + frame.getMethodName() + ":" + frame.getLineNumber() + "  |  " + work;
      }
      if (work.equals("?") && KINDS_OF_WORK.stream().anyMatch(name::contains)) {
        work = name.substring(name.lastIndexOf('.') + 1) + "." + frame.getMethodName();
      }
    }
    return "?  |  " + work;
  }

  private void sampleTasks() {
    for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
      StackTraceElement[] frames = thread.getValue();
      if (thread.getKey().getName().startsWith("Executor task launch") && frames.length > 0
          && thread.getKey().getState() == Thread.State.RUNNABLE) {
        StringBuilder innermost = new StringBuilder();
        for (int i = 0; i < Math.min(4, frames.length); i++) {
          String name = frames[i].getClassName();
          innermost.append(i == 0 ? "" : " < ").append(name.substring(name.lastIndexOf('.') + 1)).append('.')
              .append(frames[i].getMethodName());
        }
        byTaskFrames.merge(innermost.toString(), 1, Integer::sum);
      }
    }
  }

  @Override
  public void close() {
    if (!sampler.isAlive()) {
      return;
    }
    running = false;
    try {
      sampler.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (byFrame) {
      System.out.printf("driver thread: %d samples over %.2f s (our innermost frame  |  the kind of work above it)%n", samples,
          (System.nanoTime() - startedAt) / 1e9);
      print(byFrame);
      System.out.println("task threads, every " + TASK_SAMPLE_EVERY + "th sample (their four innermost frames):");
      print(byTaskFrames);
    }
  }

  private static void print(Map<String, Integer> counts) {
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(ROWS_PRINTED)
        .forEach(entry -> System.out.printf("  %5d  %s%n", entry.getValue(), entry.getKey()));
  }
}
