package dev.lakehouse.core.storage;

import com.amazonaws.ClientConfiguration;
import com.amazonaws.Protocol;
import com.amazonaws.SdkClientException;
import com.amazonaws.auth.AWSCredentialsProvider;
import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.auth.DefaultAWSCredentialsProviderChain;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import com.amazonaws.services.s3.model.AmazonS3Exception;
import com.amazonaws.services.s3.model.ObjectMetadata;
import com.amazonaws.services.s3.model.PutObjectRequest;
import com.amazonaws.services.s3.model.S3Object;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;

/**
 * Conditional writes of small objects, which S3A does not offer: create only if absent
 * ({@code If-None-Match: *}) and replace only if unchanged ({@code If-Match: <etag>}). The client
 * uses S3A's endpoint, credentials and addressing from the Hadoop configuration.
 */
public final class S3Objects {

  private static final Map<String, S3Objects> CLIENTS = new ConcurrentHashMap<>();

  private final AmazonS3 s3;

  private S3Objects(AmazonS3 s3) {
    this.s3 = s3;
  }

  /** One client per endpoint and access key, shared by the process. */
  public static S3Objects of(Configuration conf) {
    String endpoint = conf.getTrimmed("fs.s3a.endpoint", "");
    String accessKey = conf.getTrimmed("fs.s3a.access.key", "");
    return CLIENTS.computeIfAbsent(endpoint + "|" + accessKey, ignored -> new S3Objects(client(conf, endpoint, accessKey)));
  }

  /** An object's content and entity tag. */
  public record Versioned(byte[] content, String etag) {}

  /** Creates {@code key} unless it exists; its new entity tag, or empty if it existed. */
  public Optional<String> putIfAbsent(String bucket, String key, byte[] content) throws IOException {
    return put(bucket, key, content, "If-None-Match", "*");
  }

  /** Replaces {@code key} if its entity tag is still {@code etag}; the new tag, or empty if it changed. */
  public Optional<String> putIfMatch(String bucket, String key, byte[] content, String etag) throws IOException {
    return put(bucket, key, content, "If-Match", quoted(etag));
  }

  public Optional<Versioned> get(String bucket, String key) throws IOException {
    try (S3Object object = s3.getObject(bucket, key)) {
      return Optional.of(new Versioned(object.getObjectContent().readAllBytes(), object.getObjectMetadata().getETag()));
    } catch (AmazonS3Exception e) {
      if (e.getStatusCode() == 404) {
        return Optional.empty();
      }
      throw new IOException("could not read s3a://" + bucket + "/" + key + ": " + e.getMessage(), e);
    }
  }

  public void delete(String bucket, String key) {
    s3.deleteObject(bucket, key);
  }

  private Optional<String> put(String bucket, String key, byte[] content, String header, String value) throws IOException {
    ObjectMetadata metadata = new ObjectMetadata();
    metadata.setContentLength(content.length);
    PutObjectRequest request = new PutObjectRequest(bucket, key, new ByteArrayInputStream(content), metadata);
    request.putCustomRequestHeader(header, value);
    try {
      return Optional.of(s3.putObject(request).getETag());
    } catch (AmazonS3Exception e) {
      // 412: the condition failed; 409: a concurrent conditional write to the same key is in flight (S3)
      if (e.getStatusCode() == 412 || e.getStatusCode() == 409) {
        return Optional.empty();
      }
      throw new IOException("could not write s3a://" + bucket + "/" + key + ": " + e.getMessage(), e);
    } catch (SdkClientException e) { // the store did not answer
      throw new IOException("could not write s3a://" + bucket + "/" + key + ": " + e.getMessage(), e);
    }
  }

  private static String quoted(String etag) {
    return etag.startsWith("\"") ? etag : "\"" + etag + "\"";
  }

  private static AmazonS3 client(Configuration conf, String endpoint, String accessKey) {
    boolean ssl = conf.getBoolean("fs.s3a.connection.ssl.enabled", true);
    ClientConfiguration client = new ClientConfiguration().withProtocol(ssl ? Protocol.HTTPS : Protocol.HTTP);
    AWSCredentialsProvider credentials = accessKey.isEmpty()
        ? DefaultAWSCredentialsProviderChain.getInstance()
        : new AWSStaticCredentialsProvider(new BasicAWSCredentials(accessKey, conf.getTrimmed("fs.s3a.secret.key", "")));
    AmazonS3ClientBuilder builder = AmazonS3ClientBuilder.standard()
        .withClientConfiguration(client)
        .withCredentials(credentials)
        .withPathStyleAccessEnabled(conf.getBoolean("fs.s3a.path.style.access", false));
    String region = conf.getTrimmed("fs.s3a.endpoint.region", "us-east-1");
    if (endpoint.isEmpty()) {
      builder.withRegion(region);
    } else {
      String url = endpoint.contains("://") ? endpoint : (ssl ? "https://" : "http://") + endpoint;
      builder.withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(url, region));
    }
    return builder.build();
  }
}
