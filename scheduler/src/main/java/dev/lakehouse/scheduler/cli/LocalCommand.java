package dev.lakehouse.scheduler.cli;

import dev.lakehouse.scheduler.local.LocalServices;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse local up|down|status}. */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = "The local Kafka broker (localhost:9092) and S3 server (localhost:9000); with --cluster a Spark standalone cluster (spark://127.0.0.1:7077).",
    subcommands = {LocalCommand.Up.class, LocalCommand.Down.class, LocalCommand.Status.class})
final class LocalCommand implements Runnable {

  @ParentCommand LakehouseCli root;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  LocalServices services() {
    return new LocalServices(root.config());
  }

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = "Start the broker and the S3 server and create the bucket; running twice leaves one of each.")
  static final class Up implements Callable<Integer> {
    @ParentCommand LocalCommand local;

    @picocli.CommandLine.Option(names = "--cluster",
        description = "Also start a Spark standalone master (port local.spark-master-port, UI local.spark-master-ui-port) and workers.")
    boolean cluster;

    @picocli.CommandLine.Option(names = "--workers", defaultValue = "2", paramLabel = "N",
        description = "With --cluster: how many workers, each its own process (default: ${DEFAULT-VALUE}).")
    int workers;

    @Override
    public Integer call() {
      if (cluster && workers < 1) {
        throw new picocli.CommandLine.ParameterException(
            local.spec.commandLine(), "--workers must be at least 1, cannot be: " + workers);
      }
      local.services().up(System.out, cluster ? workers : 0);
      return 0;
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true,
      description = "Stop the broker, the S3 server and the Spark cluster (their data stays in the state folder).")
  static final class Down implements Callable<Integer> {
    @ParentCommand LocalCommand local;

    @Override
    public Integer call() {
      local.services().down(System.out);
      return 0;
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show whether the broker and the S3 server run; exit 3 if either is stopped.")
  static final class Status implements Callable<Integer> {
    @ParentCommand LocalCommand local;

    @Override
    public Integer call() {
      return local.services().status(System.out) ? 0 : 3;
    }
  }
}
