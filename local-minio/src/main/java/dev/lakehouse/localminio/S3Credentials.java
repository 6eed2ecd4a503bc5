package dev.lakehouse.localminio;

import static java.util.Objects.requireNonNull;

/** The access key pair the local server accepts and clients sign with. */
public record S3Credentials(String accessKey, String secretKey) {

  public S3Credentials {
    requireNonNull(accessKey, "accessKey is null");
    requireNonNull(secretKey, "secretKey is null");
  }

  @Override
  public String toString() {
    return "S3Credentials[accessKey=" + accessKey + ", secretKey=***]";
  }
}
