package dev.lakehouse.scheduler.cli;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.config.LakehouseConfig;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * The one line a failed command prints. An outage of the storage or the broker, found anywhere in
 * the cause chain, is named with its endpoint and what to check, because the exception that
 * reaches the command line is usually a Spark wrapper around it; any other error is its first
 * message line (Spark messages append whole query plans).
 */
final class ErrorLine {

  private ErrorLine() {}

  static String of(Throwable exception, Optional<LakehouseConfig> config) {
    Optional<String> outage = config.flatMap(known -> outage(exception, known));
    if (outage.isPresent()) {
      return outage.get();
    }
    if (exception instanceof LakehouseException) {
      return firstLine(exception.getMessage());
    }
    Throwable root = exception;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return exception.getClass().getSimpleName() + ": " + firstLine(exception.getMessage())
        + (root != exception ? " (caused by " + root.getClass().getSimpleName() + ": " + firstLine(root.getMessage()) + ")" : "");
  }

  private static Optional<String> outage(Throwable exception, LakehouseConfig config) {
    boolean onS3 = config.storage().root().startsWith("s3a://");
    for (Throwable cause = exception; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      String type = cause.getClass().getName();
      boolean network = cause instanceof ConnectException || cause instanceof NoRouteToHostException
          || cause instanceof SocketTimeoutException || cause instanceof UnknownHostException
          || type.endsWith("ConnectTimeoutException") || type.endsWith("HttpHostConnectException");
      boolean s3Client = type.startsWith("com.amazonaws.") || type.startsWith("org.apache.hadoop.fs.s3a.");
      if (onS3 && (s3Client || network) && isOutage(cause)) {
        return Optional.of("storage at " + config.s3().endpoint() + " does not answer (" + deepestMessage(cause)
            + "); check that it runs (`./lakehouse local status` for the local one), LAKEHOUSE_S3_ENDPOINT and the network");
      }
      if (type.equals("org.apache.kafka.common.errors.TimeoutException")) {
        return Optional.of("Kafka at " + config.kafka().bootstrapServers() + " does not answer (" + firstLine(cause.getMessage())
            + "); check that it runs (`./lakehouse local status` for the local one) and LAKEHOUSE_KAFKA_BOOTSTRAP");
      }
    }
    return Optional.empty();
  }

  /** The innermost message: the SDK and S3A repeat it in each wrapper. */
  private static String deepestMessage(Throwable cause) {
    String message = firstLine(cause.getMessage());
    for (Throwable inner = cause.getCause(); inner != null && inner != inner.getCause(); inner = inner.getCause()) {
      if (inner.getMessage() != null && !inner.getMessage().isBlank()) {
        message = firstLine(inner.getMessage());
      }
    }
    return message;
  }

  static boolean isOutageLine(String line) {
    return line.contains(" does not answer (");
  }

  private static boolean isOutage(Throwable cause) {
    String message = String.valueOf(cause.getMessage());
    return cause instanceof ConnectException || cause instanceof SocketTimeoutException
        || cause instanceof UnknownHostException || cause instanceof NoRouteToHostException
        || message.contains("Unable to execute HTTP request") || message.contains("Connection refused")
        || message.contains("connect timed out") || message.contains("Read timed out");
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    String trimmed = message.strip();
    int newline = trimmed.indexOf('\n');
    return newline < 0 ? trimmed : trimmed.substring(0, newline).strip() + " …";
  }
}
