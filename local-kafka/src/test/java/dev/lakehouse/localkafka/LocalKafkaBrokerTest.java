package dev.lakehouse.localkafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.ProjectHome;
import dev.lakehouse.core.process.Ports;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaBrokerTest {

  @TempDir Path stateDir;

  @Test
  void startingTwiceLeavesOneBrokerAndStopEndsIt() {
    LocalKafkaBroker broker =
        new LocalKafkaBroker(
            stateDir, ProjectHome.resolve(LocalKafkaBroker.LIBS), Ports.freePort(), Ports.freePort());
    try {
      assertThat(broker.start(false, Duration.ofSeconds(90))).isTrue();
      long pid = broker.running().orElseThrow().pid();
      assertThat(broker.answers()).isTrue();

      assertThat(new LocalKafkaBroker(stateDir, ProjectHome.resolve(LocalKafkaBroker.LIBS), 1, 2)
              .running()
              .orElseThrow()
              .pid())
          .isEqualTo(pid);
      assertThat(broker.start(false, Duration.ofSeconds(30))).isFalse();
      assertThat(broker.running().orElseThrow().pid()).isEqualTo(pid);
    } finally {
      assertThat(broker.stop()).isTrue();
    }
    assertThat(broker.running()).isEmpty();
    assertThat(broker.answers()).isFalse();
  }

  @Test
  void portHeldByAnotherProcessIsAClearError() throws Exception {
    try (ServerSocket occupied = new ServerSocket(0)) {
      LocalKafkaBroker broker =
          new LocalKafkaBroker(
              stateDir,
              ProjectHome.resolve(LocalKafkaBroker.LIBS),
              occupied.getLocalPort(),
              Ports.freePort());

      assertThatThrownBy(() -> broker.start(false, Duration.ofSeconds(10)))
          .isInstanceOf(LakehouseException.class)
          .hasMessageContaining("port " + occupied.getLocalPort() + " is already in use")
          .hasMessageContaining("LAKEHOUSE_LOCAL_KAFKA_PORT");
    }
  }

  @Test
  void clusterIdsAreSixteenBytesAndNeverLookLikeAnOption() {
    for (int i = 0; i < 2_000; i++) {
      String id = LocalKafkaBroker.randomClusterId();
      assertThat(id).doesNotStartWith("-").hasSize(22);
      assertThat(java.util.Base64.getUrlDecoder().decode(id)).hasSize(16);
    }
  }
}
