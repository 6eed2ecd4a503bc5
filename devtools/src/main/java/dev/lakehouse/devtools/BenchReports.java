package dev.lakehouse.devtools;

import dev.lakehouse.core.ProjectHome;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.devtools.bench.ProcessMemory;
import dev.lakehouse.devtools.bench.Report;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Where bench reports go and what they say about the machine. */
final class BenchReports {

  private BenchReports() {}

  /** A report under {@code <state dir>/bench/} unless a directory is given. */
  static Report create(LakehouseConfig config, Optional<Path> directory) {
    Map<String, Object> environment = new LinkedHashMap<>();
    environment.put("cores", Runtime.getRuntime().availableProcessors());
    environment.put("driver_max_heap_bytes", Runtime.getRuntime().maxMemory());
    environment.put("java", System.getProperty("java.version"));
    environment.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
    environment.put("spark_master", config.spark().master());
    environment.put("storage_root", config.storage().root());
    environment.put("kafka", config.kafka().bootstrapServers());
    ProcessMemory.loadAverage().ifPresent(load -> environment.put("load_average_1m_at_start", load));
    return new Report(directory.orElseGet(() -> ProjectHome.resolve(config.local().stateDir()).resolve("bench")), environment);
  }

  static void printWhere(Report report) {
    System.out.printf("bench report: %s (chart %s, table %s); goals %s%n", report.json(), report.html(), report.markdown(),
        report.allMet() ? "all met" : "NOT all met");
  }
}
