package dev.lakehouse.serve;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.security.sasl.AuthenticationException;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/**
 * The Thrift server's password check ({@code hive.server2.authentication=CUSTOM}): the one user
 * and password of {@code serve.user} / {@code serve.password}. Hive creates it by reflection, so
 * the credentials are handed over through {@link #configure}.
 */
public final class ConfigPasswordAuthenticator implements PasswdAuthenticationProvider {

  private static volatile byte[] expectedUser = new byte[0];
  private static volatile byte[] expectedPassword = new byte[0];

  static void configure(String user, String password) {
    expectedUser = user.getBytes(StandardCharsets.UTF_8);
    expectedPassword = password.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void Authenticate(String user, String password) throws AuthenticationException {
    // both compared in constant time, so timing tells nothing about which one was wrong
    boolean userMatches = MessageDigest.isEqual(bytes(user), expectedUser);
    boolean passwordMatches = MessageDigest.isEqual(bytes(password), expectedPassword);
    if (!userMatches || !passwordMatches || expectedPassword.length == 0) {
      throw new AuthenticationException("invalid user or password");
    }
  }

  private static byte[] bytes(String text) {
    return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
  }
}
