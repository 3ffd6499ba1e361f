package io.trendstream.pipeline.sink;

import static io.trendstream.pipeline.sink.SinkTesting.jdbcWordCounts;
import static io.trendstream.pipeline.sink.SinkTesting.latestCounts;
import static io.trendstream.testing.SparkTestSupport.spark;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.pipeline.Tokenizer;
import io.trendstream.pipeline.TrendQueries;
import io.trendstream.pipeline.TrendQueries.EventTime;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.source.SyntheticSource;
import io.trendstream.testing.Await;
import io.trendstream.testing.ChildJvm;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once end to end, proven the hard way: the streaming job runs as a child process with
 * every durable sink while posts arrive; it is killed with SIGKILL at random moments three
 * times and restarted from its checkpoints, the broker is restarted under the last run, and in
 * the end every sink must hold exactly what a batch recomputation over the whole topic gives.
 * The last run is stopped with SIGTERM and must exit 0.
 */
@IntegrationTest
class CrashRecoveryTest {
  private static final Pattern URL = Pattern.compile("query API \\+ dashboard: (http://\\S+)");
  private static final int POSTS = 4_000;
  /** Slow enough that posts are still arriving through the three kills. */
  private static final int RATE = 50;
  private static final Duration WAIT = Duration.ofSeconds(180);

  @TempDir Path dir;

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)  // four job starts and a broker restart
  void sinksAreExactAfterKillsAndABrokerRestart() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    System.out.println("CrashRecoveryTest random seed " + seed);
    String topic = "crash";
    Path kafkaDir = dir.resolve("kafka");
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(kafkaDir, 0).start();
    int brokerPort = broker.port();
    broker.createTopic(topic, 2, (short) 1);
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      String jdbc = postgres.getJdbcUrl("postgres", "postgres");
      String[] job = {"stream", "--bootstrap-server", broker.bootstrapServers(), "--topic", topic,
          "--data-dir", dir.resolve("data").toString(), "--http-port", "0", "--store-port", "0",
          "--sink", "kafka", "--sink", "parquet:" + dir.resolve("parquet"), "--sink", "jdbc:" + jdbc};

      // Posts keep arriving while the job is killed and restarted.
      PostProducer producer = new PostProducer(new ProducerSettings(broker.bootstrapServers()),
          new SyntheticSource(3, Instant.parse("2026-11-24T10:00:00Z").toEpochMilli(), RATE),
          new PostProducer.Options(topic, RATE, POSTS), s -> {}).start();

      for (int kill = 1; kill <= 3; kill++) {
        ChildJvm run = ChildJvm.start(dir, job);
        try {
          Await.until("run " + kill + " to process a batch", WAIT,
              () -> processedABatch(run) || !run.process.isAlive());
        } catch (AssertionError e) {
          String url = run.find(URL);
          String queries = url == null ? "no URL" : String.valueOf(
              io.trendstream.testing.Http.get(url + "api/queries"));
          run.kill();
          throw new AssertionError(e.getMessage() + "; output:\n" + run.output()
              + "\nqueries: " + queries);
        }
        assertThat(run.process.isAlive()).as(run.output()).isTrue();
        // Somewhere between right after its first batch and a few batches in.
        long until = System.nanoTime() + random.nextInt(3_000) * 1_000_000L;
        Await.until("a random moment", Duration.ofSeconds(5), () -> System.nanoTime() > until);
        run.kill();
        assertThat(run.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }

      ChildJvm last = ChildJvm.start(dir, job);
      Await.until("the last run to process a batch", WAIT,
          () -> processedABatch(last) || !last.process.isAlive());
      // The broker goes away under the running job and comes back on the same port and data.
      broker.stop();
      broker = new EmbeddedKafkaBroker(kafkaDir, brokerPort).start();
      assertThat(producer.awaitDone(WAIT)).isTrue();
      assertThat(producer.status().acked()).isEqualTo(POSTS);

      Expected expected = recompute(broker.bootstrapServers(), topic);
      assertThat(expected.posts).isEqualTo(POSTS);
      String bootstrap = broker.bootstrapServers();
      Await.until("the Kafka sink to be exact", WAIT,
          () -> latestCounts(bootstrap, KafkaCountSink.WORD_COUNTS_TOPIC).equals(expected.words));
      Await.until("the windowed Kafka sink to be exact", WAIT,
          () -> latestCounts(bootstrap, KafkaCountSink.WINDOWED_TOPIC).equals(expected.windows));
      Await.until("the PostgreSQL sink to be exact", WAIT,
          () -> jdbcWordCounts(jdbc).equals(expected.words));
      Await.until("the Parquet sink to hold every post once", WAIT,
          () -> parquetPosts(dir.resolve("parquet")) == POSTS);
      Dataset<Row> parquet = spark().read().parquet(dir.resolve("parquet").toString());
      assertThat(parquet.select("id_str").distinct().count()).isEqualTo(POSTS);
      assertThat(last.process.isAlive()).as(last.output()).isTrue();

      last.terminate();
      assertThat(last.process.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
      assertThat(last.process.exitValue()).as("graceful stop; output:\n%s", last.output())
          .isZero();
    } finally {
      broker.stop();
    }
  }

  /** The word count query of this run finished a batch, as its query API says. */
  private static boolean processedABatch(ChildJvm run) {
    String url = run.find(URL);
    JsonNode queries = url == null ? null : io.trendstream.testing.Http.get(url + "api/queries");
    if (queries == null) {
      return false;
    }
    for (JsonNode q : queries) {
      if (q.path("name").asText().equals("word_counts") && q.path("lastProgress").isObject()) {
        return true;
      }
    }
    return false;
  }

  private record Expected(long posts, Map<String, Long> words, Map<String, Long> windows) {}

  /** The same query functions over the whole topic as one batch: the truth to compare with. */
  private static Expected recompute(String bootstrap, String topic) {
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
        .forEach(r -> windows.put(
            iso(r.getString(0)) + "/" + iso(r.getString(1)) + "/" + r.getString(2),
            r.getLong(3)));
    return new Expected(posts.count(), words, windows);
  }

  private static String iso(String sparkTimestamp) {
    return Instant.parse(sparkTimestamp.replace(' ', 'T') + "Z").toString();
  }

  private static long parquetPosts(Path dir) {
    try {
      return spark().read().parquet(dir.toString()).count();
    } catch (RuntimeException notYet) {
      return -1;
    }
  }
}
