package io.trendstream.pipeline.sink;

import static io.trendstream.broker.KafkaTestClients.readAll;
import static io.trendstream.pipeline.sink.SinkTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.broker.KafkaTestClients;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.post.Post;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.ExpectedCounts;
import io.trendstream.testing.IntegrationTest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --sink kafka} against the real embedded broker: the latest value per key on both
 * compacted topics equals the counts recomputed from the posts, and still does after a batch is
 * replayed from the checkpoint.
 */
@IntegrationTest
class KafkaCountSinkTest {
  private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");

  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension().partitions(2);
  @TempDir Path dir;

  @Test
  void latestValuePerKeyIsExactAndStaysExactWhenABatchIsReplayed() throws Exception {
    String countsTopic = BrokerExtension.uniqueName("word-counts");
    String windowedTopic = BrokerExtension.uniqueName("windowed-word-counts");
    StreamConfig config = kafka.streamConfig(dir.resolve("data"));
    KafkaCountSink sink = new KafkaCountSink(countsTopic, windowedTopic);
    // 400 posts at 2/s span 200 s of event time and cross a 5-minute window boundary.
    List<Post> posts = SinkTesting.posts(START.plusSeconds(200), 400);

    SinkTesting.runOverTwoHalves(sink, config, posts);

    assertThat(latest(countsTopic)).isEqualTo(ExpectedCounts.words(posts));
    assertThat(latest(windowedTopic)).isEqualTo(ExpectedCounts.windowed(posts));
    int recordsBefore = readAll(kafka.bootstrapServers(), countsTopic).size();

    // The last batches are replayed as after a crash between their write and their commit.
    SinkTesting.replayLastBatch(sink, config, KafkaCountSink.WORD_COUNTS_QUERY,
        KafkaCountSink.WINDOWED_QUERY);

    // At-least-once: the replay wrote its rows again; the latest value per key is unchanged.
    assertThat(readAll(kafka.bootstrapServers(), countsTopic).size())
        .isGreaterThan(recordsBefore);
    assertThat(latest(countsTopic)).isEqualTo(ExpectedCounts.words(posts));
    assertThat(latest(windowedTopic)).isEqualTo(ExpectedCounts.windowed(posts));
  }

  @Test
  void recordsAreKeyedJsonRowsOnCompactedTopics() throws Exception {
    String topic = kafka.newTopic("keyed", 1);
    String countsTopic = BrokerExtension.uniqueName("word-counts");
    String windowedTopic = BrokerExtension.uniqueName("windowed-word-counts");
    StreamConfig config = kafka.streamConfig(topic, dir.resolve("data"));
    KafkaTestClients.send(kafka.bootstrapServers(), topic, List.of(SinkTesting.bytes(
        Post.of("Tue Nov 24 10:02:00 +0000 2026", 1, "Kafka kafka SPARK", "en"))));
    List<StreamingQuery> queries =
        SinkTesting.start(new KafkaCountSink(countsTopic, windowedTopic), config);
    SinkTesting.processAll(queries);
    SinkTesting.stop(queries);

    for (String t : List.of(countsTopic, windowedTopic)) {
      assertThat(cleanupPolicy(t)).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
    }
    Map<String, String> counts = new HashMap<>();
    readAll(kafka.bootstrapServers(), countsTopic)
        .forEach(r -> counts.put(text(r.key()), text(r.value())));
    assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(
        "kafka", "{\"word\":\"kafka\",\"count\":2}",
        "spark", "{\"word\":\"spark\",\"count\":1}"));
    Map<String, String> windows = new HashMap<>();
    readAll(kafka.bootstrapServers(), windowedTopic)
        .forEach(r -> windows.put(text(r.key()), text(r.value())));
    assertThat(windows).containsEntry(
        "{\"window_start\":\"2026-11-24T10:00:00Z\",\"window_end\":\"2026-11-24T10:10:00Z\","
            + "\"word\":\"kafka\"}",
        "{\"window_start\":\"2026-11-24T10:00:00Z\",\"window_end\":\"2026-11-24T10:10:00Z\","
            + "\"word\":\"kafka\",\"count\":2}");
    assertThat(windows).hasSize(4);  // two words in [09:55, 10:05) and [10:00, 10:10)
  }

  private static Map<String, Long> latest(String topic) {
    return SinkTesting.latestCounts(kafka.bootstrapServers(), topic);
  }

  private static String cleanupPolicy(String topic) throws Exception {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      return admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r)
          .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
    }
  }
}
