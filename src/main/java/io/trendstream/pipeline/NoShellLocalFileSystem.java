package io.trendstream.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file:} paths: checkpoints and state stores on this
 * machine), minus one child process per file. Without Hadoop's native library, which no Maven
 * artifact ships, Hadoop sets the permissions of every file and directory it creates by running
 * {@code chmod}; a micro-batch of the job creates dozens, and each fork of a multi-gigabyte JVM
 * costs milliseconds. This sets them through {@code java.nio} instead, with the same result.
 * Checksums and everything else are Hadoop's own. Input and output: those of
 * {@link LocalFileSystem}.
 */
public final class NoShellLocalFileSystem extends LocalFileSystem {
  public NoShellLocalFileSystem() {
    super(new Raw());
  }

  /** The raw (checksum-less) layer underneath, where the chmod happens. */
  static final class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      String rwx = permission.getUserAction().SYMBOL + permission.getGroupAction().SYMBOL
          + permission.getOtherAction().SYMBOL;
      try {
        Files.setPosixFilePermissions(pathToFile(p).toPath(),
            PosixFilePermissions.fromString(rwx));
      } catch (UnsupportedOperationException notPosix) {
        super.setPermission(p, permission);
      }
    }
  }
}
