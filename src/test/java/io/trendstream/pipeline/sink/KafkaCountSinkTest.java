package io.trendstream.pipeline.sink;

import static io.trendstream.pipeline.sink.SinkTesting.readAll;
import static io.trendstream.pipeline.sink.SinkTesting.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.post.Post;
import io.trendstream.testing.IntegrationTest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --sink kafka} against the real embedded broker: the latest value per key on both
 * compacted topics equals the counts recomputed from the posts, and still does after a batch is
 * replayed from the checkpoint.
 */
@IntegrationTest
class KafkaCountSinkTest {
  private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0).start();
  }

  @AfterAll
  static void stopBroker() {
    broker.stop();
  }

  @Test
  void latestValuePerKeyIsExactAndStaysExactWhenABatchIsReplayed() throws Exception {
    String topic = SinkTesting.unique("posts");
    broker.createTopic(topic, 2, (short) 1);
    String countsTopic = SinkTesting.unique("word-counts");
    String windowedTopic = SinkTesting.unique("windowed-word-counts");
    StreamConfig config = SinkTesting.config(broker, topic, dir.resolve("data"));
    KafkaCountSink sink = new KafkaCountSink(countsTopic, windowedTopic);
    // 400 posts at 2/s span 200 s of event time and cross a 5-minute window boundary.
    List<Post> posts = SinkTesting.posts(START.plusSeconds(200), 400);

    SinkTesting.sendPosts(broker.bootstrapServers(), topic, posts.subList(0, 200));
    List<StreamingQuery> queries = SinkTesting.start(sink, config);
    SinkTesting.processAll(queries);
    SinkTesting.sendPosts(broker.bootstrapServers(), topic, posts.subList(200, 400));
    SinkTesting.processAll(queries);
    SinkTesting.stop(queries);

    assertThat(latestWordCounts(countsTopic)).isEqualTo(SinkTesting.wordCounts(posts));
    assertThat(latestWindowedCounts(windowedTopic))
        .isEqualTo(SinkTesting.windowedCounts(posts));
    int recordsBefore = readAll(broker.bootstrapServers(), countsTopic).size();

    // The word-count batch is replayed as after a crash between its write and its commit.
    long replayed = SinkTesting.dropLastCommit(config.checkpointDir(
        config.queryNamePrefix + KafkaCountSink.WORD_COUNTS_QUERY));
    long replayedWindows = SinkTesting.dropLastCommit(config.checkpointDir(
        config.queryNamePrefix + KafkaCountSink.WINDOWED_QUERY));
    List<StreamingQuery> restarted = SinkTesting.start(sink, config);
    SinkTesting.processAll(restarted);
    SinkTesting.stop(restarted);
    SinkTesting.assertReplayed(restarted.get(0), replayed);
    SinkTesting.assertReplayed(restarted.get(1), replayedWindows);

    // At-least-once: the replay wrote its rows again; the latest value per key is unchanged.
    assertThat(readAll(broker.bootstrapServers(), countsTopic).size())
        .isGreaterThan(recordsBefore);
    assertThat(latestWordCounts(countsTopic)).isEqualTo(SinkTesting.wordCounts(posts));
    assertThat(latestWindowedCounts(windowedTopic))
        .isEqualTo(SinkTesting.windowedCounts(posts));
  }

  @Test
  void recordsAreKeyedJsonRowsOnCompactedTopics() throws Exception {
    String topic = SinkTesting.unique("posts");
    broker.createTopic(topic, 1, (short) 1);
    String countsTopic = SinkTesting.unique("word-counts");
    String windowedTopic = SinkTesting.unique("windowed-word-counts");
    StreamConfig config = SinkTesting.config(broker, topic, dir.resolve("data"));
    SinkTesting.send(broker.bootstrapServers(), topic, List.of(SinkTesting.bytes(
        Post.of("Tue Nov 24 10:02:00 +0000 2026", 1, "Kafka kafka SPARK", "en"))));
    List<StreamingQuery> queries =
        SinkTesting.start(new KafkaCountSink(countsTopic, windowedTopic), config);
    SinkTesting.processAll(queries);
    SinkTesting.stop(queries);

    for (String t : List.of(countsTopic, windowedTopic)) {
      assertThat(cleanupPolicy(t)).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
    }
    Map<String, String> counts = new HashMap<>();
    readAll(broker.bootstrapServers(), countsTopic)
        .forEach(r -> counts.put(text(r.key()), text(r.value())));
    assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of(
        "kafka", "{\"word\":\"kafka\",\"count\":2}",
        "spark", "{\"word\":\"spark\",\"count\":1}"));
    Map<String, String> windows = new HashMap<>();
    readAll(broker.bootstrapServers(), windowedTopic)
        .forEach(r -> windows.put(text(r.key()), text(r.value())));
    assertThat(windows).containsEntry(
        "{\"window_start\":\"2026-11-24T10:00:00Z\",\"window_end\":\"2026-11-24T10:10:00Z\","
            + "\"word\":\"kafka\"}",
        "{\"window_start\":\"2026-11-24T10:00:00Z\",\"window_end\":\"2026-11-24T10:10:00Z\","
            + "\"word\":\"kafka\",\"count\":2}");
    assertThat(windows).hasSize(4);  // two words in [09:55, 10:05) and [10:00, 10:10)
  }

  private static Map<String, Long> latestWordCounts(String topic) throws Exception {
    Map<String, Long> latest = new HashMap<>();
    for (var r : readAll(broker.bootstrapServers(), topic)) {
      JsonNode v = JSON.readTree(r.value());
      assertThat(v.get("word").asText()).isEqualTo(text(r.key()));
      latest.put(text(r.key()), v.get("count").asLong());
    }
    return latest;
  }

  private static Map<String, Long> latestWindowedCounts(String topic) throws Exception {
    Map<String, Long> latest = new HashMap<>();
    for (var r : readAll(broker.bootstrapServers(), topic)) {
      JsonNode v = JSON.readTree(r.value());
      String key = Instant.parse(v.get("window_start").asText()) + "/"
          + Instant.parse(v.get("window_end").asText()) + "/" + v.get("word").asText();
      latest.put(key, v.get("count").asLong());
    }
    return latest;
  }

  private static String cleanupPolicy(String topic) throws Exception {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      return admin.describeConfigs(List.of(r)).all().get(30, TimeUnit.SECONDS).get(r)
          .get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
    }
  }
}
