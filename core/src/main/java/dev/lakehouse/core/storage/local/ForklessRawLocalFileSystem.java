package dev.lakehouse.core.storage.local;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local filesystem without a process per call. Without Hadoop's native library (not
 * shipped for Maven builds), {@link RawLocalFileSystem} runs {@code chmod} for every file and folder
 * it creates and {@code readlink} for every rename through a FileContext (Delta's log store and
 * Spark's checkpoints): ~180 processes in one silver batch, ~5 ms each on a busy 2-core machine,
 * on the driver between jobs. Java's own file API does both in the process. Symbolic links,
 * sticky bits and non-POSIX filesystems keep Hadoop's way.
 */
public class ForklessRawLocalFileSystem extends RawLocalFileSystem {

  @Override
  public void setPermission(Path path, FsPermission permission) throws IOException {
    if (permission.getStickyBit()) {
      super.setPermission(path, permission);
      return;
    }
    java.nio.file.Path file = pathToFile(path).toPath();
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permission.toString()));
    } catch (UnsupportedOperationException e) { // not a POSIX filesystem
      super.setPermission(path, permission);
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException("File " + path + " does not exist");
    }
  }

  @Override
  public FileStatus getFileLinkStatus(Path path) throws IOException {
    // Hadoop learns whether a path is a link by running readlink; a regular file's status is its link status
    if (Files.isSymbolicLink(pathToFile(path).toPath())) {
      return super.getFileLinkStatus(path);
    }
    return getFileStatus(path);
  }
}
