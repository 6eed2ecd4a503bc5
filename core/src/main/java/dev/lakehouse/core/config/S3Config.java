package dev.lakehouse.core.config;

import static dev.lakehouse.core.config.InvalidConfigException.check;

/**
 * S3A settings, used when {@code storage.root} is {@code s3a://…}. Defaults reach the local S3
 * server that {@code lakehouse local up} starts.
 *
 * @param endpoint {@code http(s)://host:port} ({@code LAKEHOUSE_S3_ENDPOINT})
 * @param accessKey ({@code LAKEHOUSE_S3_ACCESS_KEY})
 * @param secretKey ({@code LAKEHOUSE_S3_SECRET_KEY})
 * @param pathStyleAccess must be true for MinIO and the local server
 * @param region the signing region
 */
public record S3Config(
    String endpoint, String accessKey, String secretKey, boolean pathStyleAccess, String region) {

  public S3Config {
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
