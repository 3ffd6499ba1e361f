package io.trendstream.pipeline.sink;

import static io.trendstream.pipeline.sink.SinkTesting.header;
import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.broker.KafkaTestClients;
import io.trendstream.pipeline.JobStatus;
import io.trendstream.pipeline.ResultSink;
import io.trendstream.pipeline.StoreSink;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.pipeline.TrendQueries;
import io.trendstream.post.Post;
import io.trendstream.post.TwitterTime;
import io.trendstream.pipeline.JobStatus.QueryStatus;
import io.trendstream.serve.StoreQueryService;
import io.trendstream.store.LiveStore;
import io.trendstream.testing.Await;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.ExpectedCounts;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.TestStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad records among good ones, through the real broker and the whole job: the good ones are
 * counted exactly, every bad one lands once in the dead-letter topic with its original bytes,
 * partition, offset and reason, and the malformed count shows in the query progress.
 */
@IntegrationTest
class DeadLetterTest {
  private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
  /** A small limit so an "oversized" value stays cheap to produce. */
  private static final int MAX_VALUE_BYTES = 4_096;

  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension().partitions(2);
  @TempDir Path dir;

  /** One bad value of each kind, in turn, with the reason it must get. */
  private record Bad(String reason, byte[] value) {}

  private static Bad bad(int i) {
    String time = TwitterTime.format(START.plusSeconds(i));
    switch (i % 7) {
      case 0:
        return new Bad(TrendQueries.NOT_JSON, ("not json #" + i).getBytes(StandardCharsets.UTF_8));
      case 1:
        return new Bad(TrendQueries.MISSING_TEXT, utf8("{\"id\":" + i + ",\"created_at\":\""
            + time + "\"}"));
      case 2:
        return new Bad(TrendQueries.WRONG_TYPE, utf8("{\"id\":" + i + ",\"text\":" + i
            + ",\"created_at\":\"" + time + "\"}"));
      case 3:
        byte[] v = utf8("{\"id\":" + i + ",\"text\":\"caf\u00e9\",\"created_at\":\"" + time
            + "\"}");
        for (int k = 0; k < v.length; k++) {
          if (v[k] == (byte) 0xc3) {
            v[k] = (byte) 0xfe;  // é's lead byte: never valid in UTF-8
          }
        }
        return new Bad(TrendQueries.INVALID_UTF8, v);
      case 4:
        return new Bad(TrendQueries.OVERSIZED, SinkTesting.bytes(
            Post.of(time, i, "big ".repeat(MAX_VALUE_BYTES / 4), "en")));
      case 5:
        return new Bad(TrendQueries.BAD_CREATED_AT, utf8("{\"id\":" + i
            + ",\"text\":\"when?\",\"created_at\":\"not a time\"}"));
      default:
        return new Bad(TrendQueries.NOT_JSON, new byte[0]);
    }
  }

  /** Valid posts whose text holds no words: counted as posts, add no word. */
  private static final List<String> WORDLESS = List.of("", "?!... !!!", "\ud83d\ude00\ud83d\udd25",
      "\u2764\ufe0f \ud83c\uddef\ud83c\uddf5");

  @Test
  void onePercentBadRecords() throws Exception {
    run(400, 100, true);
  }

  @Test
  void thirtyPercentBadRecords() throws Exception {
    run(300, 10.0 / 3, true);
  }

  /** A sink that does not take the rejects: the dead letters run a query of their own. */
  @Test
  void thirtyPercentBadRecordsThroughTheDeadLettersOwnQuery() throws Exception {
    run(300, 10.0 / 3, false);
  }

  /**
   * Sends {@code n} records of which every {@code every}-th (rounded) is bad, runs the job and
   * checks counts, dead letters and progress; {@code inline}: the live query's tasks write the
   * dead letters, else their own query.
   */
  private void run(int n, double every, boolean inline) throws Exception {
    String topic = kafka.topic();
    String dlq = BrokerExtension.uniqueName("dlq");
    StreamConfig config = kafka.streamConfig(dir.resolve("data"));
    config.sinks.add(new DeadLetterSink(dlq));
    config.maxValueBytes = MAX_VALUE_BYTES;

    List<Post> good = new ArrayList<>();
    List<Bad> bads = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    List<Post> synthetic = SinkTesting.posts(START, n);
    double nextBad = every / 2;
    for (int i = 0; i < n; i++) {
      if (i >= nextBad) {
        nextBad += every;
        Bad b = bad(bads.size());
        bads.add(b);
        values.add(b.value());
        continue;
      }
      Post p = synthetic.get(i);
      if (i % 25 == 1) {
        p = Post.of(p.createdAt(), p.id(), WORDLESS.get(i % WORDLESS.size()), p.lang());
      }
      good.add(p);
      values.add(SinkTesting.bytes(p));
    }
    assertThat(bads.size()).isEqualTo((int) Math.round(n / every));
    List<RecordMetadata> sent = KafkaTestClients.send(kafka.bootstrapServers(), topic, values);
    Map<String, Bad> expected = new HashMap<>();
    for (int i = 0, b = 0; i < values.size(); i++) {
      if (b < bads.size() && values.get(i) == bads.get(b).value()) {
        expected.put(sent.get(i).partition() + "/" + sent.get(i).offset(), bads.get(b++));
      }
    }
    assertThat(expected).hasSize(bads.size());

    LiveStore store = TestStore.fresh("dead_letters");
    StoreSink live = new StoreSink(store);
    ResultSink sink = live;
    if (!inline) {
      live.scoreTrends(config);  // the job does that for a StoreSink only
      sink = new ResultSink() {
        @Override
        public StreamingQuery start(String table, Dataset<Row> result,
            DataStreamWriter<Row> writer) throws TimeoutException {
          return live.start(table, result, writer);
        }

        @Override
        public boolean keepsCounts() {
          return true;
        }
      };
    }
    try (StreamingJob job = new StreamingJob(spark(), config, StreamingJob.kafka(config),
        sink)) {
      job.start();
      StoreQueryService service = new StoreQueryService(
          store.readers(), 100_000, Duration.ofSeconds(30), new JobStatus(job)::queries);
      List<String> queries = new ArrayList<>(List.of(config.queryNamePrefix
          + StreamingJob.LIVE_TABLES));
      if (!inline) {
        queries.add(config.queryNamePrefix + DeadLetterSink.QUERY);
      }
      assertThat(job.queries()).extracting(StreamingQuery::name)
          .containsExactlyElementsOf(queries);
      for (StreamingQuery q : job.queries()) {
        q.processAllAvailable();
      }

      Map<String, Long> counts = new HashMap<>();
      service.sql("SELECT word, count FROM word_counts").rows()
          .forEach(r -> counts.put((String) r.get(0), (Long) r.get(1)));
      assertThat(counts).isEqualTo(ExpectedCounts.words(good));
      assertThat(service.sql("SELECT count(*) FROM tweets").rows())
          .containsExactly(List.of((long) good.size()));

      List<ConsumerRecord<byte[], byte[]>> letters =
          KafkaTestClients.readAll(kafka.bootstrapServers(), dlq);
      assertThat(letters).hasSize(bads.size());
      for (ConsumerRecord<byte[], byte[]> letter : letters) {
        String where = header(letter, DeadLetterSink.PARTITION_HEADER) + "/"
            + header(letter, DeadLetterSink.OFFSET_HEADER);
        Bad b = expected.remove(where);
        assertThat(b).as("dead letter from %s", where).isNotNull();
        assertThat(letter.value()).isEqualTo(b.value());
        assertThat(header(letter, DeadLetterSink.REASON_HEADER)).isEqualTo(b.reason());
        assertThat(header(letter, DeadLetterSink.TOPIC_HEADER)).isEqualTo(topic);
        assertThat(Instant.parse(header(letter, DeadLetterSink.TIMESTAMP_HEADER)))
            .isBetween(Instant.now().minusSeconds(600), Instant.now());
      }
      assertThat(expected).as("bad records missing from the dead letters").isEmpty();

      String wordCounts = config.queryNamePrefix + StreamingJob.LIVE_TABLES;
      Await.until("malformed total " + bads.size(), Duration.ofSeconds(30),
          () -> status(service, wordCounts).malformedTotal() == bads.size());
      assertThat(status(service, wordCounts).recentProgress())
          .extracting(p -> p.malformed())
          .filteredOn(m -> m > 0)
          .isNotEmpty()
          .allMatch(m -> m <= bads.size());
    }
  }

  private static QueryStatus status(StoreQueryService service, String name) {
    return service.queries().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
