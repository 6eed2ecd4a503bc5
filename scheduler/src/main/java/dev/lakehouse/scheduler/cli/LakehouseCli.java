package dev.lakehouse.scheduler.cli;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.ConfigLoader;
import dev.lakehouse.core.config.DefinitionsConfig;
import dev.lakehouse.core.config.LakehouseConfig;
import dev.lakehouse.scheduler.pipeline.PipelineRuntime;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lakehouse}: the command line of the pipeline. */
@Command(
    name = "lakehouse",
    mixinStandardHelpOptions = true,
    version = "lakehouse 0.1.0",
    description = "Kafka → bronze → silver → gold Delta tables and materialized views on Spark.",
    subcommands = {
      InitCommand.class,
      ValidateCommand.class,
      LocalCommand.class,
      IngestCommand.class,
      SilverCommand.class,
      GoldCommand.class,
      RerunCommand.class,
      ViewsCommand.class,
      RunCommand.class,
      ServeCommand.class,
      StatusCommand.class,
      UiCommand.class,
      SqlCommand.class,
      CommandLine.HelpCommand.class
    })
public final class LakehouseCli implements Runnable {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "YAML config file (default: $LAKEHOUSE_CONFIG, else built-in defaults).")
  Path configFile;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  private LakehouseConfig config;

  /** Defaults → config file → environment, resolved once per run. */
  public LakehouseConfig config() {
    if (config == null) {
      config = ConfigLoader.load(Optional.ofNullable(configFile), System.getenv());
    }
    return config;
  }

  /** The configuration with {@code definitions} (a command's --definitions) winning over definitions.dir. */
  public LakehouseConfig config(Path definitions) {
    return definitions == null ? config() : config().withDefinitions(new DefinitionsConfig(definitions.toString()));
  }

  /** The checked pipeline and its session: what every data command starts with. */
  public PipelineRuntime runtime(String appName, Path definitions) {
    return PipelineRuntime.open(config(definitions), System.getenv(), appName);
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  static int execute(String... args) {
    return execute(java.util.List.of(), args);
  }

  /**
   * Runs a command line with {@code extraCommands} as more subcommands ({@code devtools} adds
   * {@code demo}, {@code generate} and {@code bench}, which the production jar leaves out).
   */
  public static int execute(java.util.List<Object> extraCommands, String... args) {
    LakehouseCli cli = new LakehouseCli();
    CommandLine commandLine = new CommandLine(cli);
    extraCommands.forEach(commandLine::addSubcommand);
    commandLine.setExecutionExceptionHandler(
        (exception, command, parseResult) -> {
          PrintWriter err = command.getErr();
          String line = ErrorLine.of(exception, cli.loadedConfig());
          err.println("error: " + line);
          if (cli.verbose) {
            exception.printStackTrace(err);
          } else if (!(exception instanceof LakehouseException) && !ErrorLine.isOutageLine(line)) {
            err.println("(run with --verbose for the stack trace)");
          }
          err.flush();
          return 1;
        });
    return commandLine.execute(args);
  }

  /** The configuration, if it could be loaded (a bad config file is itself the error). */
  private Optional<LakehouseConfig> loadedConfig() {
    try {
      return Optional.of(config());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }
}
