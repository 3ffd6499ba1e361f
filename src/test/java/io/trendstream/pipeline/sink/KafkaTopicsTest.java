package io.trendstream.pipeline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.broker.KafkaTestClients;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sinks' topic creation against a real broker, as it would meet an external cluster. */
class KafkaTopicsTest {
  @TempDir Path dir;

  /**
   * A sink's first batch is written right after its topic is created: every partition must take
   * a write by then, or an idempotent producer can lose a batch (TopicReadiness).
   */
  @Test
  void ensuredTopicTakesAnUnretriedFirstWriteOnEveryPartition() throws Exception {
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0).start();
        KafkaProducer<String, String> unretried =
            KafkaTestClients.unretriedProducer(broker.bootstrapServers())) {
      List<String> failures = new ArrayList<>();
      for (int round = 0; round < 25; round++) {
        String topic = SinkTesting.unique("ensured");
        KafkaTopics.ensure(broker.bootstrapServers(), Map.of(), topic, 4, KafkaTopics.COMPACTED);
        failures.addAll(KafkaTestClients.unretriedFirstWrites(unretried, topic, 4));
      }
      assertThat(failures).isEmpty();
      // An existing topic is left as it is and still ready.
      KafkaTopics.ensure(broker.bootstrapServers(), Map.of(), "again", 1, Map.of());
      KafkaTopics.ensure(broker.bootstrapServers(), Map.of(), "again", 1, Map.of());
      assertThat(KafkaTestClients.unretriedFirstWrites(unretried, "again", 1)).isEmpty();
    }
  }
}
