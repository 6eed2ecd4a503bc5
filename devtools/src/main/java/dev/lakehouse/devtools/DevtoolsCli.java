package dev.lakehouse.devtools;

import dev.lakehouse.scheduler.cli.LakehouseCli;
import java.util.List;

/**
 * The command line of a developer checkout ({@code ./lakehouse}): every production command plus
 * {@code demo}, {@code generate} and {@code bench}, which need the event generator and so stay
 * out of the production jar ({@code scheduler/target/lakehouse.jar}).
 */
public final class DevtoolsCli {

  private DevtoolsCli() {}

  public static void main(String[] args) {
    System.exit(LakehouseCli.execute(List.of(new DemoCommand(), new GenerateCommand(), new BenchCommand()), args));
  }
}
