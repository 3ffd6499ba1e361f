package io.trendstream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A tiny client for the query API, as a user's curl would call it. */
public final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private Http() {}

  /** GET /api/sql?q=...; returns the parsed body, or null when the server is not up yet. */
  public static JsonNode sql(String baseUrl, String query) {
    return get(baseUrl + "api/sql?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
  }

  public static JsonNode get(String url) {
    try {
      HttpResponse<String> r = CLIENT.send(
          HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      if (body instanceof ObjectNode) {
        ((ObjectNode) body).put("_status", r.statusCode());
      }
      return body;
    } catch (java.io.IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
