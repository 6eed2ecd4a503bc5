package dev.lakehouse.core.storage;

import io.delta.storage.HadoopFileSystemLogStore;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.util.Iterator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;

/**
 * Delta's commit log on S3 with a real put-if-absent: each commit file {@code _delta_log/N.json}
 * is written with {@code If-None-Match: *}, so of two processes committing version N of one table
 * exactly one succeeds and the other gets {@link FileAlreadyExistsException}, which Delta turns
 * into its usual optimistic-concurrency retry or conflict error, as on a local file system. Delta's
 * own S3 log store only locks within one JVM, so two processes could overwrite each other's commit.
 *
 * <p>S3 (since 2024), MinIO and the local S3 server honour the header. A store that ignores it is
 * found by a probe before the first commit and refused, unless {@code spark.hadoop.}{@value
 * #REQUIRE_KEY}{@code =false} accepts one writing process per table.
 */
public final class ConditionalPutLogStore extends HadoopFileSystemLogStore {

  /** Hadoop key: refuse to commit on a store that ignores conditional writes (default true). */
  public static final String REQUIRE_KEY = "lakehouse.s3.require-conditional-writes";

  private static final Map<String, Boolean> HONOURED = new ConcurrentHashMap<>();

  public ConditionalPutLogStore(Configuration initHadoopConf) {
    super(initHadoopConf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
      throws IOException {
    byte[] content = joinLines(actions);
    if (overwrite) {
      // only _last_checkpoint is overwritten; a plain S3 PUT replaces it atomically
      try (FSDataOutputStream out = path.getFileSystem(hadoopConf).create(path, true)) {
        out.write(content);
      }
      return;
    }
    URI uri = path.toUri();
    S3Objects s3 = S3Objects.of(hadoopConf);
    String bucket = uri.getHost();
    String key = uri.getPath().substring(1);
    requireConditionalWrites(s3, bucket, key.substring(0, key.lastIndexOf('/') + 1), hadoopConf);
    if (s3.putIfAbsent(bucket, key, content).isEmpty()) {
      throw new FileAlreadyExistsException(path.toString());
    }
  }

  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf) {
    return false; // an S3 PUT is all or nothing
  }

  /**
   * Probes once per bucket and process that a second conditional put of one key is refused; a
   * store that ignores the header would let two writers overwrite each other's commits.
   */
  private static void requireConditionalWrites(S3Objects s3, String bucket, String logDir, Configuration conf)
      throws IOException {
    if (!conf.getBoolean(REQUIRE_KEY, true)) {
      return;
    }
    String endpoint = conf.getTrimmed("fs.s3a.endpoint", "") + "/" + bucket;
    Boolean honoured = HONOURED.get(endpoint);
    if (honoured == null) {
      String probe = logDir + ".conditional-write-probe-" + UUID.randomUUID();
      byte[] empty = new byte[0];
      honoured = s3.putIfAbsent(bucket, probe, empty).isPresent() && s3.putIfAbsent(bucket, probe, empty).isEmpty();
      s3.delete(bucket, probe);
      HONOURED.put(endpoint, honoured);
    }
    if (!honoured) {
      throw new IOException("the S3 store at " + endpoint + " ignores conditional writes (If-None-Match), so two"
          + " processes writing one table could overwrite each other's commits. Fix: use a store that honours"
          + " them (AWS S3, MinIO, the local S3 server), or accept one writing process per table with"
          + " spark.hadoop." + REQUIRE_KEY + "=false");
    }
  }

  private static byte[] joinLines(Iterator<String> actions) throws IOException {
    StringBuilder text = new StringBuilder();
    while (actions.hasNext()) {
      text.append(actions.next()).append('\n');
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }
}
