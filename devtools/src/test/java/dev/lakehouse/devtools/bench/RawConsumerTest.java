package dev.lakehouse.devtools.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RawConsumerTest {

  @Test
  void readsTheSummaryLineOfConsumerPerformance() {
    String output = """
        WARN some log line
        start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
        2026-12-02 14:10:01:123, 2026-12-02 14:10:06:456, 381.4697, 71.5, 2000000, 375023.4, 3120, 2213, 172.36, 903751.7
        """;

    RawConsumer.Result result = RawConsumer.parse(output);

    assertThat(result.messages()).isEqualTo(2_000_000);
    assertThat(result.megabytes()).isEqualTo(381.4697);
    assertThat(result.fetchSeconds()).isEqualTo(2.213);
    assertThat(result.messagesPerSecond()).isEqualTo(903751.7);
  }

  @Test
  void noSummaryIsAnErrorThatShowsTheOutput() {
    assertThatThrownBy(() -> RawConsumer.parse("Exception in thread main: broker not available"))
        .hasMessageContaining("printed no summary")
        .hasMessageContaining("broker not available");
  }
}
