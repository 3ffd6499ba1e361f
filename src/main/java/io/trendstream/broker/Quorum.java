package io.trendstream.broker;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.Uuid;

/**
 * A static KRaft controller quorum as Kafka's {@code controller.quorum.voters} spells it:
 * {@code ID@HOST:PORT,ID@HOST:PORT,...}. Input: that string. Output: the voters, each node's
 * controller port, and a cluster id every node derives alike from the same voters.
 */
public final class Quorum {
  private final Map<Integer, String> hostPorts;

  private Quorum(Map<Integer, String> hostPorts) {
    this.hostPorts = hostPorts;
  }

  /** @throws IllegalArgumentException naming what is malformed */
  public static Quorum parse(String voters) {
    Map<Integer, String> hostPorts = new LinkedHashMap<>();
    if (voters == null || voters.isBlank()) {
      throw new IllegalArgumentException("the controller quorum is empty");
    }
    for (String voter : voters.split(",")) {
      String v = voter.trim();
      if (!v.matches("\\d+@[^:@,]+:\\d{1,5}")) {
        throw new IllegalArgumentException("controller quorum entry '" + v
            + "' is not ID@HOST:PORT");
      }
      int id = Integer.parseInt(v.substring(0, v.indexOf('@')));
      int port = Integer.parseInt(v.substring(v.lastIndexOf(':') + 1));
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("controller quorum entry '" + v
            + "': port not in 1..65535");
      }
      if (hostPorts.put(id, v.substring(v.indexOf('@') + 1)) != null) {
        throw new IllegalArgumentException("node id " + id + " appears twice in the quorum");
      }
    }
    return new Quorum(hostPorts);
  }

  /** @throws IllegalArgumentException when the node is not a voter */
  public int controllerPort(int nodeId) {
    String hostPort = hostPorts.get(nodeId);
    if (hostPort == null) {
      throw new IllegalArgumentException("node id " + nodeId + " is not in the controller "
          + "quorum " + voters());
    }
    return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
  }

  public int size() {
    return hostPorts.size();
  }

  public String voters() {
    return hostPorts.entrySet().stream().map(e -> e.getKey() + "@" + e.getValue())
        .collect(Collectors.joining(","));
  }

  /**
   * Kafka's cluster id for these voters: nodes formatted one by one, in separate processes,
   * must share one, and the voters are what they already share.
   */
  public String clusterId() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
          .digest(voters().getBytes(StandardCharsets.UTF_8));
      ByteBuffer b = ByteBuffer.wrap(digest);
      return new Uuid(b.getLong(), b.getLong()).toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
