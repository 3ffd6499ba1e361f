package io.trendstream.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/alerts} over an {@link AlertFeed}: the newest n, 400 for a bad n, an empty
 * list without watched terms; the ticker's script is served with the page.
 */
class AlertsApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  /** Alerts 1..30, newest (30) first. */
  private static final AlertFeed THIRTY = n -> {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 30; i > 30 - n && i > 0; i--) {
      out.add(Map.of("id_str", Integer.toString(i), "terms", List.of("kafka")));
    }
    return out;
  };

  @Test
  void servesTheNewestAlertsOfTheFeed() throws Exception {
    try (HttpServer server = new HttpServer(FixedQueryService.demo(), "127.0.0.1", 0)) {
      server.alerts(THIRTY).start();
      JsonNode body = JSON.readTree(get(server, "/api/alerts").body());
      assertThat(body.path("alerts").size()).isEqualTo(AlertFeed.DEFAULT);
      assertThat(body.path("alerts").path(0).path("id_str").asText()).isEqualTo("30");
      assertThat(JSON.readTree(get(server, "/api/alerts?n=3").body()).path("alerts")
          .findValuesAsText("id_str")).containsExactly("30", "29", "28");
      for (String bad : List.of("0", "101", "x")) {
        HttpResponse<String> r = get(server, "/api/alerts?n=" + bad);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(r.body()).path("error").asText())
            .isEqualTo("n must be a number from 1 to 100, not " + bad);
      }
      HttpResponse<String> page = get(server, "/");
      assertThat(page.body()).contains("<script src=\"alerts.js\" defer></script>");
      assertThat(get(server, "/alerts.js").body()).contains("api/alerts?n=");
    }
  }

  @Test
  void withoutWatchedTermsTheListIsEmpty() throws Exception {
    try (HttpServer server = new HttpServer(FixedQueryService.demo(), "127.0.0.1", 0)) {
      server.start();
      HttpResponse<String> r = get(server, "/api/alerts?n=5");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(r.body()).path("alerts").isArray()).isTrue();
      assertThat(JSON.readTree(r.body()).path("alerts").size()).isZero();
    }
  }

  private static HttpResponse<String> get(HttpServer server, String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
