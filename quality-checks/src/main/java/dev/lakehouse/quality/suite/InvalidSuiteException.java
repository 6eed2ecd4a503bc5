package dev.lakehouse.quality.suite;

import dev.lakehouse.core.LakehouseException;

/** An expectation suite file that cannot be run; the message names the file and expectation. */
public final class InvalidSuiteException extends LakehouseException {

  public InvalidSuiteException(String message) {
    super(message);
  }

  public InvalidSuiteException(String message, Throwable cause) {
    super(message, cause);
  }
}
