package dev.lakehouse.core.config;

import static dev.lakehouse.core.config.InvalidConfigException.check;

import java.time.Duration;

/**
 * S3A settings, used when {@code storage.root} is {@code s3a://…}. Defaults reach the local S3
 * server that {@code lakehouse local up} starts.
 *
 * @param endpoint {@code http(s)://host:port} ({@code LAKEHOUSE_S3_ENDPOINT})
 * @param accessKey ({@code LAKEHOUSE_S3_ACCESS_KEY})
 * @param secretKey ({@code LAKEHOUSE_S3_SECRET_KEY})
 * @param pathStyleAccess must be true for MinIO and the local server
 * @param region the signing region
 * @param retryLimit S3A retries of a failed request ({@code LAKEHOUSE_S3_RETRY_LIMIT}); with the
 *     timeouts it bounds how long a command takes to fail when the endpoint is down
 * @param connectTimeout establishing a connection ({@code LAKEHOUSE_S3_CONNECT_TIMEOUT})
 * @param requestTimeout waiting for a response ({@code LAKEHOUSE_S3_REQUEST_TIMEOUT})
 */
public record S3Config(
    String endpoint, String accessKey, String secretKey, boolean pathStyleAccess, String region,
    int retryLimit, Duration connectTimeout, Duration requestTimeout) {

  public S3Config {
    check(retryLimit >= 0 && retryLimit <= 20, "s3.retry-limit must be 0..20, cannot be: %s", retryLimit);
    check(connectTimeout != null && connectTimeout.toMillis() >= 100,
        "s3.connect-timeout must be at least 100ms, cannot be: %s", connectTimeout);
    check(requestTimeout != null && requestTimeout.toMillis() >= 1000,
        "s3.request-timeout must be at least 1s, cannot be: %s", requestTimeout);
    check(
        endpoint != null && endpoint.matches("https?://[^/\\s]+/?"),
        "s3.endpoint must be http(s)://host:port, cannot be: %s",
        endpoint);
    check(accessKey != null && !accessKey.isBlank(), "s3.access-key must be set");
    check(secretKey != null && !secretKey.isBlank(), "s3.secret-key must be set");
    check(region != null && !region.isBlank(), "s3.region must be set");
  }

  public boolean sslEnabled() {
    return endpoint.startsWith("https://");
  }

  @Override
  public String toString() {
    return "S3Config[endpoint=" + endpoint + ", accessKey=" + accessKey + ", secretKey=***]";
  }
}
