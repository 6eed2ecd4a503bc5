package dev.lakehouse.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConsoleServerTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  /** Answers like the real API: a known path, a missing name, a bad parameter. */
  private static final ConsoleServer.Api API = (path, query) -> switch (path) {
    case "/api/overview" -> Map.of("asked", query);
    case "/api/quarantine" -> throw new ConsoleApi.NotFound("no silver table '" + query.get("table") + "'");
    default -> throw new ConsoleApi.BadRequest("parameter 'layer' is required");
  };

  @Test
  void queryParametersAreDecodedAndTheFirstOfARepeatedOneWins() {
    assertThat(ConsoleServer.query("table=events&reason=expect_column_values_to_not_be_null%28event_id%29&page=2&page=3&flag"))
        .containsEntry("table", "events")
        .containsEntry("reason", "expect_column_values_to_not_be_null(event_id)")
        .containsEntry("page", "2")
        .containsEntry("flag", "");
    assertThat(ConsoleServer.query(null)).isEmpty();
  }

  @Test
  void servesThePageAndTheApiReadOnlyWithStatusCodesThatSayWhatWentWrong() throws Exception {
    try (ConsoleServer server = ConsoleServer.start(API, "127.0.0.1", 0, Optional.empty())) {
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> page = get(base + "/", Optional.empty());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("<script src=\"console.js\"></script>");
      assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
      assertThat(get(base + "/console.js", Optional.empty()).body()).contains("function graph(");

      HttpResponse<String> overview = get(base + "/api/overview?suite=silver_events", Optional.empty());
      assertThat(overview.statusCode()).isEqualTo(200);
      assertThat(overview.body()).isEqualTo("{\"asked\":{\"suite\":\"silver_events\"}}");
      assertThat(get(base + "/api/quarantine?table=nope", Optional.empty()).statusCode()).isEqualTo(404);
      assertThat(get(base + "/api/runs", Optional.empty()).body()).contains("parameter 'layer' is required");
      assertThat(get(base + "/etc/passwd", Optional.empty()).statusCode()).isEqualTo(404);
      HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/overview"))
          .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
    }
  }

  @Test
  void withCredentialsEveryRequestMustCarryThem() throws Exception {
    ConsoleServer.Credentials credentials = new ConsoleServer.Credentials("ops", "s3cret");
    assertThat(credentials.toString()).doesNotContain("s3cret").contains("ops");
    try (ConsoleServer server = ConsoleServer.start(API, "127.0.0.1", 0, Optional.of(credentials))) {
      String base = "http://127.0.0.1:" + server.port();
      assertThat(get(base + "/", Optional.empty()).statusCode()).isEqualTo(401);
      assertThat(get(base + "/api/overview", Optional.of("ops:wrong")).statusCode()).isEqualTo(401);
      assertThat(get(base + "/api/overview", Optional.of("ops:s3cret")).statusCode()).isEqualTo(200);
      assertThat(get(base + "/", Optional.of("ops:s3cret")).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void thePageAndItsFilesAreInTheJar() {
    assertThat(new String(ConsoleServer.resource("index.html"), StandardCharsets.UTF_8)).contains("<script src=\"console.js\"></script>");
    assertThat(ConsoleServer.resource("console.js")).isNotEmpty();
    assertThat(ConsoleServer.resource("console.css")).isNotEmpty();
  }

  private static HttpResponse<String> get(String url, Optional<String> userAndPassword) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
    userAndPassword.ifPresent(login -> request.header("Authorization",
        "Basic " + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8))));
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
