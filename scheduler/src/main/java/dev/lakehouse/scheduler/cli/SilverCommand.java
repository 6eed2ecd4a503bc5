package dev.lakehouse.scheduler.cli;

import dev.lakehouse.core.storage.TableLease;
import dev.lakehouse.scheduler.pipeline.PipelineRuntime;
import dev.lakehouse.silver.SilverRefine;
import dev.lakehouse.silver.SilverRunResult;
import dev.lakehouse.core.progress.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse silver [--table NAME]}: one incremental bronze → silver run per table. */
@Command(
    name = "silver",
    mixinStandardHelpOptions = true,
    description = {
      "Refine the bronze rows that arrived since the last run into each silver table (or those named).",
      "Parses strictly by the table's columns, runs its expectation suite (row-level failures go to",
      "quarantine/<table>, table-level failures at severity error stop the batch), and dedupes on its key",
      "(append tables: the first arrival wins; upsert tables: the latest version by sequence wins)."
    })
public final class SilverCommand implements Callable<Integer> {

  @ParentCommand LakehouseCli root;

  @Option(names = "--table", paramLabel = "NAME", description = "Only this silver table (repeatable; default: every table).")
  List<String> tables;

  @Option(names = "--definitions", paramLabel = "DIR", description = "Folder of pipeline definitions (default: definitions.dir).")
  Path definitions;

  @Override
  public Integer call() {
    PipelineRuntime runtime = root.runtime("lakehouse-silver", definitions);
    List<SilverRefine> refines = new ArrayList<>();
    if (tables == null) {
      refines.addAll(runtime.silverRefines(Optional.empty()));
    } else {
      tables.forEach(table -> refines.addAll(runtime.silverRefines(Optional.of(table))));
    }
    try (Progress progress = Progress.start("silver", refines.size(), "tables")) {
      for (SilverRefine refine : refines) {
        if (tables == null && !refine.bronzeExists()) {
          progress.stepAndPrint(1, String.format("silver/%s: bronze/%s has no data yet; ingest first (`./lakehouse ingest --once`)",
              refine.table().name(), refine.table().source()));
          continue;
        }
        try (TableLease lease = runtime.writing("silver_" + refine.table().name(), "lakehouse silver", PipelineRuntime.WRITE_WAIT)) {
          String done = describe(refine.run(), refine);
          progress.stepAndPrint(1, done);
        }
      }
    }
    return 0;
  }

  public static void print(SilverRunResult result, SilverRefine refine) {
    System.out.println(describe(result, refine));
  }

  /** What a run did, in the lines {@code silver} prints. */
  static String describe(SilverRunResult result, SilverRefine refine) {
    if (!refine.table().isAppend()) {
      return String.format("silver/%s (%s): %,d bronze rows in %d batches -> %,d inserted, %,d updated, %,d deleted,"
              + " %,d quarantined, %,d versions changed nothing%s, %.1f s%n  silver: %s%n  quarantine: %s",
          refine.table().name(), refine.table().isHistory() ? "upsert, history" : "upsert, current", result.rowsIn(),
          result.batches(), result.rowsOut(), result.updated(), result.deleted(), result.quarantined(), result.duplicates(),
          result.tombstones() > 0 ? String.format(", %,d tombstones skipped", result.tombstones()) : "",
          result.duration().toMillis() / 1000.0, refine.silverTable(), refine.quarantineTable());
    }
    return String.format("silver/%s: %,d bronze rows in %d batches -> %,d new rows, %,d quarantined,"
            + " %,d duplicates dropped, %.1f s%n  silver: %s%n  quarantine: %s",
        refine.table().name(), result.rowsIn(), result.batches(), result.rowsOut(), result.quarantined(), result.duplicates(),
        result.duration().toMillis() / 1000.0, refine.silverTable(), refine.quarantineTable());
  }
}
