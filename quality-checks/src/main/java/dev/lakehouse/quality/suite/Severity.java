package dev.lakehouse.quality.suite;

/** What a failed expectation does: {@code error} gates the batch, {@code warning} only reports. */
public enum Severity {
  ERROR,
  WARNING
}
