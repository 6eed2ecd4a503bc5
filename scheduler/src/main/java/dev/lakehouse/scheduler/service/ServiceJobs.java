package dev.lakehouse.scheduler.service;

import dev.lakehouse.core.storage.TableLease;
import dev.lakehouse.core.runs.RunRecord;
import dev.lakehouse.gold.GoldBuilder;
import dev.lakehouse.gold.GoldPlan;
import dev.lakehouse.gold.GoldRunResult;
import dev.lakehouse.silver.SilverRunResult;
import dev.lakehouse.views.ViewDefinition;
import dev.lakehouse.views.ViewRefresh;
import dev.lakehouse.views.ViewRefresher;
import java.time.Instant;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.quartz.SchedulerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's Quartz jobs. Each never overlaps with itself ({@code @DisallowConcurrentExecution});
 * a failure is logged and recorded (by the layer in {@code _system/runs} or
 * {@code _system/view_status}) and the job simply runs again on its next slot — it never stops
 * the scheduler or the other jobs.
 */
final class ServiceJobs {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceJobs.class);
  static final String CONTEXT_KEY = "lakehouse.service";
  static final String VIEW_KEY = "view";

  private ServiceJobs() {}

  /** Common part: find the service, run, never let an exception reach Quartz. */
  abstract static class ServiceJob implements Job {
    @Override
    public final void execute(JobExecutionContext context) {
      String name = context.getJobDetail().getKey().getName();
      Instant started = Instant.now();
      try {
        ServiceContext service = (ServiceContext) context.getScheduler().getContext().get(CONTEXT_KEY);
        run(service, context);
        service.jobFinished(name, started, null);
      } catch (SchedulerException e) {
        LOG.error("job {}: the scheduler context is missing: {}", name, e.getMessage());
      } catch (RuntimeException e) {
        LOG.error("job {} failed; it runs again on its next slot: {}", name, e.getMessage());
        try {
          ((ServiceContext) context.getScheduler().getContext().get(CONTEXT_KEY)).jobFinished(name, started, e);
        } catch (SchedulerException | RuntimeException ignored) {
          // already logged above
        }
      }
    }

    abstract void run(ServiceContext service, JobExecutionContext context);
  }

  @DisallowConcurrentExecution
  public static final class SilverJob extends ServiceJob {
    @Override
    void run(ServiceContext service, JobExecutionContext context) {
      RuntimeException first = null;
      for (dev.lakehouse.silver.SilverRefine silver : service.silver()) {
        String table = silver.table().name();
        if (!silver.bronzeExists()) { // right after the first start: the streams have not written yet
          LOG.info("silver.{}: nothing ingested yet; it runs on its next slot", table);
          continue;
        }
        try { // one table's failure (a failed gate) does not hold back the others
          SilverRunResult result;
          try (TableLease lease = service.writing("silver_" + table)) {
            result = silver.run();
          }
          LOG.info("silver.{}: {} bronze rows -> {} new rows, {} quarantined", table, result.rowsIn(), result.rowsOut(),
              result.quarantined());
        } catch (RuntimeException e) {
          LOG.warn("silver.{} failed: {}", table, String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
          first = first == null ? e : first;
        }
      }
      if (first != null) {
        throw first;
      }
    }
  }

  @DisallowConcurrentExecution
  public static final class GoldJob extends ServiceJob {
    @Override
    void run(ServiceContext service, JobExecutionContext context) {
      GoldBuilder gold = service.gold();
      if (gold == null) {
        return; // a pipeline without gold tables
      }
      GoldRunResult result;
      try (TableLease lease = service.writing("gold")) {
        GoldPlan plan = gold.plan();
        result = gold.build(plan, GoldBuilder.JOB,
            build -> LOG.info("gold {}: {} silver events ({})", build.date(), build.silverRows(), build.reason()));
      }
      LOG.info("gold: {} date(s) built", result.dates().size());
    }
  }

  @DisallowConcurrentExecution
  public static final class ViewJob extends ServiceJob {
    @Override
    void run(ServiceContext service, JobExecutionContext context) {
      ViewDefinition view = service.view(context.getMergedJobDataMap().getString(VIEW_KEY));
      ViewRefresher refresher = service.refresher(view.name());
      if (!refresher.sourceExists(view)) { // right after the first start: the streams have not written yet
        LOG.info("view {}: nothing ingested yet; it refreshes on its next slot", view.name());
        return;
      }
      ViewRefresh refresh;
      try (TableLease lease = service.writing("view_" + view.name())) {
        refresh = refresher.refresh(view);
      }
      LOG.info("view {}: {} ({}), {} rows", view.name(), refresh.mode(), refresh.reason(), refresh.rows());
    }
  }

  @DisallowConcurrentExecution
  public static final class MaintenanceJob extends ServiceJob {
    @Override
    void run(ServiceContext service, JobExecutionContext context) {
      service.maintenance().run();
    }
  }

  static RunRecord failed(String job, Instant started, RuntimeException e) {
    return new RunRecord(job + "-" + started.toEpochMilli(), job, "scheduled run", started, Instant.now(), RunRecord.FAILED,
        0, 0, 0, String.valueOf(e.getMessage()));
  }
}
