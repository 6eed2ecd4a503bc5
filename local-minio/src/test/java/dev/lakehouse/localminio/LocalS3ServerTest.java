package dev.lakehouse.localminio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakehouse.core.LakehouseException;
import dev.lakehouse.core.ProjectHome;
import dev.lakehouse.core.process.Ports;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalS3ServerTest {

  private static final S3Credentials CREDENTIALS = new S3Credentials("access", "secret-key-1");

  @TempDir Path stateDir;

  @Test
  void servesS3WithSignedRequestsAndStartsOnce() throws Exception {
    LocalS3Server server =
        new LocalS3Server(stateDir, ProjectHome.resolve(LocalS3Server.JAR), Ports.freePort(), CREDENTIALS);
    try {
      assertThat(server.start(false, Duration.ofSeconds(60))).isTrue();
      assertThat(java.nio.file.Files.getPosixFilePermissions(stateDir.resolve("s3proxy.conf")))
          .as("the file with the S3 secret is its owner's only")
          .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      long pid = server.running().orElseThrow().pid();
      assertThat(server.start(false, Duration.ofSeconds(10))).isFalse();
      assertThat(server.running().orElseThrow().pid()).isEqualTo(pid);

      assertThat(BucketBootstrap.ensureBucket(server.endpoint(), CREDENTIALS, "us-east-1", "lake")).isTrue();
      assertThat(BucketBootstrap.ensureBucket(server.endpoint(), CREDENTIALS, "us-east-1", "lake")).isFalse();

      MinioClient client =
          MinioClient.builder().endpoint(server.endpoint()).region("us-east-1")
              .credentials(CREDENTIALS.accessKey(), CREDENTIALS.secretKey()).build();
      byte[] body = "hello lakehouse".getBytes(StandardCharsets.UTF_8);
      client.putObject(PutObjectArgs.builder().bucket("lake").object("a/b.txt")
          .stream(new ByteArrayInputStream(body), body.length, -1).build());
      try (var in = client.getObject(GetObjectArgs.builder().bucket("lake").object("a/b.txt").build())) {
        assertThat(in.readAllBytes()).isEqualTo(body);
      }

      assertThatThrownBy(
              () -> BucketBootstrap.ensureBucket(
                  server.endpoint(), new S3Credentials("access", "wrong-secret"), "us-east-1", "other"))
          .isInstanceOf(LakehouseException.class)
          .hasMessageContaining("cannot create bucket 'other'");
    } finally {
      assertThat(server.stop()).isTrue();
    }
    assertThat(server.running()).isEmpty();
  }
}
