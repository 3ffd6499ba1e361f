package io.trendstream.pipeline.sink;

import static io.trendstream.pipeline.sink.SinkTesting.jdbcWindowedCounts;
import static io.trendstream.pipeline.sink.SinkTesting.jdbcWordCounts;
import static io.trendstream.pipeline.sink.SinkTesting.latestCounts;
import static io.trendstream.testing.SparkTestSupport.spark;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.pipeline.Tokenizer;
import io.trendstream.pipeline.TrendQueries;
import io.trendstream.pipeline.TrendQueries.EventTime;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.source.SyntheticSource;
import io.trendstream.testing.Await;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.ChildJvm;
import io.trendstream.testing.ExpectedCounts;
import io.trendstream.testing.Http;
import io.trendstream.testing.IntegrationTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once end to end, proven the hard way: the streaming job runs as a child process with
 * every durable sink while posts arrive; it is killed with SIGKILL at random moments three
 * times and restarted from its checkpoints, the broker is restarted under the last run, and in
 * the end every sink (both Kafka topics, both PostgreSQL tables, the Parquet posts) must hold
 * exactly what a batch recomputation over the whole topic gives. The input runs until after the
 * broker restart, however long the job starts take, and the test checks that posts were still
 * arriving at each kill and after the restart. The last run is stopped with SIGTERM and must
 * exit 0.
 */
@IntegrationTest
class CrashRecoveryTest {
  private static final Pattern URL = Pattern.compile("query API \\+ dashboard: (http://\\S+)");
  /** Posts per second, from the first run until after the broker restart. */
  private static final int RATE = 50;
  /** Posts that must reach the restarted broker before the input ends: 5 s of them. */
  private static final int AFTER_RESTART = 5 * RATE;
  private static final Duration WAIT = Duration.ofSeconds(180);

  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension().partitions(2);
  @TempDir Path dir;

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)  // four job starts and a broker restart
  void sinksAreExactAfterKillsAndABrokerRestart() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    System.out.println("CrashRecoveryTest random seed " + seed);
    String topic = kafka.topic();
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      String jdbc = postgres.getJdbcUrl("postgres", "postgres");
      String[] job = {"stream", "--bootstrap-server", kafka.bootstrapServers(), "--topic", topic,
          "--data-dir", dir.resolve("data").toString(), "--http-port", "0", "--store-port", "0",
          "--sql-max-rows", "1000000", "--sink", "kafka", "--sink", "parquet:" + dir.resolve("parquet"),
          "--sink", "jdbc:" + jdbc};

      // Posts keep arriving while the job is killed and restarted, until stopped below.
      PostProducer producer = new PostProducer(new ProducerSettings(kafka.bootstrapServers()),
          new SyntheticSource(3, Instant.parse("2026-11-24T10:00:00Z").toEpochMilli(), RATE),
          new PostProducer.Options(topic, RATE, 0), s -> {}).start();
      long ackedAtLastKill = 0;

      for (int kill = 1; kill <= 3; kill++) {
        ChildJvm run = ChildJvm.start(dir, job);
        awaitBatch(run, "run " + kill);
        // Somewhere between right after its first batch and a few batches in.
        long until = System.nanoTime() + random.nextInt(3_000) * 1_000_000L;
        Await.until("a random moment", Duration.ofSeconds(5), () -> System.nanoTime() > until);
        PostProducer.Status atKill = producer.status();
        run.kill();
        assertThat(atKill.finished()).as("the input still running at kill %d", kill).isFalse();
        assertThat(atKill.acked()).as("posts arrived since the kill before %d", kill)
            .isGreaterThan(ackedAtLastKill);
        ackedAtLastKill = atKill.acked();
        assertThat(run.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }

      ChildJvm last = ChildJvm.start(dir, job);
      awaitBatch(last, "the last run");
      // The broker goes away under the running job and comes back on the same port and data.
      PostProducer.Status atRestart = producer.status();
      assertThat(atRestart.finished()).as("the input still running at the restart").isFalse();
      assertThat(atRestart.acked()).as("posts arrived during the last run")
          .isGreaterThan(ackedAtLastKill);
      kafka.restart();
      Await.until(AFTER_RESTART + " posts acked by the restarted broker", WAIT,
          () -> producer.status().acked() >= atRestart.acked() + AFTER_RESTART);
      producer.stop();
      assertThat(producer.awaitDone(WAIT)).isTrue();
      PostProducer.Status input = producer.status();
      assertThat(input.failed()).as(input.line()).isZero();
      long posts = input.acked();

      Expected expected = recompute(kafka.bootstrapServers(), topic);
      assertThat(expected.posts).as("posts in the topic").isEqualTo(posts);
      String bootstrap = kafka.bootstrapServers();
      Await.until("the Kafka sink to be exact", WAIT,
          () -> latestCounts(bootstrap, KafkaCountSink.WORD_COUNTS_TOPIC).equals(expected.words));
      Await.until("the windowed Kafka sink to be exact", WAIT,
          () -> latestCounts(bootstrap, KafkaCountSink.WINDOWED_TOPIC).equals(expected.windows));
      Await.until("the PostgreSQL word counts to be exact", WAIT,
          () -> jdbcWordCounts(jdbc).equals(expected.words));
      Await.until("the PostgreSQL windowed counts to be exact", WAIT,
          () -> jdbcWindowedCounts(jdbc).equals(expected.windows));
      Await.until("the Parquet sink to hold every post once", WAIT,
          () -> parquetPosts(dir.resolve("parquet")) == posts);
      Dataset<Row> parquet = spark().read().parquet(dir.resolve("parquet").toString());
      assertThat(parquet.select("id_str").distinct().count()).isEqualTo(posts);
      // The live tables, in the embedded store that each killed run left behind and the next
      // took over, read through the last run's SQL API as users read them.
      String api = last.find(URL);
      Await.until("the live word_counts to be exact", WAIT,
          () -> expected.words.equals(liveCounts(api, "SELECT word, count FROM word_counts")));
      Await.until("the live windowed_word_counts to be exact", WAIT,
          () -> expected.windows.equals(liveCounts(api, "SELECT window_start, window_end, word,"
              + " count FROM windowed_word_counts")));
      Await.until("the live tweets table to hold every post once", WAIT, () -> {
        JsonNode r = Http.sql(api, "SELECT count(*), count(DISTINCT id_str) FROM tweets");
        return r != null && r.path("rows").path(0).path(0).asLong() == posts
            && r.path("rows").path(0).path(1).asLong() == posts;
      });
      assertThat(last.process.isAlive()).as(last.output()).isTrue();

      last.terminate();
      assertThat(last.process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
      assertThat(last.process.exitValue()).as("graceful stop; output:\n%s", last.output())
          .isZero();
    }
  }

  /** A live count table from {@code /api/sql}, keyed as {@link ExpectedCounts} keys it. */
  static Map<String, Long> liveCounts(String api, String query) {
    JsonNode r = Http.sql(api, query);
    Map<String, Long> counts = new HashMap<>();
    if (r == null || !r.has("rows") || r.path("truncated").asBoolean()) {
      return counts;
    }
    for (JsonNode row : r.get("rows")) {
      String key = row.size() == 2
          ? row.get(0).asText()
          : ExpectedCounts.windowKey(Instant.parse(row.get(0).asText()),
              Instant.parse(row.get(1).asText()), row.get(2).asText());
      counts.put(key, row.get(row.size() - 1).asLong());
    }
    return counts;
  }

  /** Waits until the run's word count query finished a batch; kills it if it never does. */
  private static void awaitBatch(ChildJvm run, String which) {
    try {
      Await.until(which + " to process a batch", WAIT,
          () -> processedABatch(run) || !run.process.isAlive());
    } catch (AssertionError e) {
      String url = run.find(URL);
      String queries = url == null ? "no URL" : String.valueOf(Http.get(url + "api/queries"));
      run.kill();
      throw new AssertionError(e.getMessage() + "; output:\n" + run.output()
          + "\nqueries: " + queries);
    }
    assertThat(run.process.isAlive()).as("%s alive; output:\n%s", which, run.output()).isTrue();
  }

  /** The query that writes the live counts finished a batch, as the query API says. */
  private static boolean processedABatch(ChildJvm run) {
    String url = run.find(URL);
    JsonNode queries = url == null ? null : Http.get(url + "api/queries");
    if (queries == null) {
      return false;
    }
    for (JsonNode q : queries) {
      if (q.path("name").asText().equals(StreamingJob.LIVE_TABLES)
          && q.path("lastProgress").isObject()) {
        return true;
      }
    }
    return false;
  }

  record Expected(long posts, Map<String, Long> words, Map<String, Long> windows) {}

  /** The same query functions over the whole topic as one batch: the truth to compare with. */
  static Expected recompute(String bootstrap, String topic) {
    Dataset<Row> records = spark().read().format("kafka")
        .option("kafka.bootstrap.servers", bootstrap)
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        .load();
    Dataset<Row> posts = TrendQueries.posts(records, EventTime.CREATED_AT);
    Map<String, Long> words = new HashMap<>();
    TrendQueries.wordCounts(posts, Tokenizer.WORDS).collectAsList()
        .forEach(r -> words.put(r.getString(0), r.getLong(1)));
    Map<String, Long> windows = new HashMap<>();
    TrendQueries.windowedWordCounts(posts, Tokenizer.WORDS, "10 minutes", "5 minutes",
            "10 minutes")
        .select(col(TrendQueries.WINDOW_START).cast("string"),
            col(TrendQueries.WINDOW_END).cast("string"), col("word"), col("count"))
        .collectAsList()
        .forEach(r -> windows.put(ExpectedCounts.windowKey(instant(r.getString(0)),
            instant(r.getString(1)), r.getString(2)), r.getLong(3)));
    return new Expected(posts.count(), words, windows);
  }

  /** A timestamp cast to string in the session's time zone, UTC. */
  private static Instant instant(String sparkTimestamp) {
    return Instant.parse(sparkTimestamp.replace(' ', 'T') + "Z");
  }

  static long parquetPosts(Path dir) {
    try {
      return spark().read().parquet(dir.toString()).count();
    } catch (RuntimeException notYet) {
      return -1;
    }
  }
}
