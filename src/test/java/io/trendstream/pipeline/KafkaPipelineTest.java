package io.trendstream.pipeline;

import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.pipeline.sink.DeadLetterSink;
import io.trendstream.post.Post;
import io.trendstream.serve.QueryService.TableResult;
import io.trendstream.serve.StoreQueryService;
import io.trendstream.store.LiveStore;
import io.trendstream.testing.Await;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.ExpectedCounts;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.TestPosts;
import io.trendstream.testing.TestStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end below the HTTP layer: synthetic posts through a real embedded broker into the
 * Spark job's Kafka source, counted exactly, and again after a restart from the checkpoint.
 */
@IntegrationTest
class KafkaPipelineTest {
  private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
  private static final Duration WAIT = Duration.ofSeconds(90);
  /** Two posts per event second: 300 posts span 150 s and cross window boundaries. */
  private static final double POSTS_PER_SECOND = 2;

  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension().partitions(2);
  @TempDir Path dir;

  @Test
  void countsEveryTokenExactlyOnceAcrossARestartFromCheckpoint() throws Exception {
    String topic = kafka.topic();
    List<Post> posts = TestPosts.synthetic(7, START, POSTS_PER_SECOND, 300);
    StreamConfig config = kafka.streamConfig(dir.resolve("data"));
    config.sinks.add(new DeadLetterSink(DeadLetterSink.TOPIC));  // as the CLI runs the job

    kafka.produce(topic, posts.subList(0, 150));
    Map<String, Long> expected = ExpectedCounts.words(posts.subList(0, 150));
    LiveStore store = TestStore.fresh("kafka_pipeline");
    try (Running first = new Running(config, store)) {
      first.awaitTokens(ExpectedCounts.total(expected));
      assertThat(first.wordCounts()).isEqualTo(expected);
    }
    // The live tables outlive the job: a restarted API serves them before any new batch.
    try (Running stopped = new Running(null, store)) {
      assertThat(stopped.wordCounts()).isEqualTo(expected);
    }

    kafka.produce(topic, posts.subList(150, 300));
    expected = ExpectedCounts.words(posts);
    try (Running second = new Running(config, store)) {
      second.awaitTokens(ExpectedCounts.total(expected));
      assertThat(second.wordCounts()).isEqualTo(expected);
      // Every window of both runs: the store holds what the checkpoint holds.
      assertThat(second.windowedCounts()).isEqualTo(ExpectedCounts.windowed(posts));
    }
  }

  @Test
  void lostKafkaDataStopsTheQueryWithAnActionableMessageUnlessToldToGoOn() throws Exception {
    String topic = kafka.newTopic("loss", 1);
    StreamConfig config = kafka.streamConfig(topic, dir.resolve("loss"));
    config.sinks.add(new DeadLetterSink(DeadLetterSink.TOPIC));  // as the CLI runs the job
    kafka.produce(topic, TestPosts.ofTexts(START, 1, "one two", "three", "four"));
    LiveStore store = TestStore.fresh("kafka_loss");
    try (Running first = new Running(config, store)) {
      first.awaitTokens(4);
    }
    // The topic is deleted and recreated: the checkpoint's offset 3 no longer exists.
    kafka.recreateTopic(topic, 1);
    kafka.produce(topic, TestPosts.ofTexts(START, 4, "five"));
    try (Running second = new Running(config, store)) {
      var q = second.job.queries().get(0);
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
      query("SELECT window_start, window_end, word, count FROM windowed_word_counts").rows()
          .forEach(r -> m.put(ExpectedCounts.windowKey(Instant.parse(r.get(0).toString()),
              Instant.parse(r.get(1).toString()), (String) r.get(2)), (Long) r.get(3)));
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
