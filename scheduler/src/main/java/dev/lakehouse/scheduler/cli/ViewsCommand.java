package dev.lakehouse.scheduler.cli;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.DefinitionsConfig;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.scheduler.pipeline.PipelineRuntime;
import dev.lakehouse.core.spark.SparkSessions;
import dev.lakehouse.quality.suite.SuiteLoader;
import dev.lakehouse.views.ViewDefinition;
import dev.lakehouse.views.ViewDefinitions;
import dev.lakehouse.views.ViewRefresh;
import dev.lakehouse.views.ViewRefresher;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse views list|refresh}. */
@Command(
    name = "views",
    mixinStandardHelpOptions = true,
    description = "Materialized views: list their definitions and freshness, or refresh them now.",
    subcommands = {ViewsCommand.ListViews.class, ViewsCommand.Refresh.class})
public final class ViewsCommand implements Runnable {

  @ParentCommand LakehouseCli root;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }


  /** The view called {@code name}, or a one-line error that lists the known ones. */
  public static ViewDefinition named(List<ViewDefinition> all, String name) {
    return all.stream().filter(view -> view.name().equals(name)).findFirst().orElseThrow(() -> new LakehouseException(
        "no view named '" + name + "'; known views: " + String.join(", ", all.stream().map(ViewDefinition::name).toList())));
  }


  @Command(name = "list", mixinStandardHelpOptions = true, description = "Each view's source, schedule, policy, last refresh and freshness.")
  static final class ListViews implements Callable<Integer> {

    @ParentCommand ViewsCommand views;

    @Option(names = "--definitions", paramLabel = "DIR", description = "Folder of pipeline definitions (default: definitions.dir).")
    Path definitions;

    @Override
    public Integer call() {
      PipelineRuntime runtime = views.root.runtime("lakehouse-views", definitions);
      List<ViewDefinition> all = runtime.pipeline().views();
      Map<String, Row> latest = new HashMap<>();
      runtime.viewRefresher().status().latest().forEach(row -> latest.put(row.getString(row.fieldIndex("view")), row));
      PrintStream out = System.out;
      out.printf("%-16s %-18s %-12s %-11s %-8s %-20s %-12s %-10s %s%n", "view", "source", "schedule", "refresh", "window",
          "last refresh", "mode", "freshness", "rows / reason");
      for (ViewDefinition view : all) {
        Row last = latest.get(view.name());
        String when = "never";
        String mode = "-";
        String fresh = "-";
        String detail = view.description();
        if (last != null) {
          Instant ended = last.getTimestamp(last.fieldIndex("ended_at")).toInstant();
          when = ago(Duration.between(ended, Instant.now())) + " ago";
          mode = last.getString(last.fieldIndex("status")).equals(ViewRefresh.SUCCEEDED) ? last.getString(last.fieldIndex("mode")) : "FAILED";
          fresh = last.isNullAt(last.fieldIndex("newest_source_at")) ? "-"
              : ago(Duration.between(last.getTimestamp(last.fieldIndex("newest_source_at")).toInstant(), Instant.now()));
          detail = mode.equals("FAILED") ? last.getString(last.fieldIndex("message"))
              : String.format("%,d rows; %s", last.getLong(last.fieldIndex("rows")), last.getString(last.fieldIndex("reason")));
        }
        out.printf("%-16s %-18s %-12s %-11s %-8s %-20s %-12s %-10s %s%n", view.name(), view.source(), view.schedule(),
            view.refresh().name().toLowerCase(), ago(view.window()), when, mode, fresh, detail);
      }
      return 0;
    }
  }

  @Command(name = "refresh", mixinStandardHelpOptions = true, description = "Refresh the named views (default: all) now.")
  static final class Refresh implements Callable<Integer> {

    @ParentCommand ViewsCommand views;

    @Parameters(paramLabel = "NAME", arity = "0..*", description = "Views to refresh (default: every view).")
    List<String> names = new ArrayList<>();

    @Option(names = "--definitions", paramLabel = "DIR", description = "Folder of pipeline definitions (default: definitions.dir).")
    Path definitions;

    @Override
    public Integer call() {
      PipelineRuntime runtime = views.root.runtime("lakehouse-views", definitions);
      List<ViewDefinition> all = runtime.pipeline().views();
      List<ViewDefinition> chosen = new ArrayList<>();
      for (String name : names) {
        chosen.add(named(all, name));
      }
      try (ViewRefresher refresher = runtime.viewRefresher()) {
        for (ViewDefinition view : chosen.isEmpty() ? all : chosen) {
          try (dev.lakehouse.core.storage.TableLease lease =
              runtime.writing("view_" + view.name(), "lakehouse views refresh", PipelineRuntime.WRITE_WAIT)) {
            print(refresher.refresh(view), refresher, System.out);
          }
        }
      }
      return 0;
    }
  }

  public static void print(ViewRefresh refresh, ViewRefresher refresher, PrintStream out) {
    out.printf("view %s: %s refresh (%s), %d bucket(s), %,d rows, %.1f s, freshness %s -> %s%n", refresh.view(), refresh.mode(),
        refresh.reason(), refresh.bucketsWritten(), refresh.rows(), refresh.duration().toMillis() / 1000.0,
        refresh.freshness().map(ViewsCommand::ago).orElse("-"), refresher.viewTable(refresh.view()));
  }

  public static String ago(Duration duration) {
    long seconds = Math.max(0, duration.toSeconds());
    if (seconds < 120) {
      return seconds + "s";
    }
    if (seconds < 7200) {
      return seconds / 60 + "m";
    }
    if (seconds < 172_800) {
      return seconds / 3600 + "h";
    }
    return seconds / 86_400 + "d";
  }
}
