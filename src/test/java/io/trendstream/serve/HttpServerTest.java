package io.trendstream.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trendstream.pipeline.JobStatus.Progress;
import io.trendstream.pipeline.JobStatus.QueryStatus;
import io.trendstream.serve.QueryService.TableResult;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every endpoint of {@link HttpServer} over HTTP, with {@link FixedQueryService} behind it. */
class HttpServerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5))
      .build();

  private static FixedQueryService service;
  private static HttpServer server;

  @BeforeAll
  static void start() {
    service = FixedQueryService.demo()
        .table("truncated_table", new TableResult(List.of("n"), List.of(List.of(1L)), true));
    List<QueryStatus> statuses = new ArrayList<>(service.queries());
    statuses.add(new QueryStatus("idle", "ACTIVE", null,
        new Progress(0, "2024-05-01T10:00:00Z", 0, Double.NaN, Double.POSITIVE_INFINITY, 5, -1),
        List.of()));
    service.statuses(statuses);
    server = new HttpServer(service, HttpServer.DEFAULT_HOST, 0).start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  private static HttpResponse<String> get(String pathAndQuery, String... headers)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + server.port() + pathAndQuery)).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sqlPath(String q) {
    return "/api/sql?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8);
  }

  @Test
  void bindsLoopbackOnAFreePort() {
    assertThat(server.port()).isPositive();
    assertThat(server.url()).isEqualTo("http://127.0.0.1:" + server.port() + "/");
  }

  @Test
  void sqlReturnsColumnsRowsAndTruncated() throws Exception {
    HttpResponse<String> res = get(sqlPath("SELECT word, count FROM word_counts"));

    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("application/json"));
    JsonNode body = JSON.readTree(res.body());
    assertThat(body.get("columns").toString()).isEqualTo("[\"word\",\"count\"]");
    assertThat(body.get("rows").get(0).toString()).isEqualTo("[\"the\",300]");
    assertThat(body.get("rows")).hasSize(4);
    assertThat(body.get("truncated").asBoolean()).isFalse();
    assertThat(service.seen()).contains("SELECT word, count FROM word_counts");
  }

  @Test
  void sqlPassesTruncationOn() throws Exception {
    JsonNode body = JSON.readTree(get(sqlPath("SELECT n FROM truncated_table")).body());
    assertThat(body.get("truncated").asBoolean()).isTrue();
  }

  @Test
  void rejectedQueryIs400WithTheMessage() throws Exception {
    HttpResponse<String> res = get(sqlPath("SELECT * FROM NOSUCHTABLE"));

    assertThat(res.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(res.body()).get("error").asText())
        .isEqualTo(FixedQueryService.REJECTION);
  }

  @Test
  void missingOrBlankQueryIs400() throws Exception {
    for (String path : List.of("/api/sql", "/api/sql?q=", "/api/sql?q=%20%20")) {
      HttpResponse<String> res = get(path);
      assertThat(res.statusCode()).as(path).isEqualTo(400);
      assertThat(JSON.readTree(res.body()).get("error").asText()).contains("q=SELECT");
    }
  }

  @Test
  void unexpectedFailureIs500WithOneLine() throws Exception {
    HttpResponse<String> res = get(sqlPath("SELECT BROKEN"));

    assertThat(res.statusCode()).isEqualTo(500);
    String error = JSON.readTree(res.body()).get("error").asText();
    assertThat(error).isEqualTo("executor lost");
    assertThat(res.body()).doesNotContain("at org.apache").doesNotContain("\\n");
  }

  @Test
  void queriesListsStatusAndProgress() throws Exception {
    HttpResponse<String> res = get("/api/queries");

    assertThat(res.statusCode()).isEqualTo(200);
    JsonNode queries = JSON.readTree(res.body());
    assertThat(queries).hasSize(4);
    JsonNode tweets = queries.get(0);
    assertThat(tweets.get("name").asText()).isEqualTo("tweets");
    assertThat(tweets.get("status").asText()).isEqualTo("ACTIVE");
    assertThat(tweets.get("error").isNull()).isTrue();
    JsonNode last = tweets.get("lastProgress");
    assertThat(last.get("batchId").asLong()).isEqualTo(4);
    assertThat(last.get("timestamp").asText()).isEqualTo("2024-05-01T10:00:04Z");
    assertThat(last.get("inputRows").asLong()).isEqualTo(1000);
    assertThat(last.get("inputRowsPerSecond").asDouble()).isEqualTo(1004.0);
    assertThat(last.get("processedRowsPerSecond").asDouble()).isEqualTo(1204.0);
    assertThat(last.get("batchDurationMs").asLong()).isEqualTo(254);
    assertThat(last.get("malformed").asLong()).isEqualTo(3);
    assertThat(last.get("consumerLag").asLong()).isEqualTo(40);
    assertThat(tweets.get("recentProgress")).hasSize(5);

    JsonNode failed = queries.get(2);
    assertThat(failed.get("status").asText()).isEqualTo("FAILED");
    assertThat(failed.get("error").asText()).contains("boom");
    assertThat(failed.get("lastProgress").isNull()).isTrue();

    JsonNode idle = queries.get(3).get("lastProgress");
    assertThat(idle.get("inputRowsPerSecond").isNull()).as("NaN is not JSON").isTrue();
    assertThat(idle.get("processedRowsPerSecond").isNull()).isTrue();
    assertThat(idle.get("consumerLag").asLong()).as("unknown lag").isEqualTo(-1);
  }

  @Test
  void healthHasUptime() throws Exception {
    HttpResponse<String> res = get("/api/health");

    assertThat(res.statusCode()).isEqualTo(200);
    JsonNode health = JSON.readTree(res.body());
    assertThat(health.get("status").asText()).isEqualTo("ok");
    assertThat(health.get("uptimeSeconds").asLong()).isNotNegative();
    assertThat(health.get("startedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
  }

  @Test
  void snapshotHasEveryPanel() throws Exception {
    HttpResponse<String> res = get("/api/snapshot");

    assertThat(res.statusCode()).isEqualTo(200);
    JsonNode snapshot = JSON.readTree(res.body());
    assertThat(snapshot.get("view").toString())
        .isEqualTo("{\"top\":10,\"stopwords\":\"hide\",\"hashtags\":\"all\"}");
    assertThat(snapshot.get("health").get("status").asText()).isEqualTo("ok");
    assertThat(snapshot.get("queries")).hasSize(4);
    assertThat(snapshot.get("topWords").get("rows").get(0).get(0).asText()).isEqualTo("spark");
    assertThat(snapshot.get("trends").get("columns").toString())
        .isEqualTo("[\"window_start\",\"word\",\"count\"]");
    assertThat(snapshot.get("trends").get("rows")).hasSize(6);
    assertThat(snapshot.get("trending").get("columns").toString())
        .isEqualTo("[\"word\",\"score\",\"count\",\"baseline\",\"history\"]");
    assertThat(snapshot.get("trending").get("rows").get(0).get(0).asText()).isEqualTo("#kafka");
    assertThat(snapshot.get("languages").get("rows").get(0).toString())
        .isEqualTo("[\"en\",700]");
  }

  @Test
  void snapshotFollowsTheView() throws Exception {
    JsonNode all = JSON.readTree(get("/api/snapshot?stopwords=show").body());
    assertThat(all.get("topWords").get("rows").get(0).get(0).asText()).isEqualTo("the");

    JsonNode tags = JSON.readTree(get("/api/snapshot?hashtags=only").body());
    assertThat(tags.get("topWords").get("rows").get(0).get(0).asText()).isEqualTo("#kafka");

    get("/api/snapshot?top=7");
    assertThat(service.seen()).anyMatch(q -> q.startsWith("SELECT word, count FROM word_counts")
        && q.endsWith("LIMIT 7"));
  }

  @Test
  void badViewIs400() throws Exception {
    for (String query : List.of("top=abc", "top=0", "top=101", "stopwords=maybe", "hashtags=x")) {
      HttpResponse<String> res = get("/api/snapshot?" + query);
      assertThat(res.statusCode()).as(query).isEqualTo(400);
      assertThat(JSON.readTree(res.body()).get("error").asText()).isNotBlank();
    }
    HttpResponse<String> events = get("/api/events?top=abc", "Accept", "text/event-stream");
    assertThat(events.statusCode()).isEqualTo(400);
  }

  @Test
  void panelWithoutItsTableShowsAnErrorAndTheRestStillShows() throws Exception {
    FixedQueryService partial = new FixedQueryService()
        .table("FROM tweets ORDER BY event_time", FixedQueryService.result(
            List.of("lang", "posts"), List.of(List.of("en", 1L))));
    try (HttpServer other = new HttpServer(partial, "127.0.0.1", 0).start()) {
      HttpResponse<String> res = CLIENT.send(HttpRequest.newBuilder(
          URI.create(other.url() + "api/snapshot")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(res.statusCode()).isEqualTo(200);
      JsonNode snapshot = JSON.readTree(res.body());
      assertThat(snapshot.get("topWords").get("error").asText()).startsWith("no fixed table");
      assertThat(snapshot.get("languages").get("rows")).hasSize(1);
    }
  }

  @Test
  void languagesBeyondTheShownOnesAreSummedIntoOther() throws Exception {
    List<List<Object>> rows = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      rows.add(List.of("l" + i, 100L - i));
    }
    FixedQueryService many = new FixedQueryService()
        .table("FROM tweets ORDER BY event_time", FixedQueryService.result(List.of("lang", "posts"), rows));
    try (HttpServer other = new HttpServer(many, "127.0.0.1", 0).start()) {
      JsonNode languages = JSON.readTree(CLIENT.send(HttpRequest.newBuilder(
          URI.create(other.url() + "api/snapshot")).build(),
          HttpResponse.BodyHandlers.ofString()).body()).get("languages").get("rows");
      assertThat(languages).hasSize(DashboardData.LANGUAGES_SHOWN);
      // l7..l11: 93 + 92 + 91 + 90 + 89
      assertThat(languages.get(DashboardData.LANGUAGES_SHOWN - 1).toString())
          .isEqualTo("[\"other\",455]");
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)  // readLine blocks while the server is silent
  void eventsPushSnapshotsRepeatedly() throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + server.port() + "/api/events?top=5&stopwords=show"))
        .header("Accept", "text/event-stream")
        .build();
    HttpResponse<InputStream> res = CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/event-stream"));
    List<JsonNode> snapshots = new ArrayList<>();
    boolean retry = false;
    try (BufferedReader reader = new BufferedReader(
        new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
      String event = null;
      String line;
      // Two snapshots: the one sent on connect and at least one pushed by the ticker.
      while (snapshots.size() < 2 && (line = reader.readLine()) != null) {
        if (line.startsWith("retry: ")) {
          retry = line.equals("retry: " + HttpServer.SSE_RETRY_MS);
        } else if (line.startsWith("event: ")) {
          event = line.substring(7);
        } else if (line.startsWith("data: ") && "snapshot".equals(event)) {
          snapshots.add(JSON.readTree(line.substring(6)));
        }
      }
    }
    assertThat(retry).as("retry hint").isTrue();
    assertThat(snapshots).hasSize(2);
    for (JsonNode snapshot : snapshots) {
      assertThat(snapshot.get("view").get("top").asInt()).isEqualTo(5);
      assertThat(snapshot.get("topWords").get("rows").get(0).get(0).asText()).isEqualTo("the");
      assertThat(snapshot.get("queries")).hasSize(4);
    }
    // The closed stream is noticed on the next push and forgotten.
    Eventually.await(Duration.ofSeconds(10), "closed subscriber removed",
        () -> server.subscribers() == 0);
  }

  @Test
  void servesThePageAndItsAssets() throws Exception {
    HttpResponse<String> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/html"));
    assertThat(page.body()).contains("<title>Trendstream</title>")
        .contains("src=\"vendor/echarts.min.js\"").contains("src=\"app.js\"");
    assertThat(get("/app.js").body()).contains("EventSource");
    assertThat(get("/style.css").statusCode()).isEqualTo(200);
  }

  @Test
  void chartLibraryComesFromTheWebJar() throws Exception {
    HttpResponse<byte[]> res = CLIENT.send(HttpRequest.newBuilder(URI.create(
        "http://127.0.0.1:" + server.port() + HttpServer.VENDOR_ECHARTS)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertThat(res.statusCode()).isEqualTo(200);
    assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/javascript"));
    byte[] webjar;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(
        "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js")) {
      assertThat(in).as("ECharts 5.3.1 WebJar on the classpath").isNotNull();
      webjar = in.readAllBytes();
    }
    assertThat(res.body()).hasSizeGreaterThan(100_000).isEqualTo(webjar);
  }

  @Test
  void unknownApiPathIs404Json() throws Exception {
    HttpResponse<String> res = get("/api/nope");
    assertThat(res.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(res.body()).get("error").asText()).isNotBlank();
  }

  @Test
  void tokenGuardsEveryRequest() throws Exception {
    try (HttpServer guarded = new HttpServer(service, "127.0.0.1", 0, "s3cret").start()) {
      String base = guarded.url();
      for (String path : List.of("api/sql?q=SELECT+1", "api/queries", "api/health",
          "api/snapshot", "", "app.js", "vendor/echarts.min.js")) {
        HttpResponse<String> res = CLIENT.send(HttpRequest.newBuilder(URI.create(base + path))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(path).isEqualTo(401);
        assertThat(res.headers().firstValue("WWW-Authenticate")).hasValue(
            "Bearer realm=\"trendstream\"");
        assertThat(JSON.readTree(res.body()).get("error").asText()).contains("token");
      }
      HttpResponse<String> events = CLIENT.send(HttpRequest.newBuilder(
          URI.create(base + "api/events")).header("Accept", "text/event-stream").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(events.statusCode()).isEqualTo(401);

      HttpResponse<String> wrong = CLIENT.send(HttpRequest.newBuilder(
          URI.create(base + "api/queries")).header("Authorization", "Bearer nope").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.body()).contains("wrong token");

      HttpResponse<String> right = CLIENT.send(HttpRequest.newBuilder(
          URI.create(base + "api/queries")).header("Authorization", "Bearer s3cret").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(right.statusCode()).isEqualTo(200);

      // A browser opens the page once with the token in the address and then rides a cookie.
      HttpResponse<String> page = CLIENT.send(HttpRequest.newBuilder(
          URI.create(base + "?access_token=s3cret")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      String cookie = page.headers().firstValue("Set-Cookie").orElseThrow();
      assertThat(cookie).startsWith(HttpServer.TOKEN_COOKIE + "=s3cret").containsIgnoringCase(
          "HttpOnly");
      HttpResponse<String> withCookie = CLIENT.send(HttpRequest.newBuilder(
          URI.create(base + "api/health")).header("Cookie", cookie.split(";")[0]).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(withCookie.statusCode()).isEqualTo(200);
    }
  }

  @Test
  void busyPortIsAOneLineStartError() {
    HttpServer second = new HttpServer(service, "127.0.0.1", server.port());
    assertThatThrownBy(second::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cannot serve HTTP on 127.0.0.1:" + server.port())
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void stopClosesThePort() throws Exception {
    HttpServer other = new HttpServer(service, "127.0.0.1", 0).start();
    URI uri = URI.create(other.url() + "api/health");
    assertThat(CLIENT.send(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    other.stop();
    assertThatThrownBy(() -> CLIENT.send(HttpRequest.newBuilder(uri).build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(ConnectException.class);
  }
}
