package dev.lakehouse.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.core.config.StorageConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TableLocationsTest {

  @Test
  void s3RootKeepsBucketAndPrefix() {
    TableLocations locations = new TableLocations(new StorageConfig("s3a://lake/prod"));

    assertThat(locations.root()).isEqualTo("s3a://lake/prod/");
    assertThat(locations.bronze("clickstream")).isEqualTo("s3a://lake/prod/bronze/clickstream");
    assertThat(locations.silver("events")).isEqualTo("s3a://lake/prod/silver/events");
    assertThat(locations.quarantine("events")).isEqualTo("s3a://lake/prod/quarantine/events");
    assertThat(locations.gold("user_daily")).isEqualTo("s3a://lake/prod/gold/user_daily");
    assertThat(locations.view("live_kpis")).isEqualTo("s3a://lake/prod/views/live_kpis");
    assertThat(locations.system("runs")).isEqualTo("s3a://lake/prod/_system/runs");
    assertThat(locations.checkpoint("bronze_clickstream"))
        .isEqualTo("s3a://lake/prod/_checkpoints/bronze_clickstream");
  }

  @Test
  void relativeLocalRootBecomesAnAbsoluteFileUri() {
    TableLocations locations = new TableLocations(new StorageConfig("./data"));

    assertThat(locations.root()).isEqualTo("file:" + Path.of("data").toAbsolutePath() + "/");
    assertThat(locations.bronze("clickstream")).isEqualTo(locations.root() + "bronze/clickstream");
  }

  @Test
  void tableNamesCannotEscapeTheirLayer() {
    TableLocations locations = new TableLocations(new StorageConfig("s3a://lake/"));

    assertThat(locations.bronze("clickstream")).isEqualTo("s3a://lake/bronze/clickstream");
    assertThatThrownBy(() -> locations.gold("../silver/events"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("table name must match [a-z][a-z0-9_]*, cannot be: ../silver/events");
  }
}
