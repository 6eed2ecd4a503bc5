package dev.lakehouse.core.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files, folders, permissions, renames and links as Hadoop's local filesystem gives them, through both Hadoop APIs. */
class ForklessLocalFileSystemTest {

  @TempDir
  java.nio.file.Path root;

  private static Configuration conf() {
    Configuration conf = new Configuration(false);
    conf.set("fs.file.impl", ForklessLocalFileSystem.class.getName());
    conf.set("fs.AbstractFileSystem.file.impl", ForklessLocalFs.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    conf.set("fs.permissions.umask-mode", "022");
    return conf;
  }

  private static Configuration hadoopDefaults() {
    Configuration conf = new Configuration();
    conf.setBoolean("fs.file.impl.disable.cache", true);
    return conf;
  }

  @Test
  void createsFilesAndFoldersWithTheirPermissionsThroughFileSystem() throws Exception {
    FileSystem fs = FileSystem.get(root.toUri(), conf());
    assertThat(fs).isInstanceOf(ForklessLocalFileSystem.class);
    Path folder = new Path(root.toUri().toString(), "a/b");
    assertThat(fs.mkdirs(folder, new FsPermission((short) 0750))).isTrue();
    Path file = new Path(folder, "part-0.parquet");
    try (FSDataOutputStream out = fs.create(file, new FsPermission((short) 0640), false, 4096, (short) 1, 1 << 20, null)) {
      out.write("rows".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("a/b/part-0.parquet")))).isEqualTo("rw-r-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("a/b")))).isEqualTo("rwxr-x---");
    assertThat(fs.getFileStatus(file).getLen()).isEqualTo(4);
    assertThat(Files.exists(root.resolve("a/b/.part-0.parquet.crc"))).as("the checksum file").isTrue();
    assertThatThrownBy(() -> fs.setPermission(new Path(folder, "missing"), new FsPermission((short) 0644)))
        .isInstanceOf(FileNotFoundException.class);
  }

  @Test
  void renamesAndReportsLinksThroughFileContext() throws Exception {
    FileContext context = FileContext.getFileContext(root.toUri(), conf());
    Path temp = new Path(root.toUri().toString(), "_delta_log/.00000.json.tmp");
    try (FSDataOutputStream out = context.create(temp, EnumSet.of(CreateFlag.CREATE), Options.CreateOpts.createParent())) {
      out.write("{}".getBytes(StandardCharsets.UTF_8));
    }
    Path commit = new Path(root.toUri().toString(), "_delta_log/00000.json");
    context.rename(temp, commit, Options.Rename.NONE);
    assertThat(Files.readString(root.resolve("_delta_log/00000.json"))).isEqualTo("{}");
    assertThatThrownBy(() -> context.rename(commit, commit, Options.Rename.NONE)).isInstanceOf(java.io.IOException.class);

    Files.createSymbolicLink(root.resolve("link.json"), root.resolve("_delta_log/00000.json"));
    Path linkPath = new Path(root.toUri().toString(), "link.json");
    FileStatus link = context.getFileLinkStatus(linkPath);
    FileStatus hadoops = FileContext.getFileContext(root.toUri(), hadoopDefaults()).getFileLinkStatus(linkPath);
    assertThat(link.isSymlink()).isEqualTo(hadoops.isSymlink());
    assertThat(link.getLen()).isEqualTo(hadoops.getLen());
    assertThat(link.getPath()).isEqualTo(hadoops.getPath());
    FileStatus regular = context.getFileLinkStatus(commit);
    assertThat(regular.isSymlink()).isFalse();
    assertThat(regular.getLen()).isEqualTo(2);
    assertThatThrownBy(() -> context.getFileLinkStatus(new Path(root.toUri().toString(), "missing")))
        .isInstanceOf(FileNotFoundException.class);
  }
}
