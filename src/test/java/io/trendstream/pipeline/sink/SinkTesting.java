package io.trendstream.pipeline.sink;

import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.broker.KafkaTestClients;
import io.trendstream.pipeline.DurableSink;
import io.trendstream.pipeline.SinkContext;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.pipeline.TrendQueries;
import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import io.trendstream.store.StoreTables;
import io.trendstream.testing.ExpectedCounts;
import io.trendstream.testing.TestPosts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * What the sink tests share: deterministic posts, raw bytes into the real broker, what each
 * sink holds read back in the keys of {@link ExpectedCounts} (the oracle they are compared
 * with), and the checkpoint surgery that makes Spark replay a batch. Never sleeps: reads poll
 * up to the end offsets.
 */
final class SinkTesting {
  private static final AtomicLong NAMES = new AtomicLong(System.nanoTime());

  private SinkTesting() {}

  /** A name no other test in this JVM uses, for topics, query prefixes and databases. */
  static String unique(String prefix) {
    return prefix + "_" + NAMES.incrementAndGet();
  }

  /** Posts [0, n) of a seeded synthetic stream, two per event-time second from {@code start}. */
  static List<Post> posts(Instant start, int n) {
    return TestPosts.synthetic(11, start, 2, n);
  }

  static byte[] bytes(Post p) {
    return PostJson.toJson(p).getBytes(StandardCharsets.UTF_8);
  }

  static List<RecordMetadata> sendPosts(String bootstrap, String topic, List<Post> posts) {
    return KafkaTestClients.send(bootstrap, topic,
        posts.stream().map(SinkTesting::bytes).toList());
  }

  static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : text(h.value());
  }

  /**
   * A compacted count topic of {@link KafkaCountSink} as its readers see it, the latest value
   * per key, keyed like {@link ExpectedCounts}; every record's key must name the row it holds.
   */
  static Map<String, Long> latestCounts(String bootstrap, String topic) {
    Map<String, Long> latest = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : KafkaTestClients.readAll(bootstrap, topic)) {
      JsonNode value = json(r.value());
      String row = countKey(value);
      String key = text(r.key());
      assertThat(key.startsWith("{") ? countKey(json(r.key())) : key)
          .as("key of %s", text(r.value())).isEqualTo(row);
      latest.put(row, value.get("count").asLong());
    }
    return latest;
  }

  private static String countKey(JsonNode row) {
    return row.has("window_start")
        ? ExpectedCounts.windowKey(Instant.parse(row.get("window_start").asText()),
            Instant.parse(row.get("window_end").asText()), row.get("word").asText())
        : row.get("word").asText();
  }

  private static JsonNode json(byte[] bytes) {
    try {
      return PostJson.MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@link JdbcCountSink}'s word counts table; empty while it does not exist yet. */
  static Map<String, Long> jdbcWordCounts(String url) {
    return jdbcCounts(url, "SELECT word, count FROM " + StoreTables.WORD_COUNTS);
  }

  /** {@link JdbcCountSink}'s windowed table, keyed like {@link ExpectedCounts#windowed}. */
  static Map<String, Long> jdbcWindowedCounts(String url) {
    return jdbcCounts(url, "SELECT window_start, window_end, word, count FROM "
        + StoreTables.WINDOWED_WORD_COUNTS);
  }

  private static Map<String, Long> jdbcCounts(String url, String query) {
    Map<String, Long> m = new HashMap<>();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      boolean windowed = rs.getMetaData().getColumnCount() == 4;
      while (rs.next()) {
        String key = windowed
            ? ExpectedCounts.windowKey(rs.getObject(1, OffsetDateTime.class).toInstant(),
                rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getString(3))
            : rs.getString(1);
        m.put(key, rs.getLong(windowed ? 4 : 2));
      }
    } catch (SQLException e) {
      if ("42P01".equals(e.getSQLState())) {
        return Map.of();  // undefined_table: the sink has not created it yet
      }
      throw new AssertionError("cannot read " + url + ": " + e.getMessage(), e);
    }
    return m;
  }

  /** A sink's view of a fresh Kafka source on the config's topic, as the job builds it. */
  static SinkContext context(StreamConfig config) {
    Dataset<Row> records = StreamingJob.kafka(config).apply(spark());
    return new SinkContext(config, records,
        TrendQueries.posts(records, config.eventTime, config.maxValueBytes));
  }

  static List<StreamingQuery> start(DurableSink sink, StreamConfig config) {
    try {
      return sink.start(context(config));
    } catch (TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  static void processAll(List<StreamingQuery> queries) {
    for (StreamingQuery q : queries) {
      q.processAllAvailable();
    }
  }

  static void stop(List<StreamingQuery> queries) {
    for (StreamingQuery q : queries) {
      try {
        q.stop();
      } catch (TimeoutException e) {
        throw new AssertionError(e);
      }
    }
  }

  /**
   * Runs the sink over the posts in more than one batch, as a job meets them: the first half is
   * in the config's topic when the sink starts, the second arrives after its first batches.
   * Stops the sink's queries once they have processed everything.
   */
  static void runOverTwoHalves(DurableSink sink, StreamConfig config, List<Post> posts) {
    int half = posts.size() / 2;
    sendPosts(config.bootstrapServers, config.topic, posts.subList(0, half));
    List<StreamingQuery> queries = start(sink, config);
    processAll(queries);
    sendPosts(config.bootstrapServers, config.topic, posts.subList(half, posts.size()));
    processAll(queries);
    stop(queries);
  }

  /**
   * Replays the last batch of each named query of the sink, as after a crash between its write
   * and its commit: drops that batch's commit, restarts the sink until it has processed
   * everything again, and checks the batch really ran again.
   *
   * @param queries the sink's query names, without the config's prefix
   * @return the id of the replayed batch of each query, in the order given
   */
  static List<Long> replayLastBatch(DurableSink sink, StreamConfig config, String... queries) {
    List<Long> replayed = new ArrayList<>();
    for (String q : queries) {
      replayed.add(dropLastCommit(config.checkpointDir(config.queryNamePrefix + q)));
    }
    List<StreamingQuery> restarted = start(sink, config);
    processAll(restarted);
    stop(restarted);
    for (int i = 0; i < queries.length; i++) {
      String name = config.queryNamePrefix + queries[i];
      StreamingQuery q = restarted.stream().filter(r -> name.equals(r.name())).findFirst()
          .orElseThrow(() -> new AssertionError("no restarted query " + name));
      assertReplayed(q, replayed.get(i));
    }
    return replayed;
  }

  /**
   * Deletes the newest file of the checkpoint's commit log, as if the process died after the
   * batch wrote its output but before Spark recorded it: the next start runs that batch again.
   *
   * @return the id of the batch that will be replayed
   */
  private static long dropLastCommit(String checkpoint) {
    Path commits = Path.of(checkpoint).resolve("commits");
    try (Stream<Path> files = Files.list(commits)) {
      long last = files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.matches("\\d+"))
          .mapToLong(Long::parseLong)
          .max()
          .orElseThrow(() -> new AssertionError("no commits in " + commits));
      Files.delete(commits.resolve(Long.toString(last)));
      Files.deleteIfExists(commits.resolve("." + last + ".crc"));
      return last;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts the restarted query ran {@code batchId} again (so the replay really happened). */
  private static void assertReplayed(StreamingQuery q, long batchId) {
    assertThat(q.recentProgress())
        .as("batches %s ran after the restart", q.name())
        .anyMatch(p -> p.batchId() == batchId);
  }
}
