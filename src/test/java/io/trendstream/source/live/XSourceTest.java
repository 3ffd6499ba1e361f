package io.trendstream.source.live;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.trendstream.common.UserError;
import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import java.io.BufferedReader;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link XSource} against WireMock serving X API v2 recent-search answers of the real shape on
 * loopback: paging, since_id, rate limits, auth failures, 5xx, malformed bodies.
 */
class XSourceTest {
  private static final String PATH = XSource.SEARCH_PATH;
  private static final String TOKEN = "AAAAtest-bearer-token-never-printed";
  private static final long START = 1_750_000_000_000L;
  private static final long INTERVAL = 10_000;
  /** Real X ids exceed 2^53. */
  private static final long BASE_ID = 1_876_012_345_678_901_000L;

  private WireMockServer server;
  private final FakeClock clock = new FakeClock(START);
  private final List<String> notices = new CopyOnWriteArrayList<>();
  private XSource source;

  @BeforeEach
  void startServer() {
    server = new WireMockServer(
        WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    server.start();
    // Later polls find nothing new: the lowest-priority answer.
    server.stubFor(search().atPriority(10).willReturn(okJson(page(null))));
  }

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      source.close();
    }
    server.stop();
  }

  @Test
  void pagesThroughAPollThenAsksOnlyForNewerPosts() throws Exception {
    server.stubFor(search().atPriority(1)
        .withQueryParam("since_id", equalTo(id(0)))
        .withQueryParam("next_token", absent())
        .willReturn(okJson(page("b26v89c19zqg8o3fosbts8fy8vu3lx6oswe4v3pbt6qnx",
            tweet(3, "Kafka ❤ Spark", "2025-01-06T18:40:42.000Z", "en", 2, 5),
            tweet(2, "tweede bericht over kafka", "2025-01-06T18:40:41.000Z", "nl", 0, 1)))));
    server.stubFor(search().atPriority(1)
        .withQueryParam("since_id", equalTo(id(0)))
        .withQueryParam("next_token", equalTo("b26v89c19zqg8o3fosbts8fy8vu3lx6oswe4v3pbt6qnx"))
        .willReturn(okJson(page(null,
            tweet(1, "first kafka post", "2025-01-06T18:40:40.000Z", "en", 0, 0)))));
    server.stubFor(search().atPriority(1)
        .withQueryParam("since_id", equalTo(id(3)))
        .willReturn(okJson(page(null,
            tweet(4, "later: kafka again", "2025-01-06T18:41:00.000Z", null, 7, 11)))));

    source = open(config(BASE_ID));
    List<Post> posts = Live.take(source, 4);

    assertThat(posts).containsExactly(
        new Post("Mon Jan 06 18:40:40 +0000 2025", BASE_ID + 1, id(1), "first kafka post",
            0, 0, false, false, "en"),
        new Post("Mon Jan 06 18:40:41 +0000 2025", BASE_ID + 2, id(2),
            "tweede bericht over kafka", 0, 1, false, false, "nl"),
        new Post("Mon Jan 06 18:40:42 +0000 2025", BASE_ID + 3, id(3), "Kafka ❤ Spark",
            2, 5, false, false, "en"),
        new Post("Mon Jan 06 18:41:00 +0000 2025", BASE_ID + 4, id(4), "later: kafka again",
            7, 11, false, false, null));
    Live.await("a poll after the newest post",
        () -> !requests("since_id", id(4)).isEmpty());
    LoggedRequest first = server.findAll(getRequestedFor(urlPathEqualTo(PATH))).get(0);
    assertThat(first.getHeader("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(first.queryParameter("query").firstValue()).isEqualTo("kafka lang:en");
    assertThat(first.queryParameter("tweet.fields").firstValue())
        .isEqualTo("created_at,lang,public_metrics");
    assertThat(first.queryParameter("max_results").firstValue()).isEqualTo("100");
    assertThat(clock.sleepsOtherThan(INTERVAL)).isEmpty();
    LiveStatus status = source.status();
    assertThat(status.received()).isEqualTo(4);
    assertThat(status.duplicates()).isZero();
    assertThat(status.errors()).isZero();
    assertThat(status.resume()).isEqualTo("--since-id " + id(4));
  }

  @Test
  void firstPollWithoutSinceIdTakesOnlyTheNewestPage() throws Exception {
    server.stubFor(search().atPriority(1)
        .withQueryParam("since_id", absent())
        .willReturn(okJson(page("older-posts-token",
            tweet(2, "b", "2025-01-06T18:40:41.000Z", "en", 0, 0),
            tweet(1, "a", "2025-01-06T18:40:40.000Z", "en", 0, 0)))));

    source = open(config(null));
    List<Post> posts = Live.take(source, 2);

    assertThat(posts).extracting(Post::idStr).containsExactly(id(1), id(2));
    Live.await("the next poll with since_id", () -> !requests("since_id", id(2)).isEmpty());
    assertThat(requests("next_token", "older-posts-token")).isEmpty();
  }

  @Test
  void waitsForTheRateLimitResetAfter429AndCarriesOn() throws Exception {
    long resetSeconds = START / 1000 + 60;
    server.stubFor(search().atPriority(1)
        .inScenario("limit").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("reset")
        .willReturn(aResponse().withStatus(429)
            .withHeader("x-rate-limit-limit", "60")
            .withHeader("x-rate-limit-remaining", "0")
            .withHeader("x-rate-limit-reset", Long.toString(resetSeconds))
            .withHeader("Content-Type", "application/json")
            .withBody("{\"title\":\"Too Many Requests\",\"detail\":\"Too Many Requests\","
                + "\"type\":\"about:blank\",\"status\":429}")));
    server.stubFor(search().atPriority(1).withQueryParam("since_id", absent())
        .inScenario("limit").whenScenarioStateIs("reset")
        .willReturn(okJson(page(null, tweet(1, "after the wait", "2025-01-06T18:40:40.000Z",
            "en", 0, 0)))));

    source = open(config(null));
    List<Post> posts = Live.take(source, 1);

    assertThat(posts).extracting(Post::text).containsExactly("after the wait");
    // Until the reset second, plus the margin for whole-second resets.
    assertThat(clock.sleeps().get(0)).isEqualTo(60_000 + XSource.RESET_MARGIN_MILLIS);
    assertThat(notices).anyMatch(n -> n.startsWith("x: X API rate limit reached"));
    assertThat(source.status().errors()).isZero();
  }

  @Test
  void anExhaustedWindowDelaysTheNextRequestUntilItsReset() throws Exception {
    long resetSeconds = START / 1000 + 120;
    server.stubFor(search().atPriority(1).withQueryParam("since_id", absent())
        .willReturn(okJson(page(null, tweet(1, "last of the window",
            "2025-01-06T18:40:40.000Z", "en", 0, 0)))
            .withHeader("x-rate-limit-remaining", "0")
            .withHeader("x-rate-limit-reset", Long.toString(resetSeconds))));
    server.stubFor(search().atPriority(1).withQueryParam("since_id", equalTo(id(1)))
        .willReturn(okJson(page(null, tweet(2, "first of the next window",
            "2025-01-06T18:42:40.000Z", "en", 0, 0)))));

    source = open(config(null));
    List<Post> posts = Live.take(source, 2);

    assertThat(posts).extracting(Post::text)
        .containsExactly("last of the window", "first of the next window");
    // The poll interval passes first; then the rest of the window.
    assertThat(clock.sleeps().subList(0, 2))
        .containsExactly(INTERVAL, 120_000 + XSource.RESET_MARGIN_MILLIS - INTERVAL);
  }

  @Test
  void aRefusedTokenStopsTheSourceWithOneLineThatNeverShowsTheToken() throws Exception {
    server.stubFor(search().atPriority(1).willReturn(aResponse().withStatus(401)
        .withHeader("Content-Type", "application/problem+json")
        .withBody("{\"title\":\"Unauthorized\",\"type\":\"about:blank\",\"status\":401,"
            + "\"detail\":\"Unauthorized\"}")));

    source = open(config(null));

    assertThatThrownBy(source::next)
        .isInstanceOf(UserError.class)
        .hasMessage("X API refused the bearer token (HTTP 401): set X_BEARER_TOKEN to a valid "
            + "app bearer token");
    assertThat(notices).noneMatch(n -> n.contains(TOKEN));
    assertThat(config(null).toString()).doesNotContain(TOKEN);
  }

  @Test
  void aForbiddenAppStopsTheSourceWithXsReason() throws Exception {
    server.stubFor(search().atPriority(1).willReturn(aResponse().withStatus(403)
        .withHeader("Content-Type", "application/json")
        .withBody("{\"client_id\":\"1\",\"detail\":\"When authenticating requests to the "
            + "Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer "
            + "App that is attached to a Project.\",\"reason\":\"client-not-enrolled\","
            + "\"title\":\"Client Forbidden\",\"type\":\"https://api.twitter.com/2/problems/"
            + "client-forbidden\",\"status\":403}")));

    source = open(config(null));

    assertThatThrownBy(source::next)
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("X API refused access (HTTP 403: When authenticating")
        .hasMessageEndingWith("needs access to recent search")
        .hasMessageNotContaining("\n");
  }

  @Test
  void a503IsRetriedWithBackoffAndTheSamePageArrives() throws Exception {
    server.stubFor(search().atPriority(1)
        .inScenario("outage").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("one")
        .willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));
    server.stubFor(search().atPriority(1)
        .inScenario("outage").whenScenarioStateIs("one").willSetStateTo("up")
        .willReturn(aResponse().withStatus(503).withBody("Service Unavailable")));
    server.stubFor(search().atPriority(1).withQueryParam("since_id", absent())
        .inScenario("outage").whenScenarioStateIs("up")
        .willReturn(okJson(page(null, tweet(1, "back", "2025-01-06T18:40:40.000Z", "en", 0,
            0)))));

    source = open(config(null));
    List<Post> posts = Live.take(source, 1);

    assertThat(posts).extracting(Post::text).containsExactly("back");
    assertThat(clock.sleeps().subList(0, 2)).containsExactly(1_000L, 2_000L);
    assertThat(source.status().errors()).isEqualTo(2);
    assertThat(notices).anyMatch(n -> n.equals("x: X API answered HTTP 503; waiting 1s"));
  }

  @Test
  void malformedBodiesAndTweetsAreCountedAndSkipped() throws Exception {
    server.stubFor(search().atPriority(1)
        .inScenario("garbage").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("fixed")
        .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
            .withBody("{\"data\":[{\"id\":\"1\",\"text\":")));
    ObjectNode noDate = tweet(2, "no date", "2025-01-06T18:40:41.000Z", "en", 0, 0);
    noDate.remove("created_at");
    server.stubFor(search().atPriority(1).withQueryParam("since_id", absent())
        .inScenario("garbage").whenScenarioStateIs("fixed")
        .willReturn(okJson(page(null, noDate,
            tweet(1, "fine", "2025-01-06T18:40:40.000Z", "en", 0, 0)))));

    source = open(config(null));
    List<Post> posts = Live.take(source, 1);

    assertThat(posts).extracting(Post::text).containsExactly("fine");
    Live.await("both bad payloads counted", () -> source.status().errors() == 2);
    assertThat(source.skipped()).isEqualTo(2);
    // The count comes first, the notice right after it, on the source's thread.
    Live.await("the malformed tweet's notice",
        () -> notices.stream().anyMatch(n -> n.contains("has no ISO-8601 'created_at'")));
  }

  @Test
  void networkFailuresBackOffExponentiallyWithoutStopping() throws Exception {
    int port = server.port();
    server.stop();
    source = new XSource(new XSource.Config(URI.create("http://127.0.0.1:" + port), "kafka",
        Duration.ofMillis(INTERVAL), TOKEN, null), context(Recorder.NONE));
    source.start();

    Live.await("three failed attempts", () -> source.status().errors() >= 3);
    assertThat(clock.sleeps().subList(0, 3)).containsExactly(1_000L, 2_000L, 4_000L);
    assertThat(notices.get(0)).startsWith("x: X API request failed (ConnectException");
  }

  @Test
  void closeMakesABlockedNextReturnNullAndPrintsTheResumeFlag() throws Exception {
    server.stubFor(search().atPriority(1).withQueryParam("since_id", absent())
        .willReturn(okJson(page(null, tweet(1, "a", "2025-01-06T18:40:40.000Z", "en", 0, 0)))));
    source = open(config(null));
    assertThat(Live.take(source, 1)).hasSize(1);

    Live.assertCloseEndsABlockedNext(source);
    assertThat(notices).contains("x: stopped after 1 posts; resume with --since-id " + id(1));
  }

  @Test
  void recordedTweetsReplayAsTheSamePosts(@TempDir Path dir) throws Exception {
    server.stubFor(search().atPriority(1).withQueryParam("since_id", absent())
        .willReturn(okJson(page(null,
            tweet(2, "zwei Grüße 🚀", "2025-01-06T18:40:41.000Z", "de", 3, 4),
            tweet(1, "one", "2025-01-06T18:40:40.000Z", "en", 0, 0)))));
    Path file = dir.resolve("x-session.jsonl.gz");
    source = new XSource(config(null), context(Recorder.open(file)));
    List<Post> live = Live.take(source, 2);
    source.close();

    List<Post> replayed = new ArrayList<>();
    try (BufferedReader r = LiveLines.reader(file)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        LiveLines.toPost(line).ifPresent(replayed::add);
      }
    }
    assertThat(replayed).isEqualTo(live);
    assertThat(live).extracting(PostJson::toJson).allMatch(j -> j.contains("\"lang\""));
  }

  private XSource.Config config(Long sinceId) {
    return new XSource.Config(URI.create(server.baseUrl()), "kafka lang:en",
        Duration.ofMillis(INTERVAL), TOKEN, sinceId == null ? null : sinceId);
  }

  private XSource open(XSource.Config config) {
    return new XSource(config, context(Recorder.NONE));
  }

  private LiveContext context(Recorder recorder) {
    return new LiveContext(WordFilter.ALL, clock, recorder, notices::add);
  }

  private List<LoggedRequest> requests(String param, String value) {
    return server.findAll(getRequestedFor(urlPathEqualTo(PATH))
        .withQueryParam(param, equalTo(value)));
  }

  private static MappingBuilder search() {
    return get(urlPathEqualTo(PATH));
  }

  private static String id(int k) {
    return Long.toString(BASE_ID + k);
  }

  /** A v2 tweet as X returns it with tweet.fields=created_at,lang,public_metrics. */
  private static ObjectNode tweet(int k, String text, String createdAt, String lang, int retweets,
      int likes) {
    ObjectNode t = PostJson.MAPPER.createObjectNode();
    t.putArray("edit_history_tweet_ids").add(id(k));
    if (lang != null) {
      t.put("lang", lang);
    }
    t.put("id", id(k));
    t.put("created_at", createdAt);
    t.put("text", text);
    ObjectNode m = t.putObject("public_metrics");
    m.put("retweet_count", retweets);
    m.put("reply_count", 0);
    m.put("like_count", likes);
    m.put("quote_count", 0);
    m.put("bookmark_count", 0);
    m.put("impression_count", 42);
    return t;
  }

  /** A search page: data newest first, meta as X writes it. */
  private static String page(String nextToken, ObjectNode... tweets) {
    ObjectNode root = PostJson.MAPPER.createObjectNode();
    ObjectNode meta = PostJson.MAPPER.createObjectNode();
    if (tweets.length > 0) {
      ArrayNode data = root.putArray("data");
      for (ObjectNode t : tweets) {
        data.add(t);
      }
      meta.put("newest_id", tweets[0].get("id").asText());
      meta.put("oldest_id", tweets[tweets.length - 1].get("id").asText());
    }
    meta.put("result_count", tweets.length);
    if (nextToken != null) {
      meta.put("next_token", nextToken);
    }
    root.set("meta", meta);
    return root.toString();
  }
}
