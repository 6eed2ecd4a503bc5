package dev.lakehouse.core.spark;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.util.HexFormat;
import org.apache.spark.sql.SparkSession;

/**
 * Tells the pipeline's own Spark sessions from the ones a JDBC client opens. The pipeline's carry
 * a random token in their session conf (clones, such as a streaming query's, copy it); a session
 * the Thrift server opens starts from a fresh conf without it, and the token cannot be guessed,
 * so a client that sets the key on connect is not trusted either. {@code serve} confines every
 * session that is not trusted.
 */
public final class TrustedSessions {

  public static final String KEY = "lakehouse.internal.trusted-session";
  private static final String TOKEN = newToken();

  private TrustedSessions() {}

  public static void markTrusted(SparkSession session) {
    requireNonNull(session, "session is null").conf().set(KEY, TOKEN);
  }

  public static boolean isTrusted(SparkSession session) {
    return TOKEN.equals(session.conf().get(KEY, ""));
  }

  /** A session of its own (temp views, settings) that is still the pipeline's. */
  public static SparkSession newSession(SparkSession parent) {
    SparkSession session = requireNonNull(parent, "parent is null").newSession();
    markTrusted(session);
    return session;
  }

  private static String newToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
