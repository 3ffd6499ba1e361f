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
import io.trendstream.pipeline.StoreSink;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.post.PostJson;
import io.trendstream.serve.QueryService.TableResult;
import io.trendstream.serve.StoreQueryService;
import io.trendstream.source.live.BlueskySource;
import io.trendstream.source.live.Jetstream;
import io.trendstream.source.live.JetstreamStub;
import io.trendstream.source.live.XSource;
import io.trendstream.store.LiveStore;
import io.trendstream.testing.Await;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.ChildJvm;
import io.trendstream.testing.Cli;
import io.trendstream.testing.ExpectedCounts;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.TestStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

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

  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();
  @TempDir Path dir;

  @Test
  void blueskyPostsReachTheWordCountsExactlyOnceAcrossAReconnect() throws Exception {
    String topic = kafka.topic();
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
    Cli.Result done;
    try (JetstreamStub stub = new JetstreamStub()) {
      stub.then((ctx, cursor) -> JetstreamStub.send(ctx, first))
          .then((ctx, cursor) -> {
            // A real Jetstream replays everything from the cursor on, then goes live.
            JetstreamStub.send(ctx, first.stream().filter(e -> timeUs(e) >= cursor).toList());
            JetstreamStub.send(ctx, after);
          });

      CompletableFuture<Cli.Result> run = produce(Map.of(), "--source", "bluesky",
          "--base-url", stub.baseUrl(), "--topic", topic, "--count", "5");
      assertThat(consume(topic, 3)).hasSize(3);
      stub.dropAll();

      done = finished(run);
      assertThat(stub.cursors()).containsExactly(
          "live", Long.toString(at(6) - BlueskySource.RECONNECT_MARGIN_MICROS));
    }
    // The replayed post at(6) was dropped as a duplicate: five records, five distinct texts.
    List<ConsumerRecord<String, String>> records = consume(topic, 5);
    assertThat(records).extracting(r -> PostJson.parse(r.value()).text())
        .containsExactlyElementsOf(texts);
    assertThat(done.out()).startsWith("done: sent 5, acked 5, failed 0")
        .contains("source bluesky (received 5, duplicates 1, errors 1, backoff 0s");
    assertThat(wordCountsInSpark(topic, texts)).isEqualTo(ExpectedCounts.wordsOfTexts(texts));
  }

  @Test
  void xPostsReachTheWordCountsExactlyAcrossPagesA503AndAMalformedTweet() throws Exception {
    String topic = kafka.topic();
    Cli.Result done;
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

      done = finished(produce(Map.of(XSource.TOKEN_ENV, "e2e-token"),
          "--source", "x", "--base-url", x.baseUrl(), "--interval", "200ms",
          "--topic", topic, "--count", "6"));
    } finally {
      x.stop();
    }
    List<String> texts = List.of("日本語のテキスト kafka", "tweede bericht over kafka",
        "Kafka ❤ Spark #streaming @alice https://t.co/abc", "oldest of the second poll",
        "and again kafka", "later: kafka again");
    assertThat(consume(topic, 6)).extracting(r -> PostJson.parse(r.value()).text())
        .containsExactlyElementsOf(texts);
    // The 503 and the tweet without text are the two errors; the same request was retried.
    assertThat(done.out()).startsWith("done: sent 6, acked 6, failed 0")
        .contains("source x:kafka (received 6, duplicates 0, errors 2, backoff 0s")
        .contains("skipped 1 malformed");
    assertThat(done.err()).contains("produce: x: X API answered HTTP 503");
    assertThat(wordCountsInSpark(topic, texts)).isEqualTo(ExpectedCounts.wordsOfTexts(texts));
  }

  @Test
  void aRecordedBlueskySessionReplaysThroughFileAsTheSameRecords() throws Exception {
    String live = kafka.topic();
    String replay = kafka.newTopic("replay");
    Path recording = dir.resolve("bluesky.jsonl.gz");
    try (JetstreamStub stub = new JetstreamStub()) {
      stub.then((ctx, cursor) -> JetstreamStub.send(ctx, List.of(
          Jetstream.identity(at(10), BOB, "bob.example.com"),
          Jetstream.post(at(11), BOB, "r1", "zażółć gęślą jaźń", "2024-09-09T19:46:13Z", "pl"),
          Jetstream.delete(at(12), BOB, "r0"),
          Jetstream.post(at(13), ALICE, "r2", "plain kafka", "2024-09-09T19:46:14Z"),
          Jetstream.post(at(14), ALICE, "r3", "no kafka here? yes", "2024-09-09T19:46:15Z",
              "en"))));
      finished(produce(Map.of(), "--source", "bluesky", "--base-url", stub.baseUrl(),
          "--topic", live, "--count", "3", "--record", recording.toString()));
    }
    assertThat(Files.size(recording)).isPositive();

    Cli.Result rerun = finished(produce(Map.of(),
        "--source", "file:" + recording, "--topic", replay, "--rate", "0"));
    assertThat(rerun.out()).startsWith("done: sent 3, acked 3, failed 0");

    List<String> recorded = consume(live, 3).stream()
        .map(r -> r.key() + " " + r.value()).toList();
    List<String> replayed = consume(replay, 3).stream()
        .map(r -> r.key() + " " + r.value()).toList();
    assertThat(recorded).hasSize(3);
    assertThat(replayed).isEqualTo(recorded);
  }

  @Test
  void sigtermFlushesWhatWasSentThenPrintsTheResumeFlag() throws Exception {
    String topic = kafka.topic();
    ChildJvm child;
    try (JetstreamStub stub = new JetstreamStub()) {
      // Three posts, then a quiet open connection: the producer waits in the source.
      stub.then((ctx, cursor) -> JetstreamStub.send(ctx, List.of(
          Jetstream.post(at(21), ALICE, "t1", "one", "2024-09-09T19:46:23Z", "en"),
          Jetstream.post(at(22), ALICE, "t2", "two", "2024-09-09T19:46:24Z", "en"),
          Jetstream.post(at(23), BOB, "t3", "three", "2024-09-09T19:46:25Z", "en"))));
      child = ChildJvm.start(dir, "produce", "--source", "bluesky",
          "--base-url", stub.baseUrl(), "--bootstrap-server", kafka.bootstrapServers(),
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

  /** {@code trendstream produce --bootstrap-server BROKER ARGS} in the background. */
  private static CompletableFuture<Cli.Result> produce(Map<String, String> env, String... args) {
    Cli cli = new Cli();
    cli.<ProduceCommand>command("produce").produce.environment(env::get);
    String[] full = new String[args.length + 3];
    full[0] = "produce";
    full[1] = "--bootstrap-server";
    full[2] = kafka.bootstrapServers();
    System.arraycopy(args, 0, full, 3, args.length);
    return cli.start(full);
  }

  /** The run's result once it returned; it must have exited 0. */
  private static Cli.Result finished(CompletableFuture<Cli.Result> run) throws Exception {
    Cli.Result done = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(done.code()).as(done.err()).isZero();
    return done;
  }

  private static List<ConsumerRecord<String, String>> consume(String topic, int n) {
    return kafka.consume(topic, n);
  }

  // --- the Spark job ---

  /** Runs the job over the topic until it has counted every token of the texts. */
  private Map<String, Long> wordCountsInSpark(String topic, List<String> texts)
      throws Exception {
    StreamConfig config = kafka.streamConfig(topic, dir.resolve("spark"));
    LiveStore store = TestStore.fresh("live_e2e");
    try (StreamingJob job = new StreamingJob(spark(), config, StreamingJob.kafka(config),
        new StoreSink(store))) {
      job.start();
      StoreQueryService sql =
          new StoreQueryService(store.readers(), 100_000, Duration.ofSeconds(30), List::of);
      long tokens = ExpectedCounts.total(ExpectedCounts.wordsOfTexts(texts));
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
