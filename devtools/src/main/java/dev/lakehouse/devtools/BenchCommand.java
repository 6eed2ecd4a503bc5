package dev.lakehouse.devtools;

import dev.lakehouse.scheduler.cli.LakehouseCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lakehouse bench}: side-by-side measurements, each against a baseline in the same run. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measure speed against baselines in the same run, and write a report (JSON, an HTML chart and",
      "a Markdown table) under <state dir>/bench/. `bench all` runs every part below in one run.",
      "Every part needs a broker (`./lakehouse local up`; `upserts` does not) and works under",
      "<root>/_bench/ on a fresh topic; local bench tables are deleted afterwards unless --keep."
    },
    subcommands = {BenchAllCommand.class, BenchIngestCommand.class, BenchSilverCommand.class, BenchViewsCommand.class,
        BenchGoldCommand.class, BenchLatencyCommand.class, BenchUpsertsCommand.class})
final class BenchCommand implements Runnable {

  @ParentCommand LakehouseCli root;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
