package dev.lakehouse.scheduler.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.core.LakehouseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobBuilder;
import org.quartz.JobExecutionContext;
import org.quartz.Scheduler;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;

/** Misfire and overlap behaviour of the service's schedules, on a real Quartz scheduler. */
class SchedulesTest {

  /** Start and end of each run of {@link RecordingJob}. */
  private record Run(Instant start, Instant end) {}

  private static final List<Run> RUNS = new CopyOnWriteArrayList<>();
  /** How long the first run takes; later runs are instant. */
  private static volatile Duration firstRunTakes = Duration.ZERO;

  private Scheduler scheduler;

  @DisallowConcurrentExecution
  public static final class RecordingJob implements Job {
    @Override
    public void execute(JobExecutionContext context) {
      Instant start = Instant.now();
      try {
        Thread.sleep(RUNS.isEmpty() ? firstRunTakes.toMillis() : 0); // the job's work
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      RUNS.add(new Run(start, Instant.now()));
    }
  }

  @BeforeEach
  void createScheduler() throws Exception {
    RUNS.clear();
    Properties properties = new Properties();
    properties.setProperty("org.quartz.scheduler.instanceName", "schedules-test-" + UUID.randomUUID());
    properties.setProperty("org.quartz.threadPool.threadCount", "2");
    properties.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
    properties.setProperty("org.quartz.jobStore.misfireThreshold", "500");
    properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
    scheduler = new StdSchedulerFactory(properties).getScheduler();
    scheduler.scheduleJob(JobBuilder.newJob(RecordingJob.class).withIdentity("job").build(),
        TriggerBuilder.newTrigger().withIdentity("job").startNow().withSchedule(Schedules.of("test", "1s")).build());
  }

  @AfterEach
  void stopScheduler() throws Exception {
    scheduler.shutdown(true);
  }

  @Test
  void slotsMissedWhileTheServiceWasDownRunOnceAtOnceNotOncePerSlot() throws Exception {
    firstRunTakes = Duration.ZERO;
    scheduler.start();
    await(() -> RUNS.size() >= 2, Duration.ofSeconds(10));

    scheduler.standby();
    Instant down = Instant.now();
    await(() -> Instant.now().isAfter(down.plusMillis(5_500)), Duration.ofSeconds(10)); // five slots pass while down
    int before = RUNS.size();
    Instant up = Instant.now();
    scheduler.start();
    await(() -> Instant.now().isAfter(up.plusMillis(2_600)), Duration.ofSeconds(10));

    List<Run> after = RUNS.subList(before, RUNS.size());
    assertThat(after).isNotEmpty();
    assertThat(Duration.between(up, after.get(0).start())).as("the missed slots' run starts at once").isLessThan(Duration.ofMillis(900));
    assertThat(after.stream().filter(run -> run.start().isBefore(up.plusMillis(900))))
        .as("one run for five missed slots").hasSize(1);
    assertThat(after).as("then once per interval").hasSizeBetween(2, 4);
  }

  @Test
  void slotsCoveredByALongRunAreNeitherOverlappedNorRunOnceEachAfterwards() throws Exception {
    firstRunTakes = Duration.ofMillis(3_500);
    scheduler.start();
    await(() -> RUNS.size() >= 1, Duration.ofSeconds(10));
    Instant longRunEnded = RUNS.get(0).end();
    await(() -> Instant.now().isAfter(longRunEnded.plusMillis(2_600)), Duration.ofSeconds(10));

    List<Run> after = RUNS.subList(1, RUNS.size());
    assertThat(after).isNotEmpty();
    assertThat(after.get(0).start()).as("no overlap").isAfterOrEqualTo(longRunEnded);
    assertThat(after.stream().filter(run -> run.start().isBefore(longRunEnded.plusMillis(900))))
        .as("one run for the three slots the long run covered").hasSize(1);
    assertThat(after).as("then once per interval").hasSizeBetween(2, 4);
  }

  @Test
  void badSchedulesAreRefusedWithTheWhat() {
    assertThatThrownBy(() -> Schedules.of("silver", "every hour"))
        .isInstanceOf(LakehouseException.class)
        .hasMessageStartingWith("the silver schedule 'every hour' is not a Quartz cron expression");
    assertThatThrownBy(() -> Schedules.of("gold", "soon"))
        .isInstanceOf(LakehouseException.class)
        .hasMessage("the gold schedule 'soon' is neither an interval (30s, 5m, 1h) nor a cron expression");
    assertThatThrownBy(() -> Schedules.of("view live_kpis", "500ms"))
        .isInstanceOf(LakehouseException.class)
        .hasMessage("the view live_kpis schedule must be at least 1s, cannot be: 500ms");
  }

  private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("condition within %s", timeout).isBefore(deadline);
      Thread.sleep(50);
    }
  }
}
