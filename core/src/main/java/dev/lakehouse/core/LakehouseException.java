package dev.lakehouse.core;

/**
 * An error a user can act on. The message says what went wrong, why, and how to fix it; the
 * command line prints it as one line without a stack trace.
 */
public class LakehouseException extends RuntimeException {

  public LakehouseException(String message) {
    super(message);
  }

  public LakehouseException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Builds "problem: cause. Fix: fix" so every message has the same three parts. */
  public static LakehouseException of(String problem, String cause, String fix) {
    return new LakehouseException(problem + ": " + cause + ". Fix: " + fix);
  }
}
