package dev.lakehouse.scheduler.cli;

import static org.apache.spark.sql.functions.col;

import dev.lakehouse.bronze.OutageWatch;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.core.config.SourceConfig;
import dev.lakehouse.core.definitions.SilverTableDefinition;
import dev.lakehouse.scheduler.console.ConsoleOverview;
import dev.lakehouse.scheduler.console.ConsoleReads;
import dev.lakehouse.scheduler.console.Freshness;
import dev.lakehouse.scheduler.console.StaticOverviewPage;
import dev.lakehouse.scheduler.pipeline.PipelineRuntime;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.core.storage.TableLocations;
import dev.lakehouse.quality.store.QualityResultsStore;
import dev.lakehouse.views.ViewDefinition;
import dev.lakehouse.views.ViewStatusLog;
import io.delta.tables.DeltaTable;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse status}: freshness of every layer and view; exit 3 when one is stale or failing. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Freshness of every layer and view, their last runs, and the last quality result.",
      "A layer or view is stale when its last success is older than twice its schedule plus a minute",
      "(a cron schedule: 26 hours). Exit code 3 when something is stale or its last run failed,",
      "or when the Kafka broker or the storage does not answer."
    })
final class StatusCommand implements Callable<Integer> {

  static final int STALE_EXIT = 3;

  @ParentCommand LakehouseCli root;

  @Option(names = "--definitions", paramLabel = "DIR", description = "Folder of user definitions (default: definitions.dir).")
  Path definitions;

  @Option(names = "--html", paramLabel = "FILE",
      description = "Also write the overview (pipeline graph, every table's state, rows and age) as one static HTML page.")
  Path html;

  private boolean healthy = true;

  @Override
  public Integer call() {
    PipelineRuntime runtime = root.runtime("lakehouse-status", definitions);
    LakehouseConfig config = runtime.config();
    SparkSession spark = runtime.spark();
    TableLocations locations = runtime.locations();
    PrintStream out = System.out;
    Instant now = Instant.now();
    out.printf("%-8s %-20s %-28s %-10s %-9s %-10s %s%n", "layer", "name", "last", "status", "age", "allowance", "state");
    boolean storageAnswers = true;
    for (OutageWatch.Probe probe : OutageWatch.probeNow(spark, config)) {
      out.printf("%-8s %-20s %-28s %-10s %-9s %-10s %s%n", "service", probe.what(), probe.endpoint(), "-", "-", "-",
          probe.answers() ? "ok (answers)" : "DOWN (" + probe.problem().orElseThrow() + ")");
      healthy &= probe.answers();
      storageAnswers &= !probe.what().equals("storage") || probe.answers();
    }
    if (!storageAnswers) {
      return STALE_EXIT; // every line below reads the storage
    }
    if (html != null) {
      ConsoleOverview.Overview overview = new ConsoleOverview(runtime.pipeline(), config.schedules(),
          new ConsoleReads(spark, locations)).build(now);
      StaticOverviewPage.write(overview, html);
      out.println("overview page: " + html.toAbsolutePath());
    }

    Map<String, Instant> bronzeCommits = new HashMap<>();
    for (SourceConfig source : runtime.pipeline().sources()) {
      String bronze = locations.bronze(source.name());
      if (DeltaTable.isDeltaTable(spark, bronze)) {
        Row commit = DeltaTable.forPath(spark, bronze).history(1).select("version", "timestamp").first();
        bronzeCommits.put(source.name(), commit.getTimestamp(1).toInstant());
        out.printf("%-8s %-20s %-28s %-10s %-9s %-10s %s%n", "bronze", source.name(), "commit v" + commit.getLong(0), "-",
            ViewsCommand.ago(Duration.between(commit.getTimestamp(1).toInstant(), now)), "-", "ok (streaming; ages while no events arrive)");
      } else {
        line(out, "bronze", source.name(), "no table yet", null, null, null, now);
      }
    }

    Map<String, ConsoleReads.Run> lastRuns = ConsoleOverview.lastRuns(new ConsoleReads(spark, locations).runs());
    for (SilverTableDefinition table : runtime.pipeline().silverTables()) {
      job(out, "silver", table.name(), lastRuns.get("silver:" + table.name()), Freshness.allowance(config.schedules().silver()), now,
          Optional.ofNullable(bronzeCommits.get(table.source())));
    }
    if (!runtime.pipeline().gold().isEmpty()) {
      job(out, "gold", "daily tables", lastRuns.get("gold"), Freshness.allowance(config.schedules().gold()), now, Optional.empty());
    }

    Map<String, Row> views = new HashMap<>();
    new ViewStatusLog(spark, locations).latest().forEach(row -> views.put(row.getString(row.fieldIndex("view")), row));
    for (ViewDefinition view : runtime.pipeline().views()) {
      Row last = views.get(view.name());
      Duration allowance = Freshness.allowance(view.schedule());
      if (last == null) {
        line(out, "view", view.name(), "never refreshed", null, null, allowance, now);
      } else {
        Instant ended = last.getTimestamp(last.fieldIndex("ended_at")).toInstant();
        String status = last.getString(last.fieldIndex("status"));
        line(out, "view", view.name(), last.getString(last.fieldIndex("mode")) + " refresh", status, ended, allowance, now);
      }
    }

    String quality = locations.system(QualityResultsStore.TABLE);
    List<String> suites = runtime.pipeline().silverTables().stream().map(table -> runtime.pipeline().suite(table.name()).name())
        .distinct().toList();
    for (String suite : DeltaTable.isDeltaTable(spark, quality) ? suites : List.<String>of()) {
      List<Row> newest = spark.read().format("delta").load(quality)
          .where(col("suite").equalTo(suite))
          // a suite with only row-level expectations evaluates none on the table: show the result that checked something
          .orderBy(col("evaluated_expectations").gt(0).desc(), col("validated_at").desc()).limit(1).collectAsList();
      if (newest.isEmpty()) {
        continue;
      }
      Row result = newest.get(0);
      out.printf("%-8s %-20s %-28s %-10s %-9s %-10s %s%n", "quality", result.getString(result.fieldIndex("suite")),
          result.getString(result.fieldIndex("run_id")), result.getBoolean(result.fieldIndex("success")) ? "success" : "failures",
          ViewsCommand.ago(Duration.between(result.getTimestamp(result.fieldIndex("validated_at")).toInstant(), now)), "-",
          result.getInt(result.fieldIndex("unsuccessful_expectations")) + " of " + result.getInt(result.fieldIndex("evaluated_expectations"))
              + " expectations failed; gate " + (result.getBoolean(result.fieldIndex("gate_passed")) ? "passed" : "FAILED"));
    }
    return healthy ? 0 : STALE_EXIT;
  }

  /** {@code newestInput}: a silver table's newest bronze commit ({@link Freshness#ofRefined}); empty for gold. */
  private void job(PrintStream out, String layer, String name, ConsoleReads.Run last, Duration allowance, Instant now,
      Optional<Instant> newestInput) {
    if (last == null) {
      line(out, layer, name, "never ran", null, null, allowance, now);
      return;
    }
    Instant ended = Instant.parse(last.endedAt());
    line(out, layer, name, last.job() + " run", last.status(), ended, allowance, now,
        Freshness.ofRefined(last.status(), Instant.parse(last.startedAt()), ended, allowance, now, newestInput));
  }

  private void line(PrintStream out, String layer, String name, String what, String status, Instant ended, Duration allowance, Instant now) {
    line(out, layer, name, what, status, ended, allowance, now, Freshness.of(status, ended, allowance, now));
  }

  private void line(PrintStream out, String layer, String name, String what, String status, Instant ended, Duration allowance,
      Instant now, Freshness freshness) {
    healthy &= freshness == Freshness.OK;
    out.printf("%-8s %-20s %-28s %-10s %-9s %-10s %s%n", layer, name, what, status == null ? "-" : status,
        ended == null ? "-" : ViewsCommand.ago(Duration.between(ended, now)), allowance == null ? "-" : ViewsCommand.ago(allowance),
        freshness.label());
  }
}
