package dev.lakehouse.devtools;

import dev.lakehouse.core.spark.ApplicationJars;
import dev.lakehouse.scheduler.cli.LakehouseCli;
import dev.lakehouse.testing.generator.ClickstreamGenerator;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/**
 * The command line of a developer checkout ({@code ./lakehouse}): every production command plus
 * {@code demo}, {@code generate} and {@code bench}, which need the event generator and so stay
 * out of the production jar ({@code scheduler/target/lakehouse.jar}).
 */
public final class DevtoolsCli {

  private DevtoolsCli() {}

  public static void main(String[] args) {
    // on a cluster the executors also need this module's and the generator's classes (bench's UDFs)
    System.setProperty(ApplicationJars.EXTRA_JARS_PROPERTY, jarOf(DevtoolsCli.class) + "," + jarOf(ClickstreamGenerator.class));
    System.exit(LakehouseCli.execute(List.of(new DemoCommand(), new GenerateCommand(), new BenchCommand()), args));
  }

  private static String jarOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
