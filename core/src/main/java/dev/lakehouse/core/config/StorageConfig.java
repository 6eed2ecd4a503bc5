package dev.lakehouse.core.config;

import static dev.lakehouse.core.config.InvalidConfigException.check;

/**
 * Where every table lives.
 *
 * @param root a local directory (relative to the working directory) or {@code s3a://bucket/prefix}
 */
public record StorageConfig(String root) {

  public StorageConfig {
    check(root != null && !root.isBlank(), "storage.root must be set (LAKEHOUSE_STORAGE_ROOT)");
    check(
        !root.contains("://") || root.startsWith("s3a://") || root.startsWith("file:"),
        "storage.root must be a local path or s3a://bucket/prefix, cannot be: %s",
        root);
    check(
        !root.startsWith("s3a://") || root.length() > "s3a://".length(),
        "storage.root s3a:// needs a bucket, e.g. s3a://lakehouse/, cannot be: %s",
        root);
  }

  public boolean isS3() {
    return root.startsWith("s3a://");
  }
}
