package dev.lakehouse.scheduler.cli;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.definitions.BuiltInPipeline;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lakehouse init DIR}: the built-in pipeline's definition files, to edit into one's own. */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Write the built-in pipeline's definitions (silver/, expectations/, gold/, views/) into DIR,",
      "as a starting point for a pipeline of your own. Existing files are never overwritten."
    })
final class InitCommand implements Callable<Integer> {

  @Parameters(paramLabel = "DIR", description = "Folder to write (created if missing).")
  Path dir;

  @Override
  public Integer call() {
    List<Path> existing = BuiltInPipeline.FILES.stream().map(dir::resolve).filter(Files::exists).toList();
    if (!existing.isEmpty()) {
      throw LakehouseException.of("cannot init " + dir, existing.size() + " of its files exist already (" + existing.get(0)
          + (existing.size() > 1 ? ", …" : "") + ")", "choose an empty or new folder; init never overwrites");
    }
    try {
      for (String file : BuiltInPipeline.FILES) {
        Path target = dir.resolve(file);
        Files.createDirectories(target.getParent());
        Files.writeString(target, BuiltInPipeline.read(file), StandardCharsets.UTF_8);
        System.out.println("wrote " + target);
      }
    } catch (IOException e) {
      throw new LakehouseException("cannot write the definitions into " + dir + ": " + e.getMessage(), e);
    }
    System.out.printf("%d files written. Edit them, then check them with"
        + " `LAKEHOUSE_DEFINITIONS_DIR=%s ./lakehouse validate`%n", BuiltInPipeline.FILES.size(), dir);
    return 0;
  }
}
