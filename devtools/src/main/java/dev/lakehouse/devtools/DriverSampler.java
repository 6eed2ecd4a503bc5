package dev.lakehouse.devtools;

import java.util.HashMap;
import java.util.Map;

/**
 * Where one thread's time goes, by sampling its stack every millisecond: per sample, the
 * project's innermost frame and the innermost frame of Spark or Delta below it. Safepoint-biased
 * like any {@link Thread#getStackTrace} sampler, but it sees the driver's planning between Spark
 * jobs, which the job timeline does not (-Dbench.sample=true).
 */
final class DriverSampler implements AutoCloseable {

  static final String PROPERTY = "bench.sample";

  /** Classes whose innermost frame names the kind of work (planning, a job, Delta's log, code generation). */
  private static final java.util.List<String> PHASES = java.util.List.of("QueryExecution", "DAGScheduler", "SparkContext",
      "DeltaLog", "Snapshot", "CodeGenerator", "OptimisticTransaction", "FileSystem", "Analyzer", "Optimizer", "SparkPlanner",
      "DeltaTableV2", "TahoeFileIndex", "PrepareDeltaScan", "Checkpoint", "TransactionalWrite", "LocalRelation", "ConvertToLocalRelation");

  private final Thread sampled;
  private final Map<String, Integer> byFrame = new HashMap<>();
  private final Map<String, Integer> byTask = new HashMap<>();
  private final Thread sampler;
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
      StackTraceElement[] stack = sampled.getStackTrace();
      String ours = "?";
      String theirs = "?";
      for (StackTraceElement frame : stack) {
        String name = frame.getClassName();
        if (name.startsWith("dev.lakehouse.")) {
          ours = frame.getClassName().substring(frame.getClassName().lastIndexOf('.') + 1) + "." + frame.getMethodName() + ":"
              + frame.getLineNumber();
          break;
        }
        if (theirs.equals("?") && PHASES.stream().anyMatch(name::contains)) {
          theirs = name.substring(name.lastIndexOf('.') + 1) + "." + frame.getMethodName();
        }
      }
      synchronized (byFrame) {
        byFrame.merge(ours + "  |  " + theirs, 1, Integer::sum);
        samples++;
        for (Map.Entry<Thread, StackTraceElement[]> worker : Thread.getAllStackTraces().entrySet()) {
          if (worker.getKey().getName().startsWith("Executor task launch") && worker.getValue().length > 0
              && worker.getKey().getState() == Thread.State.RUNNABLE) {
            StackTraceElement[] frames = worker.getValue();
            StringBuilder path = new StringBuilder();
            for (int i = 0; i < Math.min(4, frames.length); i++) {
              path.append(frames[i].getClassName().substring(frames[i].getClassName().lastIndexOf('.') + 1)).append('.')
                  .append(frames[i].getMethodName()).append(i < 3 ? " < " : "");
            }
            byTask.merge(path.toString(), 1, Integer::sum);
          }
        }
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        return;
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
      System.out.printf("driver samples (~1 ms each): %d%n", samples);
      byFrame.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(60)
          .forEach(entry -> System.out.printf("  %5d  %s%n", entry.getValue(), entry.getKey()));
      System.out.println("task threads' top frames:");
      byTask.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(60)
          .forEach(entry -> System.out.printf("  %5d  %s%n", entry.getValue(), entry.getKey()));
    }
  }
}
