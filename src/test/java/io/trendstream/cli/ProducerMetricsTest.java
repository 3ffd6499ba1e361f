package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.testing.Await;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.Cli;
import io.trendstream.testing.IntegrationTest;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code trendstream produce --metrics-port}: the producer's Prometheus metrics while it runs
 * (sends, acks, errors, the waits of {@code --rate}), gone when it stops; a bad port is a
 * one-line flag error.
 */
class ProducerMetricsTest {
  private static final Pattern METRICS_URL = Pattern.compile("metrics on (http://\\S+/metrics)");
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();

  @IntegrationTest
  @Test
  void servesTheProducersCountersWhileItRuns() throws Exception {
    Cli cli = new Cli();
    CompletableFuture<Cli.Result> run = cli.start("produce", "--bootstrap-server",
        kafka.bootstrapServers(), "--topic", kafka.topic(), "--rate", "200",
        "--count", "1000000", "--metrics-port", "0");
    Await.until("the metrics address on stderr", Duration.ofSeconds(60),
        () -> METRICS_URL.matcher(cli.err()).find() || run.isDone(), cli::err);
    Matcher m = METRICS_URL.matcher(cli.err());
    assertThat(m.find()).as(cli.err()).isTrue();
    String url = m.group(1);

    Await.until("100 acked posts on /metrics", Duration.ofSeconds(60),
        () -> value(scrape(url), "trendstream_producer_acked_total") >= 100);
    String body = scrape(url);
    assertThat(value(body, "trendstream_producer_sent_total"))
        .isGreaterThanOrEqualTo(value(body, "trendstream_producer_acked_total"));
    assertThat(value(body, "trendstream_producer_errors_total")).isZero();
    assertThat(value(body, "trendstream_producer_retries_total")).isZero();
    assertThat(value(body, "trendstream_producer_rate_limit_wait_seconds_total"))
        .as("--rate 200 waits between sends").isPositive();

    cli.<ProduceCommand>command("produce").shutdown();
    Cli.Result done = run.get(60, TimeUnit.SECONDS);
    assertThat(done.code()).as(done.err()).isZero();
    try {
      CLIENT.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofString());
      throw new AssertionError("metrics still served after the producer stopped");
    } catch (ConnectException expected) {
      // closed with the producer
    }
  }

  @Test
  void aPortOutOfRangeIsAFlagError() {
    assertThat(Cli.run("produce", "--metrics-port", "70000").badFlagMessage())
        .contains("--metrics-port must be between 0 and 65535");
  }

  private static String scrape(String url) {
    try {
      return CLIENT.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static double value(String metrics, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}
