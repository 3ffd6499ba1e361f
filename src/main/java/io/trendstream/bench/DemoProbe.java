package io.trendstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Asks a running demo or job over its HTTP API, as a person's browser would: the cold-start
 * phase ({@link ColdStart}) and the CLI's start-up training both wait for {@code word_counts}
 * to have rows this way. Here, below the CLI, so both can use it.
 */
public final class DemoProbe {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DemoProbe() {}

  /**
   * Rows of {@code word_counts}, as the running demo or job at {@code baseUrl} answers over its
   * SQL API; 0 until it answers.
   */
  public static long wordCountRows(HttpClient http, String baseUrl) throws InterruptedException {
    String body = get(http, baseUrl + "api/sql?q="
        + URLEncoder.encode("SELECT count(*) FROM word_counts", StandardCharsets.UTF_8));
    if (body == null) {
      return 0;
    }
    try {
      return JSON.readTree(body).path("rows").path(0).path(0).asLong(0);
    } catch (IOException e) {
      return 0;
    }
  }

  /** The body of a GET of {@code url}; null unless it answered 200 within 10 s. */
  public static String get(HttpClient http, String url) throws InterruptedException {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(10)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null;
    }
  }
}
