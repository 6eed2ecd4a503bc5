package dev.lakehouse.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConsoleServerTest {

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
  void thePageAndItsFilesAreInTheJar() {
    assertThat(new String(ConsoleServer.resource("index.html"))).contains("<script src=\"console.js\"></script>");
    assertThat(ConsoleServer.resource("console.js")).isNotEmpty();
    assertThat(ConsoleServer.resource("console.css")).isNotEmpty();
  }

  @Test
  void theCredentialsNeverPrintThePassword() {
    assertThat(new ConsoleServer.Credentials("ops", "s3cret").toString()).doesNotContain("s3cret").contains("ops");
  }
}
