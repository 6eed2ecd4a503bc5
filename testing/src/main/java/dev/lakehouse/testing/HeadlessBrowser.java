package dev.lakehouse.testing;

import dev.lakehouse.core.process.ScratchDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real browser for page tests: Debian's Chromium, headless, loading a page, running its scripts
 * and fetches, and printing the document as they left it ({@code --dump-dom}). {@code .ci/run}
 * installs the package.
 */
public final class HeadlessBrowser {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private HeadlessBrowser() {}

  /**
   * The page's document after its scripts ran; {@code settle} is the virtual time the page may
   * take, network waits not counted (a page waiting on a fetch is not timed out by it).
   */
  public static String render(String url, Duration settle) {
    if (!Files.isExecutable(CHROMIUM)) {
      throw new IllegalStateException(CHROMIUM + " is missing: page tests need Debian's chromium package"
          + " (apt-get install chromium; .ci/run installs it)");
    }
    Path profile = null;
    try {
      profile = Files.createTempDirectory("chromium-profile");
      Path output = profile.resolve("dom.html");
      Path errors = profile.resolve("stderr.log");
      // the flags keep a sandboxed root session from reaching for Google's hosts or a GPU
      Process chromium = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
          "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
          "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=" + settle.toMillis(), "--dump-dom", url))
          .redirectOutput(output.toFile()).redirectError(errors.toFile()).start();
      if (!chromium.waitFor(3, TimeUnit.MINUTES)) {
        chromium.destroyForcibly();
        throw new IllegalStateException("chromium did not finish loading " + url + " within 3 minutes");
      }
      if (chromium.exitValue() != 0) {
        throw new IllegalStateException("chromium exited with " + chromium.exitValue() + " on " + url + ": "
            + Files.readString(errors, StandardCharsets.UTF_8));
      }
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run chromium on " + url + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while chromium loaded " + url, e);
    } finally {
      ScratchDirectory.deleteQuietly(profile);
    }
  }
}
