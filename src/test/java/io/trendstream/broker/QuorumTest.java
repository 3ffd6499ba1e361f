package io.trendstream.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/** The static controller quorum of a multi-node broker: parsing and the shared cluster id. */
class QuorumTest {
  private static final String VOTERS = "1@127.0.0.1:19093, 2@127.0.0.1:19094,3@127.0.0.1:19095";

  @Test
  void eachNodeFindsItsControllerPortAndAllDeriveOneClusterId() {
    Quorum q = Quorum.parse(VOTERS);
    assertThat(q.size()).isEqualTo(3);
    assertThat(q.controllerPort(2)).isEqualTo(19094);
    assertThat(q.voters()).isEqualTo("1@127.0.0.1:19093,2@127.0.0.1:19094,3@127.0.0.1:19095");
    // Nodes formatted in separate processes must agree; another cluster must not.
    assertThat(Quorum.parse(VOTERS).clusterId()).isEqualTo(q.clusterId());
    assertThat(Quorum.parse("1@127.0.0.1:19093").clusterId()).isNotEqualTo(q.clusterId());
    assertThat(Uuid.fromString(q.clusterId()).toString()).isEqualTo(q.clusterId());
  }

  @Test
  void malformedQuorumsAndUnknownNodesAreRefusedWithTheReason() {
    assertThatThrownBy(() -> Quorum.parse("1@127.0.0.1")).hasMessageContaining("ID@HOST:PORT");
    assertThatThrownBy(() -> Quorum.parse("1@a:1,1@b:2")).hasMessageContaining("twice");
    assertThatThrownBy(() -> Quorum.parse("1@a:70000")).hasMessageContaining("1..65535");
    assertThatThrownBy(() -> Quorum.parse(" ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> Quorum.parse(VOTERS).controllerPort(4))
        .hasMessageContaining("node id 4 is not in the controller quorum");
  }
}
