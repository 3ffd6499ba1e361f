package io.trendstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.SparkTestSupport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local file system Spark's checkpoints use: Hadoop's, permissions set without chmod. */
class NoShellLocalFileSystemTest {
  @TempDir Path dir;

  @Test
  void setsPermissionsChecksumsAndRenamesLikeHadoopsOwn() throws Exception {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", NoShellLocalFileSystem.class.getName());
    conf.setBoolean("fs.file.impl.disable.cache", true);
    try (FileSystem fs = FileSystem.get(dir.toUri(), conf)) {
      assertThat(fs).isInstanceOf(NoShellLocalFileSystem.class);
      org.apache.hadoop.fs.Path sub = new org.apache.hadoop.fs.Path(dir.toUri() + "/a/b");
      assertThat(fs.mkdirs(sub, new FsPermission((short) 0750))).isTrue();
      assertThat(PosixFilePermissions.toString(
          Files.getPosixFilePermissions(dir.resolve("a/b")))).isEqualTo("rwxr-x---");

      org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(sub, "f.tmp");
      try (FSDataOutputStream out = fs.create(tmp, new FsPermission((short) 0640), false, 4096,
          (short) 1, 1 << 20, null)) {
        out.write("hello".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(PosixFilePermissions.toString(
          Files.getPosixFilePermissions(dir.resolve("a/b/f.tmp")))).isEqualTo("rw-r-----");
      org.apache.hadoop.fs.Path done = new org.apache.hadoop.fs.Path(sub, "f");
      assertThat(fs.rename(tmp, done)).isTrue();
      assertThat(Files.readString(dir.resolve("a/b/f"))).isEqualTo("hello");
      assertThat(dir.resolve("a/b/.f.crc")).exists();
    }
  }

  @IntegrationTest
  @Test
  void sparkSessionsUseItAndTheFileSystemCheckpointManager() {
    var spark = SparkTestSupport.spark();
    assertThat(spark.sparkContext().hadoopConfiguration().get("fs.file.impl"))
        .isEqualTo(NoShellLocalFileSystem.class.getName());
    assertThat(spark.conf().get("spark.sql.streaming.checkpointFileManagerClass"))
        .endsWith("FileSystemBasedCheckpointFileManager");
  }
}
