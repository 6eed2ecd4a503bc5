package dev.lakehouse.localminio;

import dev.lakehouse.core.LakehouseException;
import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;

/** Creates the lakehouse bucket with the MinIO Java client; safe to run again. */
public final class BucketBootstrap {

  private BucketBootstrap() {}

  /** @return true if the bucket was created, false if it existed */
  public static boolean ensureBucket(
      String endpoint, S3Credentials credentials, String region, String bucket) {
    MinioClient client =
        MinioClient.builder()
            .endpoint(endpoint)
            .region(region)
            .credentials(credentials.accessKey(), credentials.secretKey())
            .build();
    try {
      if (client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
        return false;
      }
      client.makeBucket(MakeBucketArgs.builder().bucket(bucket).region(region).build());
      return true;
    } catch (Exception e) {
      throw LakehouseException.of(
          "cannot create bucket '" + bucket + "' at " + endpoint,
          e.getClass().getSimpleName() + ": " + e.getMessage(),
          "check that the S3 server runs (`./lakehouse local status`) and that LAKEHOUSE_S3_*"
              + " credentials match it");
    }
  }
}
