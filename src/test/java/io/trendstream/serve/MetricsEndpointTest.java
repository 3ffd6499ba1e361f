package io.trendstream.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} of {@link HttpServer}: the registry it was given in the Prometheus text
 * format, with the SQL API's requests by HTTP status; behind the token like every path; absent
 * without a registry.
 */
class MetricsEndpointTest {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private static HttpResponse<String> get(HttpServer server, String path, String... headers)
      throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      r.headers(headers);
    }
    return CLIENT.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sql(String q) {
    return "/api/sql?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8);
  }

  private static double sample(String body, String line) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + " (\\S+)$").matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }

  @Test
  void servesTheRegistryAndCountsSqlRequestsByStatus() throws Exception {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter.builder().name("trendstream_test_events_total").help("test").register(registry)
        .inc(3);
    try (HttpServer server = new HttpServer(FixedQueryService.demo(), HttpServer.DEFAULT_HOST,
        0, null, registry).start()) {
      assertThat(get(server, sql("SELECT word, count FROM word_counts")).statusCode())
          .isEqualTo(200);
      assertThat(get(server, sql("SELECT * FROM " + FixedQueryService.REJECTED)).statusCode())
          .isEqualTo(400);
      assertThat(get(server, sql("SELECT " + FixedQueryService.BROKEN)).statusCode())
          .isEqualTo(500);
      assertThat(get(server, "/api/sql").statusCode()).isEqualTo(400);

      HttpResponse<String> res = get(server, "/metrics");
      assertThat(res.statusCode()).isEqualTo(200);
      assertThat(res.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/plain; version=0.0.4");
      String body = res.body();
      assertThat(sample(body, "trendstream_test_events_total")).isEqualTo(3);
      String count = "trendstream_sql_request_duration_seconds_count";
      assertThat(sample(body, count + "{status=\"200\"}")).isEqualTo(1);
      assertThat(sample(body, count + "{status=\"400\"}")).isEqualTo(2);
      assertThat(sample(body, count + "{status=\"500\"}")).isEqualTo(1);
      assertThat(body).contains("# TYPE trendstream_sql_request_duration_seconds histogram");
    }
  }

  @Test
  void needsTheTokenLikeEveryPath() throws Exception {
    try (HttpServer server = new HttpServer(FixedQueryService.demo(), HttpServer.DEFAULT_HOST,
        0, "s3cret", new PrometheusRegistry()).start()) {
      assertThat(get(server, "/metrics").statusCode()).isEqualTo(401);
      assertThat(get(server, "/metrics", "Authorization", "Bearer s3cret").statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  void withoutARegistryThereIsNoMetricsPath() throws Exception {
    try (HttpServer server =
        new HttpServer(FixedQueryService.demo(), HttpServer.DEFAULT_HOST, 0).start()) {
      assertThat(get(server, "/metrics").statusCode()).isEqualTo(404);
    }
  }
}
