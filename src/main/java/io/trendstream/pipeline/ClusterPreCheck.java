package io.trendstream.pipeline;

import io.trendstream.common.UserError;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a job on a Spark standalone cluster checks before it starts, so a mistake is one line
 * instead of a job that waits forever. Input: the master URL (the flag's, or what
 * spark-submit set) and the checkpoint root. Output: nothing, or a {@link UserError}.
 *
 * <p>Without the master check an unreachable master costs three 20 s registration attempts
 * and then "All masters are unresponsive", deep in Spark's log. Without the checkpoint check
 * a local directory given to executors on other machines fails each task that writes state.
 */
public final class ClusterPreCheck {
  static final int CONNECT_TIMEOUT_MS = 5_000;

  private ClusterPreCheck() {}

  /**
   * @param master null or any Spark master; only {@code spark://} ones are checked
   * @param checkpointRoot the job's checkpoint root (a path or a Hadoop URI)
   */
  public static void check(String master, String checkpointRoot) {
    if (master == null || !master.startsWith("spark://")) {
      return;
    }
    requireReachable(master);
    boolean local = isLocal(checkpointRoot);
    if (local && !SparkSessions.isLoopback(master)) {
      throw new UserError("checkpoints in " + checkpointRoot + " are on this machine's disk, "
          + "which executors on the cluster's other machines cannot write: pass "
          + "--checkpoint-location with a location every node reaches (hdfs://..., s3a://...)");
    }
    if (local) {
      requireWritable(Path.of(checkpointRoot.startsWith("file:") ? URI.create(checkpointRoot)
          .getPath() : checkpointRoot));
    }
  }

  /** A master counts as reachable when one of its host:port pairs accepts a connection. */
  private static void requireReachable(String master) {
    String reason = null;
    for (String hostPort : master.substring("spark://".length()).split(",")) {
      int colon = hostPort.lastIndexOf(':');
      if (colon < 0) {
        throw new UserError("Spark master " + master + " has no port (spark://HOST:PORT)");
      }
      String host = hostPort.substring(0, colon);
      int port;
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new UserError("Spark master " + master + ": '" + hostPort.substring(colon + 1)
            + "' is not a port");
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MS);
        return;
      } catch (IOException e) {
        reason = e.getMessage();
      }
    }
    throw new UserError("cannot reach the Spark master at " + master + " (" + reason + "); is "
        + "it running? 'trendstream cluster up' starts one on this machine");
  }

  private static boolean isLocal(String root) {
    int colon = root.indexOf(':');
    // No scheme, or a Windows-like drive letter: a local path; file: is local too.
    return colon < 2 || root.startsWith("file:");
  }

  private static void requireWritable(Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".write-check", "");
      Files.delete(probe);
    } catch (IOException | SecurityException e) {
      throw new UserError("checkpoint directory " + dir + " is not writable: " + e.getMessage()
          + " (the executors write their state there)");
    }
  }
}
