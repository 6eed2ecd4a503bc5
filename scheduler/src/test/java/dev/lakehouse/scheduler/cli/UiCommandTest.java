package dev.lakehouse.scheduler.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.ServeConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UiCommandTest {

  private static ServeConfig serve(String auth, String user, String password) {
    return new ServeConfig("127.0.0.1", 10000, auth, user, password, "", "", Duration.ofSeconds(30));
  }

  @Test
  void loopbackNeedsNoLoginAndAnyOtherAddressNeedsServesUserAndPassword() {
    assertThat(UiCommand.credentials(serve("auto", "", ""), "127.0.0.1")).isEmpty();
    assertThat(UiCommand.credentials(serve("auto", "", ""), "localhost")).isEmpty();
    assertThat(UiCommand.credentials(serve("auto", "ops", "pw"), "0.0.0.0")).hasValueSatisfying(credentials -> {
      assertThat(credentials.user()).isEqualTo("ops");
      assertThat(credentials.password()).isEqualTo("pw");
    });
    assertThatThrownBy(() -> UiCommand.credentials(serve("auto", "", ""), "0.0.0.0"))
        .isInstanceOf(LakehouseException.class).hasMessageContaining("LAKEHOUSE_SERVE_PASSWORD");
    assertThatThrownBy(() -> UiCommand.credentials(serve("ldap", "ops", "pw"), "0.0.0.0"))
        .isInstanceOf(LakehouseException.class).hasMessageContaining("ldap");
  }
}
