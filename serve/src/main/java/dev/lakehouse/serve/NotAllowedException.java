package dev.lakehouse.serve;

import org.apache.spark.SparkThrowable;

/**
 * A JDBC statement that {@code serve} refuses: one line, saying what is not allowed and what is.
 * A {@link SparkThrowable}, because the Thrift server sends other exceptions to the client with
 * their whole stack trace as the message.
 */
public final class NotAllowedException extends RuntimeException implements SparkThrowable {

  static final String ERROR_CLASS = "LAKEHOUSE_SERVE_NOT_ALLOWED";

  NotAllowedException(String what) {
    super("not allowed: " + what + " (serve is read-only: SELECT, SHOW, DESCRIBE and EXPLAIN over gold.* and views.*)");
  }

  @Override
  public String getErrorClass() {
    return ERROR_CLASS;
  }

  /** SQL's "syntax error or access rule violation". */
  @Override
  public String getSqlState() {
    return "42000";
  }

  @Override
  public boolean isInternalError() {
    return false;
  }

  @Override
  public String toString() {
    return getMessage();
  }

  /** One line is the whole story; the stack would only say where the plan was checked. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
