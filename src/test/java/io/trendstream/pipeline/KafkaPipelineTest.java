package io.trendstream.pipeline;

import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.pipeline.sink.DeadLetterSink;
import io.trendstream.post.Post;
import io.trendstream.post.TwitterTime;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.serve.QueryService.TableResult;
import io.trendstream.serve.StoreQueryService;
import io.trendstream.store.LiveStore;
import io.trendstream.source.SyntheticSource;
import io.trendstream.testing.Await;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.SparkTestSupport;
import io.trendstream.testing.TestStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end below the HTTP layer: synthetic posts through a real embedded broker into the
 * Spark job's Kafka source, counted exactly, and again after a restart from the checkpoint.
 */
@IntegrationTest
class KafkaPipelineTest {
  private static final long START = Instant.parse("2026-11-24T10:00:00Z").toEpochMilli();
  private static final Duration WAIT = Duration.ofSeconds(90);
  /** Two posts per event second: 300 posts span 150 s and cross window boundaries. */
  private static final double POSTS_PER_SECOND = 2;

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
  void countsEveryTokenExactlyOnceAcrossARestartFromCheckpoint() throws Exception {
    String topic = "pipeline-" + System.nanoTime();
    broker.createTopic(topic, 2, (short) 1);
    List<Post> posts = synthetic(300);
    StreamConfig config = new StreamConfig();
    config.bootstrapServers = broker.bootstrapServers();
    config.topic = topic;
    config.dataDir = dir.resolve("data");
    config.queryNamePrefix = SparkTestSupport.unique("kafka");
    config.sinks.add(new DeadLetterSink(DeadLetterSink.TOPIC));  // as the CLI runs the job

    produce(topic, 150);
    Map<String, Long> expected = wordCounts(posts.subList(0, 150));
    LiveStore store = TestStore.fresh("kafka_pipeline");
    try (Running first = new Running(config, store)) {
      first.awaitTokens(total(expected));
      assertThat(first.wordCounts()).isEqualTo(expected);
    }
    // The live tables outlive the job: a restarted API serves them before any new batch.
    try (Running stopped = new Running(null, store)) {
      assertThat(stopped.wordCounts()).isEqualTo(expected);
    }

    produce(topic, 300);  // the same seed: posts 0..149 again are not re-sent, see below
    expected = wordCounts(posts);
    try (Running second = new Running(config, store)) {
      second.awaitTokens(total(expected));
      assertThat(second.wordCounts()).isEqualTo(expected);
      // Every window of both runs: the store holds what the checkpoint holds.
      assertThat(second.windowedCounts()).isEqualTo(windowed(posts));
    }
  }

  @Test
  void lostKafkaDataStopsTheQueryWithAnActionableMessageUnlessToldToGoOn() throws Exception {
    String topic = "loss-" + System.nanoTime();
    broker.createTopic(topic, 1, (short) 1);
    StreamConfig config = new StreamConfig();
    config.bootstrapServers = broker.bootstrapServers();
    config.topic = topic;
    config.dataDir = dir.resolve("loss");
    config.queryNamePrefix = SparkTestSupport.unique("loss");
    config.sinks.add(new DeadLetterSink(DeadLetterSink.TOPIC));  // as the CLI runs the job
    sendTexts(topic, "one two", "three", "four");
    LiveStore store = TestStore.fresh("kafka_loss");
    try (Running first = new Running(config, store)) {
      first.awaitTokens(4);
    }
    // The topic is deleted and recreated: the checkpoint's offset 3 no longer exists.
    try (var admin = org.apache.kafka.clients.admin.Admin.create(
        Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin.deleteTopics(List.of(topic)).all().get();
      Await.until("topic deleted", WAIT, () -> !broker.topics().contains(topic));
    }
    Await.until("topic recreated", WAIT, () -> {
      try {
        broker.createTopic(topic, 1, (short) 1);
        return true;
      } catch (RuntimeException stillDeleting) {
        return false;
      }
    });
    sendTexts(topic, "five");
    try (Running second = new Running(config, store)) {
      var q = second.job.queries().get(1);
      Await.until("the query to fail", WAIT, () -> !q.isActive());
      String message = QueryFailures.explain(
          q.name(), q.exception().get().getMessage(), config);
      assertThat(message).contains("Kafka no longer holds records", "--fail-on-data-loss false",
          topic).doesNotContain("\n");
    }
    // Told to go on, Spark skips the gap (its offsets are ahead of the new topic) and runs on.
    config.failOnDataLoss = false;
    try (Running third = new Running(config, store)) {
      for (var q : third.job.queries()) {
        q.processAllAvailable();
        assertThat(q.isActive()).isTrue();
      }
      assertThat(third.wordCounts()).containsEntry("one", 1L);
    }
  }

  private static void sendTexts(String topic, String... texts) {
    var source = new io.trendstream.source.PostSource() {
      int i;

      @Override
      public Post next() {
        if (i >= texts.length) {
          return null;
        }
        Post p = Post.of(TwitterTime.format(START), System.nanoTime(), texts[i++], "en");
        return p;
      }

      @Override
      public String describe() {
        return "texts";
      }
    };
    new PostProducer(new ProducerSettings(broker.bootstrapServers()), source,
        new PostProducer.Options(topic, 0, 0), s -> {}).run();
  }

  /** Sends posts [already sent, n) of the synthetic stream. */
  private static void produce(String topic, int upTo) {
    List<Post> all = synthetic(upTo);
    var remaining = all.subList(sentSoFar, upTo);
    sentSoFar = upTo;
    var source = new io.trendstream.source.PostSource() {
      int i;

      @Override
      public Post next() {
        return i < remaining.size() ? remaining.get(i++) : null;
      }

      @Override
      public String describe() {
        return "test posts";
      }
    };
    PostProducer.Status status = new PostProducer(new ProducerSettings(broker.bootstrapServers()),
        source, new PostProducer.Options(topic, 0, 0), s -> {}).run();
    assertThat(status.acked()).isEqualTo(remaining.size());
  }

  private static int sentSoFar;

  private static List<Post> synthetic(int n) {
    SyntheticSource source = new SyntheticSource(7, START, POSTS_PER_SECOND);
    List<Post> posts = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      posts.add(source.next());
    }
    return posts;
  }

  private static Map<String, Long> wordCounts(List<Post> posts) {
    Map<String, Long> counts = new HashMap<>();
    for (Post p : posts) {
      for (String w : Tokenizer.WORDS.tokenize(p.text())) {
        counts.merge(w, 1L, Long::sum);
      }
    }
    return counts;
  }

  /** Windows (10 min sliding 5 min) the given posts touched, with counts over all posts. */
  private static Map<String, Long> windowed(List<Post> touched) {
    List<Post> all = synthetic(300);
    Map<String, Long> counts = new HashMap<>();
    java.util.Set<String> keys = new java.util.HashSet<>();
    for (Post p : all) {
      long t = TwitterTime.parse(p.createdAt()).toEpochMilli();
      long fiveMin = 300_000;
      long lastStart = t - Math.floorMod(t, fiveMin);
      for (long start = lastStart; start > t - 600_000; start -= fiveMin) {
        for (String w : Tokenizer.WORDS.tokenize(p.text())) {
          String key = Instant.ofEpochMilli(start) + "/" + w;
          counts.merge(key, 1L, Long::sum);
          if (touched.contains(p)) {
            keys.add(key);
          }
        }
      }
    }
    counts.keySet().retainAll(keys);
    return counts;
  }

  private static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * The job reading the test topic into the store (a new job: as after a process restart), and
   * the SQL API over it; with a null config only the API, as before the job's first batch.
   */
  private static final class Running implements AutoCloseable {
    final StreamingJob job;
    final StoreQueryService sql;

    Running(StreamConfig config, LiveStore store) throws Exception {
      job = config == null
          ? null
          : new StreamingJob(spark(), config, StreamingJob.kafka(config), new StoreSink(store));
      if (job != null) {
        job.start();
      }
      sql = new StoreQueryService(store.readers(), 100_000, Duration.ofSeconds(30), List::of);
    }

    void awaitTokens(long tokens) {
      Await.until(tokens + " tokens in word_counts", WAIT, () -> {
        Object sum = query("SELECT sum(count) FROM word_counts").rows().get(0).get(0);
        return sum != null && ((Number) sum).longValue() >= tokens;
      });
    }

    Map<String, Long> wordCounts() {
      Map<String, Long> m = new HashMap<>();
      query("SELECT word, count FROM word_counts").rows()
          .forEach(r -> m.put((String) r.get(0), (Long) r.get(1)));
      return m;
    }

    Map<String, Long> windowedCounts() {
      Await.until("windowed counts", WAIT,
          () -> !query("SELECT * FROM windowed_word_counts LIMIT 1").rows().isEmpty());
      // The windowed query is its own query on the same topic: wait until it has caught up.
      for (var q : job.queries()) {
        q.processAllAvailable();
      }
      Map<String, Long> m = new HashMap<>();
      query("SELECT window_start, word, count FROM windowed_word_counts").rows()
          .forEach(r -> m.put(r.get(0) + "/" + r.get(1), (Long) r.get(2)));
      return m;
    }

    TableResult query(String q) {
      try {
        return sql.sql(q);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }

    @Override
    public void close() {
      if (job != null) {
        job.close();
      }
    }
  }
}
