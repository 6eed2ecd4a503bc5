package dev.lakehouse.gold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.core.LakehouseException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GoldDefinitionsTest {

  @TempDir Path folder;

  @Test
  void builtInsAreTheFourTablesOfTheDesign() {
    assertThat(GoldDefinitions.load(Optional.empty()))
        .extracting(GoldDefinition::table)
        .containsExactly("daily_event_metrics", "daily_funnel", "product_daily", "user_daily");
    assertThat(GoldDefinitions.load(Optional.empty()))
        .allSatisfy(definition -> {
          assertThat(definition.origin()).isEqualTo("classpath:gold/" + definition.table() + ".sql");
          assertThat(definition.sql()).contains("FROM silver_events").contains("event_date");
        });
  }

  @Test
  void aDefinitionsFolderIsTheWholeSetOfGoldTables() throws IOException {
    Files.writeString(folder.resolve("hourly.sql"), "SELECT event_date, count(*) AS events FROM silver_events GROUP BY event_date");
    Files.writeString(folder.resolve("user_daily.sql"), "SELECT event_date, user_id FROM silver_events");
    Files.writeString(folder.resolve("notes.txt"), "not a definition");

    var definitions = GoldDefinitions.load(Optional.of(folder));

    // DESIGN.md: with definitions.dir, that folder is the whole pipeline; no built-in is added
    assertThat(definitions).extracting(GoldDefinition::table).containsExactly("hourly", "user_daily");
    assertThat(definitions).filteredOn(definition -> definition.table().equals("user_daily")).singleElement()
        .satisfies(definition -> assertThat(definition.origin()).isEqualTo(folder.resolve("user_daily.sql").toString()));
  }

  @Test
  void badFilesAreRefusedWithTheirNameAndTheFix() throws IOException {
    assertThatThrownBy(() -> GoldDefinitions.load(Optional.of(folder.resolve("missing"))))
        .isInstanceOf(LakehouseException.class)
        .hasMessage("cannot load gold definitions: " + folder.resolve("missing").toAbsolutePath() + " is not a folder. Fix: create it"
            + " with one <table>.sql file per gold table, or unset definitions.dir (LAKEHOUSE_DEFINITIONS_DIR)");

    Path badName = Files.writeString(folder.resolve("Daily-Sales.sql"), "SELECT event_date FROM silver_events");
    assertThatThrownBy(() -> GoldDefinitions.load(Optional.of(folder)))
        .isInstanceOf(LakehouseException.class)
        .hasMessageStartingWith("gold definition " + badName + ": the file name must be <table>.sql")
        .hasMessageEndingWith("cannot be: Daily-Sales");
    Files.delete(badName);

    Path onlyComments = Files.writeString(folder.resolve("empty.sql"), "-- to do\n\n");
    assertThatThrownBy(() -> GoldDefinitions.load(Optional.of(folder)))
        .isInstanceOf(LakehouseException.class)
        .hasMessage("gold definition " + onlyComments + " holds no query; write a SELECT over the silver tables that returns event_date");
  }
}
