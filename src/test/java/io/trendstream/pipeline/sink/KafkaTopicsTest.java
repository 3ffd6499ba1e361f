package io.trendstream.pipeline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.broker.KafkaTestClients;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.IntegrationTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sinks' topic creation against a real broker, as it would meet an external cluster. */
@IntegrationTest
class KafkaTopicsTest {
  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();

  /**
   * A sink's first batch is written right after its topic is created: every partition must take
   * a write by then, or an idempotent producer can lose a batch (TopicReadiness).
   */
  @Test
  void ensuredTopicTakesAnUnretriedFirstWriteOnEveryPartition() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    assertThat(KafkaTestClients.failedFirstWrites(bootstrap, 25, 4, topic -> KafkaTopics.ensure(
        bootstrap, Map.of(), topic, 4, KafkaTopics.COMPACTED))).isEmpty();
    // A topic that exists already is left as it is, and is ready too.
    assertThat(KafkaTestClients.failedFirstWrites(bootstrap, 1, 1, topic -> {
      KafkaTopics.ensure(bootstrap, Map.of(), topic, 1, Map.of());
      KafkaTopics.ensure(bootstrap, Map.of(), topic, 1, Map.of());
    })).isEmpty();
  }
}
