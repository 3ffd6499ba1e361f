package io.trendstream.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.trendstream.source.live.Jetstream.at;
import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.broker.KafkaTestClients;
import io.trendstream.pipeline.StoreSink;
import io.trendstream.serve.StoreQueryService;
import io.trendstream.store.LiveStore;
import io.trendstream.testing.TestStore;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.pipeline.Tokenizer;
import io.trendstream.post.PostJson;
import io.trendstream.serve.QueryService.TableResult;
import io.trendstream.source.live.BlueskySource;
import io.trendstream.source.live.Jetstream;
import io.trendstream.source.live.JetstreamStub;
import io.trendstream.source.live.XSource;
import io.trendstream.testing.Await;
import io.trendstream.testing.ChildJvm;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.SparkTestSupport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 3 end to end with real parts: each live source fed by its stub server on loopback
 * (WireMock for X recent search, a WebSocket Jetstream stand-in for Bluesky) through
 * {@code trendstream produce} (PostProducer) into the embedded Kafka broker, then through the
 * Spark job; the word counts must equal those of the posts the stubs served, each exactly once.
 * A {@code --record} file replays through {@code file:} as the same records.
 */
@IntegrationTest
class LiveSourcesEndToEndTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String ALICE = "did:plc:eygmaihciaxprqvxpfvl6flk";
  private static final String BOB = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";
  /** Real X ids exceed 2^53. */
  private static final long BASE_ID = 1_876_012_345_678_901_000L;

  @TempDir static Path brokerDir;
  private static EmbeddedKafkaBroker broker;

  @TempDir Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final ExecutorService runner = Executors.newSingleThreadExecutor();

  @BeforeAll
  static void startBroker() {
    broker = new EmbeddedKafkaBroker(brokerDir, 0).start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @AfterEach
  void stopRunner() {
    runner.shutdownNow();
  }

  @Test
  void blueskyPostsReachTheWordCountsExactlyOnceAcrossAReconnect() throws Exception {
    String topic = topic("e2e-bluesky");
    List<String> first = List.of(
        Jetstream.identity(at(1), ALICE, "alice.bsky.social"),
        Jetstream.post(at(2), ALICE, "3l3qo2vuowo2a", "Streaming with Kafka today",
            "2024-09-09T19:46:03.102Z", "en"),
        Jetstream.post(at(3), BOB, "3l3qo2vuowo2b", "no language given", "not a timestamp"),
        Jetstream.delete(at(4), BOB, "3l3qo2vuowo00"),
        Jetstream.account(at(5), BOB, false),
        Jetstream.post(at(6), ALICE, "3l3qo2vuowo2c", "Grüße aus München 🚀 日本語のテキスト",
            "2024-09-09T19:46:08+02:00", "ja", "en"));
    List<String> after = List.of(
        Jetstream.post(at(7), BOB, "3l3qo2vuowo2d", "depois da queda #kafka @alice",
            "2024-09-09T19:46:09Z", "pt-BR"),
        Jetstream.post(at(8), ALICE, "3l3qo2vuowo2e", "kafka kafka https://bsky.app/x last",
            "2024-09-09T19:46:10.5Z", "en"));
    List<String> texts = List.of("Streaming with Kafka today", "no language given",
        "Grüße aus München 🚀 日本語のテキスト", "depois da queda #kafka @alice",
        "kafka kafka https://bsky.app/x last");
    try (JetstreamStub stub = new JetstreamStub()) {
      stub.then((ctx, cursor) -> JetstreamStub.send(ctx, first))
          .then((ctx, cursor) -> {
            // A real Jetstream replays everything from the cursor on, then goes live.
            JetstreamStub.send(ctx, first.stream().filter(e -> timeUs(e) >= cursor).toList());
            JetstreamStub.send(ctx, after);
          });

      Future<Integer> run = produceInBackground(Map.of(), "--source", "bluesky",
          "--base-url", stub.baseUrl(), "--topic", topic, "--count", "5");
      assertThat(consume(topic, 3)).hasSize(3);
      stub.dropAll();

      assertThat(run.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as(err.toString()).isZero();
      assertThat(stub.cursors()).containsExactly(
          "live", Long.toString(at(6) - BlueskySource.RECONNECT_MARGIN_MICROS));
    }
    // The replayed post at(6) was dropped as a duplicate: five records, five distinct texts.
    List<ConsumerRecord<String, String>> records = consume(topic, 5);
    assertThat(records).extracting(r -> PostJson.parse(r.value()).text())
        .containsExactlyElementsOf(texts);
    assertThat(out.toString()).startsWith("done: sent 5, acked 5, failed 0")
        .contains("source bluesky (received 5, duplicates 1, errors 1, backoff 0s");
    assertThat(wordCountsInSpark(topic, texts)).isEqualTo(expectedCounts(texts));
  }

  @Test
  void xPostsReachTheWordCountsExactlyAcrossPagesA503AndAMalformedTweet() throws Exception {
    String topic = topic("e2e-x");
    WireMockServer x = new WireMockServer(
        WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    x.start();
    try {
      // Later polls find nothing new: the lowest-priority answer.
      x.stubFor(search().atPriority(10).willReturn(okJson(page(null))));
      x.stubFor(search().atPriority(1).withQueryParam("since_id", absent())
          .willReturn(okJson(page(null,
              tweet(3, "Kafka ❤ Spark #streaming @alice https://t.co/abc", "en", 2, 5),
              tweet(2, "tweede bericht over kafka", "nl", 0, 1),
              tweet(1, "日本語のテキスト kafka", "ja", 0, 0)))));
      x.stubFor(search().atPriority(1).withQueryParam("since_id", equalTo(id(3)))
          .withQueryParam("next_token", absent())
          .inScenario("flaky").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("up")
          .willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));
      x.stubFor(search().atPriority(1).withQueryParam("since_id", equalTo(id(3)))
          .withQueryParam("next_token", absent())
          .inScenario("flaky").whenScenarioStateIs("up")
          .willReturn(okJson(page("page-2",
              tweet(7, "later: kafka again", null, 7, 11),
              tweet(6, "and again kafka", "en", 0, 0)))));
      x.stubFor(search().atPriority(1).withQueryParam("since_id", equalTo(id(3)))
          .withQueryParam("next_token", equalTo("page-2"))
          .willReturn(okJson(page(null,
              "{\"id\":\"" + id(5) + "\",\"created_at\":\"2025-01-06T18:40:45.000Z\"}",
              tweet(4, "oldest of the second poll", "en", 0, 0)))));

      Future<Integer> run = produceInBackground(Map.of(XSource.TOKEN_ENV, "e2e-token"),
          "--source", "x", "--base-url", x.baseUrl(), "--interval", "200ms",
          "--topic", topic, "--count", "6");
      assertThat(run.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as(err.toString()).isZero();
    } finally {
      x.stop();
    }
    List<String> texts = List.of("日本語のテキスト kafka", "tweede bericht over kafka",
        "Kafka ❤ Spark #streaming @alice https://t.co/abc", "oldest of the second poll",
        "and again kafka", "later: kafka again");
    assertThat(consume(topic, 6)).extracting(r -> PostJson.parse(r.value()).text())
        .containsExactlyElementsOf(texts);
    // The 503 and the tweet without text are the two errors; the same request was retried.
    assertThat(out.toString()).startsWith("done: sent 6, acked 6, failed 0")
        .contains("source x:kafka (received 6, duplicates 0, errors 2, backoff 0s")
        .contains("skipped 1 malformed");
    assertThat(err.toString()).contains("produce: x: X API answered HTTP 503");
    assertThat(wordCountsInSpark(topic, texts)).isEqualTo(expectedCounts(texts));
  }

  @Test
  void aRecordedBlueskySessionReplaysThroughFileAsTheSameRecords() throws Exception {
    String live = topic("e2e-record");
    String replay = topic("e2e-replay");
    Path recording = dir.resolve("bluesky.jsonl.gz");
    try (JetstreamStub stub = new JetstreamStub()) {
      stub.then((ctx, cursor) -> JetstreamStub.send(ctx, List.of(
          Jetstream.identity(at(10), BOB, "bob.example.com"),
          Jetstream.post(at(11), BOB, "r1", "zażółć gęślą jaźń", "2024-09-09T19:46:13Z", "pl"),
          Jetstream.delete(at(12), BOB, "r0"),
          Jetstream.post(at(13), ALICE, "r2", "plain kafka", "2024-09-09T19:46:14Z"),
          Jetstream.post(at(14), ALICE, "r3", "no kafka here? yes", "2024-09-09T19:46:15Z",
              "en"))));
      Future<Integer> run = produceInBackground(Map.of(), "--source", "bluesky",
          "--base-url", stub.baseUrl(), "--topic", live, "--count", "3",
          "--record", recording.toString());
      assertThat(run.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as(err.toString()).isZero();
    }
    assertThat(Files.size(recording)).isPositive();

    out.getBuffer().setLength(0);
    Future<Integer> rerun = produceInBackground(Map.of(),
        "--source", "file:" + recording, "--topic", replay, "--rate", "0");
    assertThat(rerun.get(WAIT.toSeconds(), TimeUnit.SECONDS)).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("done: sent 3, acked 3, failed 0");

    List<String> recorded = consume(live, 3).stream()
        .map(r -> r.key() + " " + r.value()).toList();
    List<String> replayed = consume(replay, 3).stream()
        .map(r -> r.key() + " " + r.value()).toList();
    assertThat(recorded).hasSize(3);
    assertThat(replayed).isEqualTo(recorded);
  }

  @Test
  void sigtermFlushesWhatWasSentThenPrintsTheResumeFlag() throws Exception {
    String topic = topic("e2e-sigterm");
    ChildJvm child;
    try (JetstreamStub stub = new JetstreamStub()) {
      // Three posts, then a quiet open connection: the producer waits in the source.
      stub.then((ctx, cursor) -> JetstreamStub.send(ctx, List.of(
          Jetstream.post(at(21), ALICE, "t1", "one", "2024-09-09T19:46:23Z", "en"),
          Jetstream.post(at(22), ALICE, "t2", "two", "2024-09-09T19:46:24Z", "en"),
          Jetstream.post(at(23), BOB, "t3", "three", "2024-09-09T19:46:25Z", "en"))));
      child = ChildJvm.start(dir, "produce", "--source", "bluesky",
          "--base-url", stub.baseUrl(), "--bootstrap-server", broker.bootstrapServers(),
          "--topic", topic);
      try {
        assertThat(consume(topic, 3)).hasSize(3);
      } finally {
        child.terminate();
      }
      assertThat(child.process.waitFor(60, TimeUnit.SECONDS))
          .as("stopped; output:\n%s", child.output()).isTrue();
    }
    Await.until("the summary", WAIT, () -> child.lines().stream()
        .anyMatch(l -> l.startsWith("done: ")));
    List<String> lines = child.lines();
    assertThat(lines).contains(
        "produce: bluesky: stopped after 3 posts; resume with --cursor " + (at(23) + 1));
    assertThat(lines).anyMatch(l -> l.startsWith("done: sent 3, acked 3, failed 0"));
    assertThat(consume(topic, 3)).hasSize(3);
  }

  // --- the CLI ---

  private Future<Integer> produceInBackground(Map<String, String> env, String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    ProduceCommand cmd = cl.getSubcommands().get("produce").getCommand();
    cmd.produce.environment(env::get);
    String[] full = new String[args.length + 3];
    full[0] = "produce";
    full[1] = "--bootstrap-server";
    full[2] = broker.bootstrapServers();
    System.arraycopy(args, 0, full, 3, args.length);
    return runner.submit(() -> cl.execute(full));
  }

  private static String topic(String prefix) {
    String name = prefix + "-" + System.nanoTime();
    broker.createTopic(name, 1, (short) 1);
    return name;
  }

  private static List<ConsumerRecord<String, String>> consume(String topic, int n) {
    return KafkaTestClients.consume(broker.bootstrapServers(), topic, n, WAIT);
  }

  // --- the Spark job ---

  /** Runs the job over the topic until it has counted every token of the texts. */
  private Map<String, Long> wordCountsInSpark(String topic, List<String> texts)
      throws Exception {
    StreamConfig config = new StreamConfig();
    config.bootstrapServers = broker.bootstrapServers();
    config.topic = topic;
    config.dataDir = dir.resolve("spark");
    config.queryNamePrefix = SparkTestSupport.unique("live_e2e");
    LiveStore store = TestStore.fresh("live_e2e");
    try (StreamingJob job = new StreamingJob(spark(), config, StreamingJob.kafka(config),
        new StoreSink(store))) {
      job.start();
      StoreQueryService sql =
          new StoreQueryService(store.readers(), 100_000, Duration.ofSeconds(30), List::of);
      long tokens = expectedCounts(texts).values().stream().mapToLong(Long::longValue).sum();
      Await.until(tokens + " tokens in word_counts", WAIT, () -> {
        Object sum = query(sql, "SELECT sum(count) FROM word_counts").rows().get(0).get(0);
        return sum != null && ((Number) sum).longValue() >= tokens;
      });
      return query(sql, "SELECT word, count FROM word_counts").rows().stream()
          .collect(Collectors.toMap(r -> (String) r.get(0), r -> (Long) r.get(1)));
    }
  }

  private static TableResult query(StoreQueryService sql, String q) {
    try {
      return sql.sql(q);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Map<String, Long> expectedCounts(List<String> texts) {
    Map<String, Long> counts = new HashMap<>();
    for (String text : texts) {
      for (String w : Tokenizer.WORDS.tokenize(text)) {
        counts.merge(w, 1L, Long::sum);
      }
    }
    return counts;
  }

  // --- stub payloads ---

  private static long timeUs(String event) {
    try {
      return PostJson.MAPPER.readTree(event).get("time_us").asLong();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static MappingBuilder search() {
    return get(urlPathEqualTo(XSource.SEARCH_PATH));
  }

  private static String id(int n) {
    return Long.toString(BASE_ID + n);
  }

  private static String tweet(int n, String text, String lang, int retweets, int likes) {
    ObjectNode t = PostJson.MAPPER.createObjectNode();
    t.put("id", id(n));
    t.put("text", text);
    t.put("created_at", "2025-01-06T18:40:" + (40 + n) + ".000Z");
    if (lang != null) {
      t.put("lang", lang);
    }
    t.putArray("edit_history_tweet_ids").add(id(n));
    ObjectNode m = t.putObject("public_metrics");
    m.put("retweet_count", retweets);
    m.put("reply_count", 0);
    m.put("like_count", likes);
    m.put("quote_count", 0);
    return t.toString();
  }

  /** A recent-search answer, newest first as X sends them. */
  private static String page(String nextToken, String... tweets) {
    StringBuilder b = new StringBuilder("{");
    if (tweets.length > 0) {
      b.append("\"data\":[").append(String.join(",", tweets)).append("],");
    }
    b.append("\"meta\":{\"result_count\":").append(tweets.length);
    if (tweets.length > 0) {
      String newest;
      try {
        newest = PostJson.MAPPER.readTree(tweets[0]).get("id").asText();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      b.append(",\"newest_id\":\"").append(newest).append('"');
    }
    if (nextToken != null) {
      b.append(",\"next_token\":\"").append(nextToken).append('"');
    }
    return b.append("}}").toString();
  }
}
