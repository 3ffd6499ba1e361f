package io.trendstream.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code prometheus} server (installed by {@code .ci/run}) as a child process: on a
 * free loopback port, with its own temporary config and storage, scraping one target every
 * second. Input: the target's {@code host:port}. Output: instant query results of its HTTP API
 * ({@code /api/v1/query}).
 */
public final class PrometheusServer implements AutoCloseable {
  /** Debian's package name and binary. */
  public static final String BINARY = "prometheus";
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final String url;
  private final Path log;

  private PrometheusServer(Process process, String url, Path log) {
    this.process = process;
    this.url = url;
    this.log = log;
  }

  /** A free TCP port of the loopback address (free when asked; good enough for tests). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Starts the server scraping {@code http://target/metrics} every second, and waits until its
   * API answers.
   */
  public static PrometheusServer start(Path dir, String target) throws IOException {
    Files.createDirectories(dir);
    Path config = dir.resolve("prometheus.yml");
    Files.writeString(config, String.join("\n",
        "global:",
        "  scrape_interval: 1s",
        "  scrape_timeout: 1s",
        "scrape_configs:",
        "  - job_name: trendstream",
        "    static_configs:",
        "      - targets: ['" + target + "']",
        ""));
    int port = freePort();
    Path log = dir.resolve("prometheus.log");
    Process p;
    try {
      p = new ProcessBuilder(List.of(BINARY,
          "--config.file=" + config,
          "--storage.tsdb.path=" + dir.resolve("tsdb"),
          "--web.listen-address=127.0.0.1:" + port))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
    } catch (IOException e) {
      throw new AssertionError("Debian's '" + BINARY + "' is not installed (.ci/run installs "
          + "it: apt-get install -y prometheus): " + e.getMessage(), e);
    }
    PrometheusServer server = new PrometheusServer(p, "http://127.0.0.1:" + port, log);
    Await.until("prometheus ready on port " + port, Duration.ofSeconds(60),
        () -> !p.isAlive() || server.ready(), server::log);
    if (!p.isAlive()) {
      throw new AssertionError("prometheus exited at start: " + server.log());
    }
    return server;
  }

  private boolean ready() {
    try {
      return CLIENT.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(),
          HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The value of an instant query's first series, NaN when it has none (yet). */
  public double query(String promql) {
    JsonNode result = queryResult(promql);
    return result.size() == 0 ? Double.NaN : result.get(0).path("value").get(1).asDouble();
  }

  /** {@code data.result} of an instant query. */
  public JsonNode queryResult(String promql) {
    try {
      HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(url
          + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = JSON.readTree(r.body());
      if (!"success".equals(body.path("status").asText())) {
        throw new AssertionError("prometheus refused " + promql + ": " + r.body());
      }
      return body.path("data").path("result");
    } catch (IOException e) {
      throw new AssertionError("prometheus did not answer " + promql + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Its log so far, for failure messages. */
  public String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
