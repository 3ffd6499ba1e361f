package io.trendstream.pipeline.sink;

import static io.trendstream.pipeline.sink.SinkTesting.jdbcWindowedCounts;
import static io.trendstream.pipeline.sink.SinkTesting.jdbcWordCounts;
import static io.trendstream.pipeline.sink.SinkTesting.latestCounts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.cli.Main;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.post.Post;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.source.SyntheticSource;
import io.trendstream.testing.Await;
import io.trendstream.testing.ChildJvm;
import io.trendstream.testing.Http;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.SparkClasspath;
import io.trendstream.testing.TestStore;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on a cluster, through the loss of a broker, of an executor and of the driver:
 * {@code trendstream cluster up} starts a Spark standalone master, two one-core workers and
 * three Kafka nodes (topic {@code tweets} with 3 copies, {@code min.insync.replicas=2}); the
 * job runs through {@code spark-submit --master spark://...} from the {@code -spark.jar} on a
 * Spark-only class path, into a PostgreSQL store outside the driver, with every durable sink.
 * While an acks=all producer keeps producing, the Kafka node leading most partitions and later
 * one worker with its executor are killed with SIGKILL, then both restarted by {@code cluster
 * up} on the same ports and data; the driver is killed and resubmitted and must go on from its
 * checkpoint's batches. In the end every live table and durable sink equals a batch
 * recomputation over the topic, and no post failed to send.
 */
@IntegrationTest
class ClusterIT {
  private static final Pattern URL = Pattern.compile("query API \\+ dashboard: (http://\\S+)");
  private static final int RATE = 50;
  /** Posts acked between two steps: 4 s of input, so each step happens under load. */
  private static final int STEP = 4 * RATE;
  /** A 2-core machine runs nine JVMs here: start-ups and failovers are slow. */
  private static final Duration WAIT = Duration.ofMinutes(5);
  /** The clients' pre-checks wait this long for the brokers on a busy machine. */
  private static final Map<String, String> SLOW_START = Map.of("default.api.timeout.ms", "60000");

  @TempDir Path dir;

  @Test
  @Timeout(value = 30, unit = TimeUnit.MINUTES)
  void survivesABrokerAWorkerAndTheDriverKilled() throws Exception {
    Path cluster = dir.resolve("cluster");
    List<ChildJvm> drivers = new ArrayList<>();
    PostProducer producer = null;
    try {
      assertThat(clusterUp(cluster)).contains("started broker-3", "started worker-2");
      Properties env = env(cluster);
      String bootstrap = env.getProperty("BOOTSTRAP");
      assertReplicated(bootstrap);

      producer = new PostProducer(new ProducerSettings(bootstrap, SLOW_START),
          new SyntheticSource(11, Instant.parse("2026-12-01T10:00:00Z").toEpochMilli(), RATE),
          new PostProducer.Options(Post.TOPIC, RATE, 0), s -> {}).start();
      TestStore.Urls store = TestStore.freshDatabase("cluster_live");
      String sinkDb = TestStore.freshDatabase("cluster_sink").writer();
      List<String> submit = submitArgs(env.getProperty("SPARK_MASTER"), bootstrap, store,
          sinkDb);

      ChildJvm driver = submit(submit, drivers);
      awaitFirstBatch(driver);

      // The Kafka node that leads most partitions goes away without a word.
      int leader = mostLeading(bootstrap);
      progressAfter("killing Kafka node " + leader, producer, driver,
          () -> kill(env, "broker-" + leader, false));

      // One worker and its executor: the tasks it ran go to the other executor.
      progressAfter("killing worker-1 and its executor", producer, driver,
          () -> kill(env, "worker-1", true));

      String restart = clusterUp(cluster);
      assertThat(restart).contains("started broker-" + leader, "started worker-1")
          .doesNotContain("started master", "started worker-2");
      progressAfter("restarting both", producer, driver, () -> {});

      // The driver dies; resubmitted, it goes on from the checkpoint's batches.
      long batchAtKill = lastBatch(driver);
      driver.kill();
      assertThat(driver.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      driver = submit(submit, drivers);
      awaitFirstBatch(driver);
      assertThat(firstBatch(driver)).as("the resubmitted driver's first batch")
          .isGreaterThan(batchAtKill);
      progressAfter("resubmitting the driver", producer, driver, () -> {});

      producer.stop();
      assertThat(producer.awaitDone(WAIT)).isTrue();
      PostProducer.Status input = producer.status();
      assertThat(input.failed()).as(input.line()).isZero();
      long posts = input.acked();

      CrashRecoveryTest.Expected expected = CrashRecoveryTest.recompute(bootstrap, Post.TOPIC);
      assertThat(expected.posts()).as("posts in the topic").isEqualTo(posts);
      Await.until("the Kafka sink to be exact", WAIT,
          () -> latestCounts(bootstrap, KafkaCountSink.WORD_COUNTS_TOPIC)
              .equals(expected.words()));
      Await.until("the windowed Kafka sink to be exact", WAIT,
          () -> latestCounts(bootstrap, KafkaCountSink.WINDOWED_TOPIC)
              .equals(expected.windows()));
      Await.until("the PostgreSQL sink's word counts to be exact", WAIT,
          () -> jdbcWordCounts(sinkDb).equals(expected.words()));
      Await.until("the PostgreSQL sink's windowed counts to be exact", WAIT,
          () -> jdbcWindowedCounts(sinkDb).equals(expected.windows()));
      Await.until("the Parquet sink to hold every post once", WAIT,
          () -> CrashRecoveryTest.parquetPosts(dir.resolve("parquet")) == posts);
      String api = driver.find(URL);
      Await.until("the live word_counts to be exact", WAIT, () -> expected.words()
          .equals(CrashRecoveryTest.liveCounts(api, "SELECT word, count FROM word_counts")));
      Await.until("the live windowed_word_counts to be exact", WAIT, () -> expected.windows()
          .equals(CrashRecoveryTest.liveCounts(api, "SELECT window_start, window_end, word, "
              + "count FROM windowed_word_counts")));
      Await.until("the live tweets table to hold every post once", WAIT, () -> {
        JsonNode r = Http.sql(api, "SELECT count(*), count(DISTINCT id_str) FROM tweets");
        return r != null && r.path("rows").path(0).path(0).asLong() == posts
            && r.path("rows").path(0).path(1).asLong() == posts;
      });
      assertThat(driver.process.isAlive()).as(driver.output()).isTrue();
    } finally {
      if (producer != null) {
        producer.stop();
      }
      drivers.forEach(ChildJvm::kill);
      if (Files.exists(cluster.resolve("cluster.env"))) {
        Main.execute("cluster", "down", "--dir", cluster.toString());
      }
    }
  }

  private List<String> submitArgs(String master, String bootstrap, TestStore.Urls store,
      String sinkDb) {
    String jar = Path.of(System.getProperty("spark.jar")).toAbsolutePath().toString();
    return List.of("--master", master, "--conf", "spark.ui.enabled=false",
        // Sized for the 512m the workers offer, and two one-core executors.
        "--conf", "spark.executor.memory=512m",
        "--conf", "spark.sql.shuffle.partitions=2",
        "--conf", "spark.sql.streaming.stateStore.rocksdb.maxMemoryUsageMB=64",
        "--class", Main.class.getName(), jar,
        "stream", "--bootstrap-server", bootstrap, "--topic", Post.TOPIC,
        "--kafka-property", "default.api.timeout.ms=" + SLOW_START.get("default.api.timeout.ms"),
        "--data-dir", dir.resolve("data").toString(), "--http-port", "0",
        "--store", store.writer(), "--store-reader", store.reader(),
        "--sql-max-rows", "1000000",
        "--sink", "kafka", "--sink", "parquet:" + dir.resolve("parquet"), "--sink", "jdbc:" + sinkDb);
  }

  private ChildJvm submit(List<String> args, List<ChildJvm> drivers) throws Exception {
    ChildJvm driver = ChildJvm.launch(dir, SparkClasspath.withoutTrendstream(),
        "org.apache.spark.deploy.SparkSubmit", args);
    drivers.add(driver);
    return driver;
  }

  /** {@code trendstream cluster up} in a JVM of its own, as a user runs it; its output. */
  private String clusterUp(Path cluster) throws Exception {
    ChildJvm up = ChildJvm.launch(dir, SparkClasspath.project(), Main.class.getName(),
        List.of("cluster", "up", "--dir", cluster.toString(), "--workers", "2", "--brokers", "3",
            "--worker-cores", "1", "--worker-memory", "512m", "--partitions", "4",
            "--timeout", "" + 2 * WAIT.toSeconds()));
    assertThat(up.process.waitFor(2 * WAIT.toSeconds() + 60, TimeUnit.SECONDS))
        .as("cluster up returns").isTrue();
    assertThat(up.process.exitValue()).as("cluster up: %s", up.output()).isZero();
    return up.output();
  }

  private static Properties env(Path cluster) throws Exception {
    Properties env = new Properties();
    try (Reader r = Files.newBufferedReader(cluster.resolve("cluster.env"))) {
      env.load(r);
    }
    return env;
  }

  private static void assertReplicated(String bootstrap) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      TopicDescription d = admin.describeTopics(List.of(Post.TOPIC)).allTopicNames().get()
          .get(Post.TOPIC);
      assertThat(d.partitions()).hasSize(4)
          .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, Post.TOPIC);
      Config config = admin.describeConfigs(List.of(topic)).all().get().get(topic);
      assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
    }
  }

  /** The node id leading most of the topic's partitions. */
  private static int mostLeading(String bootstrap) throws Exception {
    try (Admin admin = admin(bootstrap)) {
      Map<Integer, Integer> led = new HashMap<>();
      for (TopicPartitionInfo p : admin.describeTopics(List.of(Post.TOPIC)).allTopicNames()
          .get().get(Post.TOPIC).partitions()) {
        led.merge(p.leader().id(), 1, Integer::sum);
      }
      return led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
  }

  /** SIGKILL to a node of the cluster (and to its child processes: a worker's executors). */
  private static void kill(Properties env, String node, boolean withChildren) {
    long pid = Long.parseLong(env.getProperty(
        "PID_" + node.toUpperCase(java.util.Locale.ROOT).replace('-', '_')));
    ProcessHandle p = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError(node
        + " (pid " + pid + ") is not running"));
    List<ProcessHandle> children = withChildren ? p.descendants().toList() : List.of();
    assertThat(children.isEmpty()).as("%s has an executor to lose", node)
        .isEqualTo(!withChildren);
    p.destroyForcibly();
    children.forEach(ProcessHandle::destroyForcibly);
    p.onExit().join();
    children.forEach(c -> c.onExit().join());
  }

  /** Does the step, then waits until posts were acked and the job finished a batch since. */
  private static void progressAfter(String step, PostProducer producer, ChildJvm driver,
      Runnable action) {
    long acked = producer.status().acked();
    long batch = lastBatch(driver);
    action.run();
    Await.until(STEP + " posts acked after " + step, WAIT,
        () -> producer.status().acked() >= acked + STEP);
    long ackedAfter = producer.status().acked();
    Await.until("a batch after " + step + " with its posts", WAIT,
        () -> lastBatch(driver) > batch + 1 || !driver.process.isAlive(),
        () -> "output:\n" + driver.output());
    assertThat(driver.process.isAlive()).as("driver alive after %s: %s", step,
        driver.output()).isTrue();
    assertThat(producer.status().failed()).as("failed sends after %s", step).isZero();
    assertThat(ackedAfter).isGreaterThan(acked);
  }

  private static void awaitFirstBatch(ChildJvm driver) {
    Await.until("the driver's first batch", WAIT,
        () -> lastBatch(driver) >= 0 || !driver.process.isAlive(),
        () -> "output:\n" + driver.output());
    assertThat(driver.process.isAlive()).as("driver alive: %s", driver.output()).isTrue();
  }

  /** The live tables query's last finished batch, as the driver's query API says; -1: none. */
  private static long lastBatch(ChildJvm driver) {
    JsonNode q = liveTables(driver);
    return q == null || !q.path("lastProgress").isObject() ? -1
        : q.path("lastProgress").path("batchId").asLong();
  }

  /** The oldest batch in the driver's recent progress: the first this driver ran. */
  private static long firstBatch(ChildJvm driver) {
    JsonNode q = liveTables(driver);
    long first = Long.MAX_VALUE;
    for (JsonNode p : q.path("recentProgress")) {
      first = Math.min(first, p.path("batchId").asLong());
    }
    return first;
  }

  /** The driver's query that writes the live counts, as its query API shows it. */
  private static JsonNode liveTables(ChildJvm driver) {
    String url = driver.find(URL);
    JsonNode queries = url == null ? null : Http.get(url + "api/queries");
    if (queries != null) {
      for (JsonNode q : queries) {
        if (q.path("name").asText().equals(StreamingJob.LIVE_TABLES)) {
          return q;
        }
      }
    }
    return null;
  }
}
