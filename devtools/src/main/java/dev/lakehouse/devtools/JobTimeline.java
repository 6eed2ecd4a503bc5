package dev.lakehouse.devtools;

import dev.lakehouse.core.spark.JobPhase;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/**
 * Where a bench's time goes: every Spark job's wall-clock time, summed by the step of the run it
 * belongs to ({@link JobPhase}) or else where in the code it started (its final stage's call site,
 * e.g. {@code count at SilverRefine.java:366}). Jobs that run
 * at the same time both count, so the sum can exceed the elapsed time.
 */
final class JobTimeline extends SparkListener {

  /** Set ({@code -Dbench.jobs=true}) to print every job too: when it started, how long it took, its call site. */
  static final String EVERY_JOB = "bench.jobs";

  private final Map<Integer, Long> startedAt = new ConcurrentHashMap<>();
  private final Map<Integer, String> sites = new ConcurrentHashMap<>();
  private final Map<Integer, String> callSites = new ConcurrentHashMap<>();
  private final Map<String, long[]> bySite = new ConcurrentHashMap<>();
  /** Each running job's stages, and its tasks' summed and longest run time and count (how well it used the cores). */
  private final Map<Integer, Integer> jobOfStage = new ConcurrentHashMap<>();
  private final Map<Integer, long[]> taskTimes = new ConcurrentHashMap<>();
  /** Every finished job, to tell the time no job ran (the driver's own work) and what it led to. */
  private final List<Job> jobs = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
  private final long listeningSince = System.currentTimeMillis();
  private volatile long stoppedAt;

  static JobTimeline listenTo(SparkSession spark) {
    JobTimeline timeline = new JobTimeline();
    spark.sparkContext().addSparkListener(timeline);
    return timeline;
  }

  void stopListening(SparkSession spark) {
    stoppedAt = System.currentTimeMillis();
    // Spark delivers job events asynchronously: wait (briefly) for the end of every job seen
    // starting, or its whole time would count as the driver's own
    long deadline = stoppedAt + 5_000;
    while (!startedAt.isEmpty() && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    spark.sparkContext().removeSparkListener(this);
  }

  @Override
  public void onJobStart(SparkListenerJobStart start) {
    // a named step (JobPhase) first; else the final stage's name, the action's call site ("count
    // at SilverRefine.java:366"); the job's own call site is the stream's start() inside a foreachBatch
    String phase = start.properties() == null ? null : start.properties().getProperty(JobPhase.PROPERTY);
    String callSite = start.stageInfos().isEmpty() ? "?" : start.stageInfos().last().name() + ourFrame(start.stageInfos().last().details());
    String description = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
    if (description != null) {
      callSite += " [" + description.lines().findFirst().orElse("") + "]";
    }
    String site = phase != null ? phase : callSite;
    start.stageIds().foreach(stage -> jobOfStage.put((Integer) stage, start.jobId()));
    taskTimes.put(start.jobId(), new long[3]);
    startedAt.put(start.jobId(), start.time());
    sites.put(start.jobId(), site);
    callSites.put(start.jobId(), callSite);
  }

  /** The project's own innermost frame of a stage's call stack (Delta's jobs name only Delta's code). */
  private static String ourFrame(String details) {
    return details == null ? "" : details.lines().map(String::trim).filter(line -> line.startsWith("dev.lakehouse."))
        .findFirst().map(line -> " <- " + line.substring("dev.lakehouse.".length())).orElse("");
  }

  @Override
  public void onTaskEnd(org.apache.spark.scheduler.SparkListenerTaskEnd end) {
    Integer job = jobOfStage.get(end.stageId());
    long[] times = job == null ? null : taskTimes.get(job);
    if (times != null && end.taskInfo() != null) {
      synchronized (times) {
        times[0] += end.taskInfo().duration();
        times[1] = Math.max(times[1], end.taskInfo().duration());
        times[2]++;
      }
    }
  }

  @Override
  public void onJobEnd(SparkListenerJobEnd end) {
    Long started = startedAt.remove(end.jobId());
    String site = sites.remove(end.jobId());
    long[] times = taskTimes.remove(end.jobId());
    jobOfStage.values().removeIf(job -> job == end.jobId());
    String callSite = callSites.remove(end.jobId());
    if (times != null && callSite != null) { // tasks that ran (a stage an earlier shuffle gave is skipped)
      callSite = String.format(java.util.Locale.ROOT, "%d tasks, busy %d ms, longest %d ms: ", times[2], times[0], times[1])
          + callSite;
    }
    if (started != null && site != null) {
      jobs.add(new Job(end.jobId(), started, end.time(), site, callSite));
      long[] totals = bySite.computeIfAbsent(site, key -> new long[2]);
      synchronized (totals) {
        totals[0]++;
        totals[1] += end.time() - started;
      }
    }
  }

  /** The {@code limit} call sites that took longest: "site" → "N jobs, S s". */
  Map<String, String> top(int limit) {
    Map<String, String> top = new LinkedHashMap<>();
    List<Map.Entry<String, long[]>> sorted = bySite.entrySet().stream()
        .sorted((left, right) -> Long.compare(right.getValue()[1], left.getValue()[1])).limit(limit).toList();
    sorted.forEach(entry -> top.put(entry.getKey(),
        String.format(java.util.Locale.ROOT, "%d jobs, %.1f s", entry.getValue()[0], entry.getValue()[1] / 1000.0)));
    return top;
  }

  void print(String what, int limit) {
    System.out.printf("bench %s: Spark jobs by step or call site (wall clock, longest first):%n", what);
    top(limit).forEach((site, total) -> System.out.printf("  %-60s %s%n", site, total));
    Map<String, Long> idle = idleBefore(stoppedAt > 0 ? stoppedAt : System.currentTimeMillis());
    System.out.printf(java.util.Locale.ROOT, "  %-60s %.1f s%n", "(no Spark job running: the driver's own work)",
        idle.values().stream().mapToLong(Long::longValue).sum() / 1000.0);
    idle.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
        .forEach(entry -> System.out.printf(java.util.Locale.ROOT, "    %-58s %.1f s%n", "before " + entry.getKey(),
            entry.getValue() / 1000.0));
    if (Boolean.getBoolean(EVERY_JOB)) {
      List<Job> sorted;
      synchronized (jobs) {
        sorted = jobs.stream().sorted(java.util.Comparator.comparingLong(Job::start)).toList();
      }
      sorted.forEach(job -> System.out.printf(java.util.Locale.ROOT, "    job %d at +%d ms took %d ms: %s | %s%n", job.id(),
          job.start() - listeningSince, job.end() - job.start(), job.site(), job.callSite()));
    }
  }

  /**
   * The time since listening began that no job covered, by the step of the job that came next
   * (the driver plans a job before it starts; "the end" after the last one).
   */
  private Map<String, Long> idleBefore(long now) {
    List<Job> sorted;
    synchronized (jobs) {
      sorted = jobs.stream().sorted(java.util.Comparator.comparingLong(Job::start)).toList();
    }
    Map<String, Long> idle = new LinkedHashMap<>();
    long reach = listeningSince;
    for (Job job : sorted) {
      if (job.start() > reach) {
        idle.merge(job.site(), job.start() - reach, Long::sum);
      }
      reach = Math.max(reach, job.end());
    }
    if (now > reach) {
      idle.merge("the end", now - reach, Long::sum);
    }
    return idle;
  }

  private record Job(int id, long start, long end, String site, String callSite) {}
}
