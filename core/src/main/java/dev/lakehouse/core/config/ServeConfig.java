package dev.lakehouse.core.config;

import static dev.lakehouse.core.config.InvalidConfigException.check;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code lakehouse serve}: the JDBC/ODBC endpoint (Spark's Thrift server, HiveServer2 protocol).
 *
 * @param host the address to listen on
 * @param auth {@code auto} (none on a loopback host, password otherwise), {@code none},
 *     {@code password} (user and password below) or {@code ldap}
 * @param password required for password authentication; set it through {@code LAKEHOUSE_SERVE_PASSWORD}
 * @param ldapUrl e.g. {@code ldap://ldap.example.com:389}, for {@code ldap}
 * @param ldapBaseDn e.g. {@code ou=people,dc=example,dc=com}, for {@code ldap}
 * @param syncInterval how often new tables are looked for and changed schemas re-registered
 */
public record ServeConfig(String host, int port, String auth, String user, String password, String ldapUrl,
    String ldapBaseDn, Duration syncInterval) {

  public enum Auth { NONE, PASSWORD, LDAP }

  public ServeConfig {
    host = host == null || host.isBlank() ? "127.0.0.1" : host.trim();
    auth = auth == null || auth.isBlank() ? "auto" : auth.trim().toLowerCase(Locale.ROOT);
    user = user == null ? "" : user.trim();
    password = password == null ? "" : password;
    ldapUrl = ldapUrl == null ? "" : ldapUrl.trim();
    ldapBaseDn = ldapBaseDn == null ? "" : ldapBaseDn.trim();
    check(port >= 1 && port <= 65535, "serve.port must be in 1..65535, cannot be: %s", port);
    check(auth.equals("auto") || auth.equals("none") || auth.equals("password") || auth.equals("ldap"),
        "serve.auth must be auto, none, password or ldap, cannot be: %s", auth);
    check(syncInterval != null && !syncInterval.isNegative() && !syncInterval.isZero(),
        "serve.sync-interval must be positive, cannot be: %s", syncInterval);
  }

  /** The authentication in force: {@code auto} is none on a loopback host and password otherwise. */
  public Auth effectiveAuth() {
    return switch (auth) {
      case "none" -> Auth.NONE;
      case "password" -> Auth.PASSWORD;
      case "ldap" -> Auth.LDAP;
      default -> isLoopback(host) ? Auth.NONE : Auth.PASSWORD;
    };
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  @Override
  public String toString() { // never print the password
    return "ServeConfig[host=" + host + ", port=" + port + ", auth=" + auth + ", user=" + user + ", password="
        + (password.isEmpty() ? "" : "***") + ", ldapUrl=" + ldapUrl + ", ldapBaseDn=" + ldapBaseDn
        + ", syncInterval=" + syncInterval + "]";
  }
}
