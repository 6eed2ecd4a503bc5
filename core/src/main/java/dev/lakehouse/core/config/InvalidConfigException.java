package dev.lakehouse.core.config;

import dev.lakehouse.core.LakehouseException;

/** A configuration value is missing, malformed or out of range. */
public final class InvalidConfigException extends LakehouseException {

  public InvalidConfigException(String message) {
    super(message);
  }

  public InvalidConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  static void check(boolean condition, String format, Object... args) {
    if (!condition) {
      throw new InvalidConfigException(String.format(format, args));
    }
  }
}
