package dev.lakehouse.scheduler.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StaticOverviewPageTest {

  @Test
  void thePageCarriesItsDataStylesAndScriptAndNoTextCanEndTheScript() {
    ConsoleOverview.NodeState hostile = new ConsoleOverview.NodeState("silver:events", "silver", "events",
        "</script><script>alert(1)</script>", "ok", "ok", 12L, 3L, "silver run succeeded", 0L);
    String page = StaticOverviewPage.render(new ConsoleOverview.Overview("built-in pipeline", "2026-12-03T00:00:00Z",
        List.of(hostile), List.of(), Map.of("events", "silver_events")));

    assertThat(page).contains("window.LAKEHOUSE_OVERVIEW = {", "<style>", "function graph(")
        .doesNotContain("src=\"console.js\"", "href=\"console.css\"");
    // the only closing script tags are the page's own two
    assertThat(page.split("</script>", -1)).hasSize(3);
    assertThat(page).contains("<\\/script><script>alert(1)<\\/script>");
  }
}
