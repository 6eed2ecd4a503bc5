package dev.lakehouse.scheduler.console;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.BasicAuthenticator;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.lakehouse.core.LakehouseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web console: the page and its JSON API over HTTP, read-only (GET only), served by the JDK's
 * own HTTP server so that nothing on Spark's classpath (its shaded Jetty among it) is disturbed.
 */
public final class ConsoleServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsoleServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, String> PAGES = Map.of(
      "/", "index.html", "/index.html", "index.html", "/console.js", "console.js", "/console.css", "console.css");

  /** A user and password that every request must carry (HTTP basic authentication). */
  public record Credentials(String user, String password) {
    public Credentials {
      requireNonNull(user, "user is null");
      requireNonNull(password, "password is null");
    }

    @Override
    public String toString() { // never print the password
      return "Credentials[user=" + user + "]";
    }
  }

  /** What answers {@code /api/...}: {@link ConsoleApi}. */
  @FunctionalInterface
  public interface Api {
    /** The answer Jackson writes as JSON; throws {@link ConsoleApi.NotFound} or {@link ConsoleApi.BadRequest}. */
    Object answer(String path, Map<String, String> query);
  }

  private final HttpServer server;
  private final ExecutorService threads;

  private ConsoleServer(HttpServer server, ExecutorService threads) {
    this.server = server;
    this.threads = threads;
  }

  /** Listens on {@code host:port} (port 0: a free one) until {@link #close()}. */
  public static ConsoleServer start(Api api, String host, int port, Optional<Credentials> credentials) {
    requireNonNull(api, "api is null");
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 16);
    } catch (IOException e) {
      throw new LakehouseException("the console cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    var context = server.createContext("/", exchange -> handle(api, exchange));
    credentials.ifPresent(expected -> context.setAuthenticator(new BasicAuthenticator("lakehouse") {
      @Override
      public boolean checkCredentials(String user, String password) {
        return equal(user, expected.user()) & equal(password, expected.password());
      }
    }));
    // two: a page's few requests at once; each may run Spark jobs, and the cores are the pipeline's
    ExecutorService threads = Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "lakehouse-console");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(threads);
    server.start();
    return new ConsoleServer(server, threads);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  @Override
  public void close() {
    server.stop(1);
    threads.shutdownNow();
  }

  private static void handle(Api api, HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        send(exchange, 405, "application/json", error("the console is read-only; " + method + " is not allowed"));
        return;
      }
      if (path.startsWith("/api/")) {
        answer(api, exchange, path);
      } else if (PAGES.containsKey(path)) {
        String file = PAGES.get(path);
        send(exchange, 200, contentType(file), resource(file));
      } else {
        send(exchange, 404, "application/json", error("no such page: " + path));
      }
    }
  }

  private static void answer(Api api, HttpExchange exchange, String path) throws IOException {
    try {
      Object answer = api.answer(path, query(exchange.getRequestURI().getRawQuery()));
      send(exchange, 200, "application/json", JSON.writeValueAsBytes(answer));
    } catch (ConsoleApi.NotFound e) {
      send(exchange, 404, "application/json", error(e.getMessage()));
    } catch (ConsoleApi.BadRequest | IllegalArgumentException e) {
      send(exchange, 400, "application/json", error(e.getMessage()));
    } catch (RuntimeException e) {
      LOG.warn("console: {} failed", path, e);
      send(exchange, 500, "application/json", error(e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  static Map<String, String> query(String raw) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return parameters;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      String name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
      String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
      parameters.putIfAbsent(name, value);
    }
    return parameters;
  }

  static byte[] resource(String file) {
    try (InputStream in = ConsoleServer.class.getResourceAsStream("/console/" + file)) {
      if (in == null) {
        throw new LakehouseException("the console's " + file + " is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new LakehouseException("cannot read the console's " + file + ": " + e.getMessage(), e);
    }
  }

  private static String contentType(String file) {
    return file.endsWith(".html") ? "text/html; charset=utf-8"
        : file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
  }

  private static byte[] error(String message) throws IOException {
    return JSON.writeValueAsBytes(Map.of("error", String.valueOf(message)));
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
    exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Compares in time independent of where the texts differ. */
  private static boolean equal(String given, String expected) {
    return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
  }
}
