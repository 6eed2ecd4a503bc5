package dev.lakehouse.devtools;

import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.devtools.bench.Comparison;
import dev.lakehouse.devtools.bench.Report;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every bench part shares: keeping its tables and where its report goes. */
final class BenchOptions {

  @Option(names = "--keep", description = "Keep the bench tables (local roots are deleted by default).")
  boolean keep;

  @Option(names = "--report-dir", paramLabel = "DIR", description = "Where the report goes (default: <state dir>/bench).")
  Path reportDir;

  Report report(LakehouseConfig config) {
    return BenchReports.create(config, Optional.ofNullable(reportDir));
  }

  /** A report of one part alone: the comparison added, the files' paths printed. */
  Comparison reportAlone(LakehouseConfig config, Comparison comparison) {
    Report report = report(config);
    report.add(comparison);
    BenchReports.printWhere(report);
    return comparison;
  }
}
