package dev.lakehouse.scheduler.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lakehouse.core.LakehouseException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code status --html}: the console's overview as one self-contained page (styles, script and
 * data inlined), for a cron job or a CI artifact. Written to a temporary file and moved into place,
 * so a reader sees the old page or the new one.
 */
public final class StaticOverviewPage {

  private static final ObjectMapper JSON = new ObjectMapper();

  private StaticOverviewPage() {}

  public static void write(ConsoleOverview.Overview overview, Path file) {
    Path target = file.toAbsolutePath();
    try {
      Files.createDirectories(target.getParent());
      Path temporary = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
      Files.writeString(temporary, render(overview), StandardCharsets.UTF_8);
      if (temporary.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        // a temporary file is private; a page for a web server or CI artifact is not
        Files.setPosixFilePermissions(temporary, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      }
      Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new LakehouseException("cannot write the overview page " + file + ": " + e.getMessage(), e);
    }
  }

  static String render(ConsoleOverview.Overview overview) {
    String page = new String(ConsoleServer.resource("index.html"), StandardCharsets.UTF_8);
    String css = new String(ConsoleServer.resource("console.css"), StandardCharsets.UTF_8);
    String script = new String(ConsoleServer.resource("console.js"), StandardCharsets.UTF_8);
    return page
        .replace("<link rel=\"stylesheet\" href=\"console.css\">", "<style>\n" + css + "</style>")
        .replace("<script src=\"console.js\"></script>",
            "<script>window.LAKEHOUSE_OVERVIEW = " + scriptSafe(overview) + ";</script>\n<script>\n" + script + "</script>");
  }

  /** JSON that cannot end the script element it sits in. */
  private static String scriptSafe(ConsoleOverview.Overview overview) {
    try {
      return JSON.writeValueAsString(overview).replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029");
    } catch (JsonProcessingException e) {
      throw new LakehouseException("cannot write the overview as JSON: " + e.getOriginalMessage(), e);
    }
  }
}
