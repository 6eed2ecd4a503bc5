package dev.lakehouse.core.spark;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.ProjectHome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The jars a driver started outside {@code spark-submit} ships to a cluster's executors: the
 * application jar built for {@code spark-submit} (everything a Spark distribution lacks: Delta,
 * Deequ, the Kafka connector, S3A) plus any jars the entry point adds (the devtools' own). In
 * local mode the executors share the driver's class path, and under {@code spark-submit}
 * {@code spark.jars} is already set, so nothing is added then.
 */
public final class ApplicationJars {

  /** Where {@code mvn package} puts the application jar, relative to the project home. */
  public static final String APPLICATION_JAR = "scheduler/target/lakehouse-spark.jar";

  /** A system property: another application jar, e.g. one copied next to a deployment. */
  public static final String APPLICATION_JAR_PROPERTY = "lakehouse.spark.application-jar";

  /** A system property: comma-separated jars the entry point adds (the devtools' own). */
  public static final String EXTRA_JARS_PROPERTY = "lakehouse.spark.extra-jars";

  private ApplicationJars() {}

  /** The value for {@code spark.jars}, or empty when the master needs none. */
  public static Optional<String> forMaster(String master) {
    if (master.startsWith("local")) {
      return Optional.empty();
    }
    String configured = System.getProperty(APPLICATION_JAR_PROPERTY);
    Path applicationJar = configured == null || configured.isBlank()
        ? ProjectHome.get().resolve(APPLICATION_JAR)
        : Path.of(configured).toAbsolutePath();
    if (!Files.isRegularFile(applicationJar)) {
      throw LakehouseException.of(
          "cannot run on " + master,
          "the executors need the application jar " + applicationJar + ", which does not exist",
          "build it with `mvn -DskipTests package` (./lakehouse does that itself), or use spark-submit with that jar");
    }
    List<String> jars = new ArrayList<>();
    jars.add(applicationJar.toUri().toString());
    String extra = System.getProperty(EXTRA_JARS_PROPERTY, "");
    for (String jar : extra.split(",")) {
      // a class folder (running from an IDE or the tests) is already on the driver's and, in
      // local mode, the executors' class path; only jars can be shipped
      if (!jar.isBlank() && Files.isRegularFile(Path.of(jar.trim()))) {
        jars.add(Path.of(jar.trim()).toAbsolutePath().toUri().toString());
      }
    }
    return Optional.of(String.join(",", jars));
  }
}
