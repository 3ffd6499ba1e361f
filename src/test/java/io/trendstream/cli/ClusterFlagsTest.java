package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.testing.Cli;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes with the cluster flags of broker, cluster and stream: one line each, before
 * anything starts.
 */
class ClusterFlagsTest {
  private static final String VOTERS = "1@127.0.0.1:19093,2@127.0.0.1:19094,3@127.0.0.1:19095";

  @TempDir Path dir;

  @Test
  void brokerNodeFlagsGoTogetherAndNameAVoterOnAFixedPort() {
    assertThat(Cli.run("broker", "--node-id", "1").badFlagMessage())
        .contains("--node-id and --controller-quorum go together");
    assertThat(Cli.run("broker", "--node-id", "4", "--controller-quorum", VOTERS, "--port",
        "19092").badFlagMessage()).contains("node id 4 is not in the controller quorum");
    assertThat(Cli.run("broker", "--node-id", "1", "--controller-quorum", "1@x", "--port",
        "19092").badFlagMessage()).contains("is not ID@HOST:PORT");
    assertThat(Cli.run("broker", "--node-id", "1", "--controller-quorum", VOTERS, "--port",
        "0").badFlagMessage()).contains("needs a fixed port");
    assertThat(Cli.run("broker", "--partitions", "0").badFlagMessage())
        .contains("--partitions must be at least 1");
  }

  @Test
  void clusterUpAndDownRefuseBadInput() {
    assertThat(Cli.run("cluster", "up").badFlagMessage()).contains("--dir");
    assertThat(Cli.run("cluster", "up", "--dir", dir.toString(), "--workers", "0")
        .badFlagMessage()).contains("must be at least 1");
    assertThat(Cli.run("cluster", "up", "--dir", dir.toString(), "--worker-memory", "lots")
        .badFlagMessage()).contains("is not a size");
    Cli.Result down = Cli.run("cluster", "down", "--dir", dir.toString());
    assertThat(down.code()).isEqualTo(1);
    assertThat(down.errLines()).singleElement().asString().contains("no cluster.env in");
  }

  @Test
  void streamRefusesAnUnreachableMaster() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closed = s.getLocalPort();
    }
    Cli.Result run = Cli.run("stream", "--master", "spark://127.0.0.1:" + closed,
        "--data-dir", dir.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.errLines()).singleElement().asString()
        .contains("cannot reach the Spark master at spark://127.0.0.1:" + closed);
  }

  @Test
  void streamRefusesACheckpointDirectoryItCannotWrite() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "not a directory");
    try (ServerSocket master = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Cli.Result run = Cli.run("stream", "--master", "spark://127.0.0.1:" + master.getLocalPort(),
          "--checkpoint-location", file.resolve("checkpoints").toString());
      assertThat(run.code()).isEqualTo(1);
      assertThat(run.errLines()).singleElement().asString()
          .contains("checkpoint directory", "is not writable");
    }
  }
}
