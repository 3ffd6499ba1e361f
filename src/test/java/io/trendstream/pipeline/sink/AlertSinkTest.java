package io.trendstream.pipeline.sink;

import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trendstream.pipeline.Alerts;
import io.trendstream.pipeline.Alerts.Mode;
import io.trendstream.pipeline.SinkContext;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.pipeline.Tokenizer;
import io.trendstream.testing.Await;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.TestPosts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import io.trendstream.broker.KafkaTestClients;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert query on a real broker and Spark: posts with a watched word, hashtag or handle
 * (as the job's tokenizer reads them) alert with the terms they matched, other posts and
 * records that are not posts do not; in real-time mode when Spark has a core per partition,
 * as micro-batches, with one line saying why, when it has not.
 */
@IntegrationTest
class AlertSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(90);

  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();
  @TempDir Path dir;

  /** The posts of every test: ids 1..7; 1, 3, 4, 6 and 7 match. */
  private static final String[] TEXTS = {
      "Learning Kafka today!",                 // 1: word, any case, punctuation
      "kafkaesque is not kafka-like",          // 2: no token equals a term
      "streams with #Spark",                   // 3: hashtag
      "thanks @flink and KAFKA",               // 4: handle and word
      "spark without the hash, flink without the at",  // 5: words, not #spark / @flink
      "#spark #spark kafka",                   // 6: two terms, each once
      "https://kafka.apache.org and kafka."    // 7: the URL is dropped, the word counts
  };

  private static final List<String> WATCH = List.of("Kafka", "#spark", "@Flink");

  @Test
  void realTimeModeAlertsExactlyTheMatchingPosts() throws Exception {
    String topic = kafka.newTopic("alerts-in", 1);
    List<String> notices = new CopyOnWriteArrayList<>();
    AlertSink sink = sink(0, notices);
    StreamingQuery q = start(topic, sink);
    try {
      assertThat(sink.mode()).isEqualTo(Mode.REALTIME);
      assertThat(notices).isEmpty();
      produce(topic);
      Map<String, List<String>> alerts = awaitAlerts(5);
      assertThat(alerts).containsExactlyEntriesOf(expected());
      assertThat(q.isActive()).isTrue();
    } finally {
      q.stop();
    }
  }

  @Test
  void tooFewCoresFallsBackToMicroBatchesWithOneLine() throws Exception {
    // Two partitions, two cores, one kept for the counts: real-time mode cannot run.
    String topic = kafka.newTopic("alerts-in", 2);
    List<String> notices = new CopyOnWriteArrayList<>();
    AlertSink sink = sink(1, notices);
    StreamingQuery q = start(topic, sink);
    try {
      assertThat(sink.mode()).isEqualTo(Mode.MICROBATCH);
      assertThat(notices).hasSize(1);
      assertThat(notices.get(0)).doesNotContain("\n")
          .contains("real-time mode needs 2 free cores", "'" + topic + "'",
              "Spark has 2 and the counts keep 1", "micro-batches");
      produce(topic);
      assertThat(awaitAlerts(5)).containsExactlyEntriesOf(expected());
    } finally {
      q.stop();
    }
  }

  private String alertTopic;

  private AlertSink sink(int reserved, List<String> notices) {
    alertTopic = BrokerExtension.uniqueName("alerts");
    return new AlertSink(Alerts.normalize(WATCH, Tokenizer.WORDS), Mode.REALTIME, alertTopic,
        reserved, notices::add);
  }

  private StreamingQuery start(String topic, AlertSink sink) throws Exception {
    StreamConfig config = kafka.streamConfig(topic, dir);
    SinkContext context = new SinkContext(config, StreamingJob.kafka(config).apply(spark()),
        null);
    List<StreamingQuery> started = sink.start(context);
    assertThat(started).hasSize(1);
    return started.get(0);
  }

  private void produce(String topic) {
    kafka.produce(topic, TestPosts.ofTexts(AT, 1, TEXTS));
    // Not posts: never an alert, however much they mention kafka.
    KafkaTestClients.send(kafka.bootstrapServers(), topic, List.of(
        "kafka kafka".getBytes(StandardCharsets.UTF_8),
        "{\"text\": 5, \"id_str\": \"kafka\"}".getBytes(StandardCharsets.UTF_8)));
  }

  private static Map<String, List<String>> expected() {
    Map<String, List<String>> m = new TreeMap<>();
    m.put("1", List.of("kafka"));
    m.put("3", List.of("#spark"));
    m.put("4", List.of("kafka", "@flink"));
    m.put("6", List.of("kafka", "#spark"));
    m.put("7", List.of("kafka"));
    return m;
  }

  /** Alerts by key: the JSON's terms, its id equal to the key, its text the post's. */
  private Map<String, List<String>> awaitAlerts(int expected) throws Exception {
    List<ConsumerRecord<String, String>> records = new ArrayList<>();
    Await.until(expected + " alerts", WAIT, () -> {
      records.clear();
      records.addAll(KafkaTestClients.consume(kafka.bootstrapServers(), alertTopic, expected,
          Duration.ofSeconds(2)));
      return records.size() >= expected;
    });
    Map<String, List<String>> out = new TreeMap<>();
    for (ConsumerRecord<String, String> r : records) {
      JsonNode alert = JSON.readTree(r.value());
      assertThat(alert.path(Alerts.ID_STR).asText()).isEqualTo(r.key());
      assertThat(alert.path(Alerts.TEXT).asText())
          .isEqualTo(TEXTS[Integer.parseInt(r.key()) - 1]);
      List<String> terms = new ArrayList<>();
      alert.path(Alerts.TERMS).forEach(t -> terms.add(t.asText()));
      assertThat(out.put(r.key(), terms)).as("a second alert for " + r.key()).isNull();
    }
    return out;
  }
}
