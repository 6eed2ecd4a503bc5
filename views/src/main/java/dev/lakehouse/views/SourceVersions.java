package dev.lakehouse.views;

import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Source table → Delta version, written as {@code bronze=12,silver=40} in the status table. */
final class SourceVersions {

  private SourceVersions() {}

  static String format(Map<String, Long> versions) {
    return new TreeMap<>(versions).entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue())
        .collect(Collectors.joining(","));
  }

  static Map<String, Long> parse(String text) {
    Map<String, Long> versions = new TreeMap<>();
    if (text == null || text.isBlank()) {
      return versions;
    }
    for (String pair : text.split(",")) {
      String[] parts = pair.split("=", 2);
      versions.put(parts[0], Long.parseLong(parts[1]));
    }
    return versions;
  }
}
