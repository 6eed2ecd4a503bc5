package dev.lakehouse.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.core.LakehouseException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefinitionsConfigTest {

  @TempDir Path folder;

  @Test
  void eachKindIsOptionalInsideAnExistingFolder() throws Exception {
    Files.createDirectories(folder.resolve("views"));
    DefinitionsConfig definitions = new DefinitionsConfig(folder.toString());

    assertThat(definitions.folder("views")).contains(folder.resolve("views"));
    assertThat(definitions.folder("gold")).as("no gold/ subfolder: built-in gold tables only").isEmpty();
    assertThat(DefinitionsConfig.builtInOnly().folder("views")).isEmpty();
  }

  @Test
  void aMissingFolderIsAnErrorThatNamesIt() {
    Path missing = folder.resolve("missing");

    assertThatThrownBy(() -> new DefinitionsConfig(missing.toString()).folder("gold"))
        .isInstanceOf(LakehouseException.class)
        .hasMessageStartingWith("cannot load definitions: " + missing.toAbsolutePath() + " is not a folder. Fix:");
  }
}
