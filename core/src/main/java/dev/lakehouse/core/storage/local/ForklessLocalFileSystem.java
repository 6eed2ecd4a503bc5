package dev.lakehouse.core.storage.local;

import org.apache.hadoop.fs.LocalFileSystem;

/** Hadoop's checksummed local filesystem ({@code fs.file.impl}) over {@link ForklessRawLocalFileSystem}. */
public class ForklessLocalFileSystem extends LocalFileSystem {

  public ForklessLocalFileSystem() {
    super(new ForklessRawLocalFileSystem());
  }
}
