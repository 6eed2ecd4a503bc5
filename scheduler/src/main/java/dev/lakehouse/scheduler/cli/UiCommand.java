package dev.lakehouse.scheduler.cli;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.ServeConfig;
import dev.lakehouse.scheduler.console.ConsoleApi;
import dev.lakehouse.scheduler.console.ConsoleOverview;
import dev.lakehouse.scheduler.console.ConsoleReads;
import dev.lakehouse.scheduler.console.ConsoleServer;
import dev.lakehouse.scheduler.pipeline.PipelineRuntime;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code lakehouse ui}: the read-only web console, until Ctrl-C/SIGTERM. */
@Command(
    name = "ui",
    mixinStandardHelpOptions = true,
    description = {
      "Serve the read-only web console until Ctrl-C/SIGTERM: the pipeline graph with every table's state,",
      "runs and rows per table, quality reports, the quarantine, and view refreshes; /api/... answers in JSON.",
      "Listens on 127.0.0.1 by default; on any other address it asks for the user and password that `serve`",
      "uses (LAKEHOUSE_SERVE_USER / LAKEHOUSE_SERVE_PASSWORD)."
    })
final class UiCommand implements Callable<Integer> {

  static final int DEFAULT_PORT = 8484;
  @ParentCommand LakehouseCli root;

  @Option(names = "--host", description = "Address to listen on (default: ${DEFAULT-VALUE}).", defaultValue = "127.0.0.1")
  String host;

  @Option(names = "--port", description = "Port (default: ${DEFAULT-VALUE}; 0 picks a free one).", defaultValue = "" + DEFAULT_PORT)
  int port;

  @Option(names = "--definitions", paramLabel = "DIR", description = "Folder of user definitions (default: definitions.dir).")
  Path definitions;

  @Override
  public Integer call() throws InterruptedException {
    PipelineRuntime runtime = root.runtime("lakehouse-ui", definitions);
    ConsoleServer server = start(runtime, host, port);
    UntilStopped.serve(server);
    return 0;
  }

  /** Starts the console on the runtime's session and prints where it is; shared with {@code run --ui}. */
  static ConsoleServer start(PipelineRuntime runtime, String host, int port) {
    Optional<ConsoleServer.Credentials> credentials = credentials(runtime.config().serve(), host);
    ConsoleReads reads = new ConsoleReads(runtime.spark(), runtime.locations());
    ConsoleApi api = new ConsoleApi(runtime.pipeline(),
        new ConsoleOverview(runtime.pipeline(), runtime.config().schedules(), reads), reads, Instant::now);
    ConsoleServer server = ConsoleServer.start(api, host, port, credentials);
    String shown = host.contains(":") ? "[" + host + "]" : host;
    System.out.printf("lakehouse ui: http://%s:%d/ (%s)%n", shown, server.port(),
        credentials.map(given -> "user " + given.user() + " and its password").orElse("no login: loopback only"));
    return server;
  }

  /** None on loopback; elsewhere serve's user and password, which must then be set. */
  static Optional<ConsoleServer.Credentials> credentials(ServeConfig serve, String host) {
    if (isLoopback(host) || serve.auth().equals("none")) {
      return Optional.empty();
    }
    if (serve.auth().equals("ldap")) {
      throw new LakehouseException("the console off loopback (--host " + host + ") checks serve's user and password;"
          + " serve.auth is ldap, which the console does not speak: listen on 127.0.0.1, or set serve.auth to password");
    }
    if (serve.user().isEmpty() || serve.password().isEmpty()) {
      throw new LakehouseException("the console off loopback (--host " + host + ") needs a user and password:"
          + " set LAKEHOUSE_SERVE_USER and LAKEHOUSE_SERVE_PASSWORD (or serve.user / serve.password), or listen on 127.0.0.1");
    }
    return Optional.of(new ConsoleServer.Credentials(serve.user(), serve.password()));
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new LakehouseException("--host " + host + " is not an address of this machine: " + e.getMessage(), e);
    }
  }
}
