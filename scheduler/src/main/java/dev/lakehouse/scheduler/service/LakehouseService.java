package dev.lakehouse.scheduler.service;

import dev.lakehouse.bronze.BronzeIngest;
import dev.lakehouse.bronze.OutageWatch;
import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.scheduler.pipeline.Pipeline;
import dev.lakehouse.scheduler.pipeline.PipelineLoader;
import dev.lakehouse.scheduler.pipeline.PipelineRuntime;
import java.util.Map;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.views.ViewDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.Job;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.TriggerBuilder;
import org.quartz.impl.StdSchedulerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code lakehouse run}: the bronze streaming queries plus Quartz jobs for silver, gold, every
 * view on its own schedule, and maintenance. {@link #stop()} stops the scheduler first, waiting
 * for running jobs, then the streams at a batch boundary.
 */
public final class LakehouseService {

  private static final Logger LOG = LoggerFactory.getLogger(LakehouseService.class);

  private final SparkSession spark;
  private final LakehouseConfig config;
  private final List<SourceConfig> sources;
  private final ServiceContext context;
  private final List<ViewDefinition> views;
  private final List<StreamingQuery> queries = new ArrayList<>();
  private final List<dev.lakehouse.core.storage.TableLease> bronzeLeases = new ArrayList<>();
  private final PipelineRuntime runtime;
  private Scheduler scheduler;
  private OutageWatch watch;

  /** The built-in pipeline with {@code views} (tests and tools). */
  public LakehouseService(SparkSession spark, LakehouseConfig config, ExpectationSuite suite, List<ViewDefinition> views) {
    this(builtIn(spark, config, views));
  }

  public LakehouseService(PipelineRuntime runtime) {
    this.runtime = runtime;
    this.spark = runtime.spark();
    this.config = runtime.config();
    this.sources = runtime.pipeline().sources();
    this.views = runtime.pipeline().views();
    this.context = new ServiceContext(runtime);
  }

  private static PipelineRuntime builtIn(SparkSession spark, LakehouseConfig config, List<ViewDefinition> views) {
    Pipeline builtIn = PipelineLoader.load(dev.lakehouse.core.config.DefinitionsConfig.builtInOnly(), config.kafka(), Map.of());
    Pipeline pipeline = new Pipeline(builtIn.origin(), builtIn.sources(), builtIn.silverTables(), builtIn.suites(),
        builtIn.gold(), views, Map.of());
    return PipelineRuntime.open(config, pipeline, spark);
  }

  /** Starts the streams and the schedules; returns at once. */
  public synchronized void start() {
    // the streams write bronze for the service's whole life: a second `ingest` or `run` is refused at once
    for (SourceConfig source : sources) {
      bronzeLeases.add(runtime.writing("bronze_" + source.name(), "lakehouse run", java.time.Duration.ZERO));
    }
    watch = OutageWatch.start(spark, config);
    BronzeIngest ingest = new BronzeIngest(spark, config);
    for (SourceConfig source : sources) {
      queries.add(ingest.startContinuous(source));
      LOG.info("streaming topic '{}' into bronze/{}", source.topic(), source.name());
    }
    try {
      Properties properties = new Properties();
      properties.setProperty("org.quartz.scheduler.instanceName", "lakehouse");
      properties.setProperty("org.quartz.threadPool.threadCount", Integer.toString(Math.max(4, views.size() + 3)));
      properties.setProperty("org.quartz.jobStore.class", "org.quartz.simpl.RAMJobStore");
      properties.setProperty("org.quartz.jobStore.misfireThreshold", "5000");
      properties.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
      scheduler = new StdSchedulerFactory(properties).getScheduler();
      scheduler.getContext().put(ServiceJobs.CONTEXT_KEY, context);
      schedule("silver", ServiceJobs.SilverJob.class, config.schedules().silver(), null);
      schedule("gold", ServiceJobs.GoldJob.class, config.schedules().gold(), null);
      schedule("maintenance", ServiceJobs.MaintenanceJob.class, config.schedules().maintenance(), null);
      for (ViewDefinition view : views) {
        schedule("view-" + view.name(), ServiceJobs.ViewJob.class,
            view.schedule().cron().orElseGet(() -> view.schedule().every().orElseThrow().toMillis() + "ms"), view.name());
      }
      scheduler.start();
    } catch (SchedulerException e) {
      stopStreams();
      throw new LakehouseException("the Quartz scheduler did not start: " + e.getMessage(), e);
    }
  }

  private void schedule(String name, Class<? extends Job> job, String when, String view) throws SchedulerException {
    JobBuilder builder = JobBuilder.newJob(job).withIdentity(name);
    if (view != null) {
      builder.usingJobData(ServiceJobs.VIEW_KEY, view);
    }
    JobDetail detail = builder.build();
    scheduler.scheduleJob(detail, TriggerBuilder.newTrigger().withIdentity(name).withSchedule(Schedules.of(name, when)).startNow().build());
    LOG.info("scheduled {} ({})", name, when);
  }

  /** Stops the schedules (waiting for running jobs), then the streams. Safe to call twice. */
  public synchronized void stop() {
    if (scheduler != null) {
      try {
        LOG.info("stopping the scheduler; waiting for running jobs");
        scheduler.shutdown(true);
      } catch (SchedulerException e) {
        LOG.warn("stopping the scheduler failed: {}", e.getMessage());
      }
      scheduler = null;
      context.closeRefreshers();
    }
    stopStreams();
    if (watch != null) {
      watch.close();
      watch = null;
    }
  }

  private void stopStreams() {
    for (StreamingQuery query : queries) {
      try {
        query.stop();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", query.name(), e.getMessage());
      }
    }
    queries.clear();
    bronzeLeases.forEach(dev.lakehouse.core.storage.TableLease::close);
    bronzeLeases.clear();
  }

  /** Fails with the streams' error if one stopped; used to keep the service's main thread alive. */
  public void awaitStreams() {
    BronzeIngest ingest = new BronzeIngest(spark, config);
    List<StreamingQuery> running;
    synchronized (this) {
      running = List.copyOf(queries);
    }
    for (int i = 0; i < running.size(); i++) {
      ingest.awaitTermination(running.get(i), sources.get(i));
    }
  }

  List<ServiceContext.Execution> executions() {
    return context.executions();
  }
}
