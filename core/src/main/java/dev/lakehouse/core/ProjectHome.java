package dev.lakehouse.core;

import java.nio.file.Path;

/**
 * The folder the project was built in ({@code -Dlakehouse.home}, set by {@code ./lakehouse} and
 * the tests; the working directory otherwise). Local service state and the broker and S3 server
 * jars are found from here.
 */
public final class ProjectHome {

  public static final String PROPERTY = "lakehouse.home";

  private ProjectHome() {}

  public static Path get() {
    String home = System.getProperty(PROPERTY);
    Path path = home == null || home.isBlank() ? Path.of("") : Path.of(home);
    return path.toAbsolutePath().normalize();
  }

  /** {@code path} itself when absolute, else resolved against the project home. */
  public static Path resolve(String path) {
    Path candidate = Path.of(path);
    return candidate.isAbsolute() ? candidate : get().resolve(candidate).normalize();
  }
}
