package dev.lakehouse.scheduler.service;

import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.runs.RunLog;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.scheduler.pipeline.PipelineRuntime;
import dev.lakehouse.gold.GoldBuilder;
import dev.lakehouse.gold.GoldDefinitions;
import dev.lakehouse.quality.suite.ExpectationSuite;
import dev.lakehouse.silver.SilverRefine;
import dev.lakehouse.views.ViewDefinition;
import dev.lakehouse.views.ViewRefresher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SparkSession;

/**
 * What the service's jobs share: one SparkSession and one worker per layer. Each job is
 * non-concurrent with itself, so a worker is never used by two threads; different views have
 * different refreshers (each with its own session-scoped temp views).
 */
final class ServiceContext {

  /** One finished job execution, kept for tests and the log. */
  record Execution(String job, Instant startedAt, Instant endedAt, boolean succeeded) {}

  private final PipelineRuntime runtime;
  private final List<SilverRefine> silver;
  private final GoldBuilder gold;
  private final Map<String, ViewDefinition> views = new ConcurrentHashMap<>();
  private final Map<String, ViewRefresher> refreshers = new ConcurrentHashMap<>();
  private final TableMaintenance maintenance;
  private final RunLog runs;
  private final List<Execution> executions = Collections.synchronizedList(new ArrayList<>());

  ServiceContext(PipelineRuntime runtime) {
    this.runtime = runtime;
    TableLocations locations = runtime.locations();
    this.silver = runtime.silverRefines(java.util.Optional.empty());
    this.gold = runtime.pipeline().gold().isEmpty() ? null : runtime.goldBuilder();
    for (ViewDefinition view : runtime.pipeline().views()) {
      views.put(view.name(), view);
      refreshers.put(view.name(), runtime.viewRefresher());
    }
    this.maintenance = new TableMaintenance(runtime.spark(), locations, runtime.config().schedules().vacuumRetention());
    this.runs = new RunLog(runtime.spark(), locations);
  }

  /** The write lease on {@code name} (on S3; see TableLease), waiting for an operator's command to finish. */
  dev.lakehouse.core.storage.TableLease writing(String name) {
    return runtime.writing(name, "lakehouse run (scheduled)", PipelineRuntime.WRITE_WAIT);
  }

  /** One per silver table, in name order. */
  List<SilverRefine> silver() {
    return silver;
  }

  /** Null when the pipeline has no gold tables. */
  GoldBuilder gold() {
    return gold;
  }

  ViewDefinition view(String name) {
    return views.get(name);
  }

  ViewRefresher refresher(String view) {
    return refreshers.get(view);
  }

  /** Waits for the refreshers' background work, before Spark stops. */
  void closeRefreshers() {
    refreshers.values().forEach(ViewRefresher::close);
  }

  TableMaintenance maintenance() {
    return maintenance;
  }

  void jobFinished(String job, Instant started, RuntimeException failure) {
    executions.add(new Execution(job, started, Instant.now(), failure == null));
    if (failure != null) {
      try {
        runs.record(ServiceJobs.failed("service-" + job, started, failure));
      } catch (RuntimeException e) {
        // the job's failure is logged; a failing run log must not hide it
      }
    }
  }

  List<Execution> executions() {
    synchronized (executions) {
      return List.copyOf(executions);
    }
  }
}
