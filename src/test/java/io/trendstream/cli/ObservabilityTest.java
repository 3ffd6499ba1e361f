package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trendstream.broker.KafkaTestClients;
import io.trendstream.pipeline.GroupOffsets;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.testing.Await;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.ChildJvm;
import io.trendstream.testing.Http;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.PrometheusServer;
import io.trendstream.testing.TestPosts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job observed with the operators' own tools, over a known backlog: {@code trendstream
 * stream} in a child JVM starts behind {@value #POSTS} posts and two malformed records and
 * catches up in batches of {@value #PER_BATCH} records. Its {@code /metrics} must show the
 * lag that is left after each batch (records minus what it read), rates above zero, the
 * malformed records by reason, the store's rows and the SQL requests by status, in a format
 * Debian's {@code promtool} accepts; Debian's {@code prometheus}, scraping it, must give the
 * same through its HTTP API; and Kafka's own {@code kafka-consumer-groups} must report the
 * query's consumer group with its lag, down to 0 once the job caught up. Each query of the
 * Grafana dashboard in docs/ must run in that Prometheus.
 */
@IntegrationTest
class ObservabilityTest {
  private static final int POSTS = 3_000;
  private static final int MALFORMED = 2;
  private static final long RECORDS = POSTS + MALFORMED;
  private static final int PER_BATCH = 250;
  private static final Duration WAIT = Duration.ofSeconds(300);
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final Pattern URL = Pattern.compile("query API \\+ dashboard: (http://\\S+)");
  /** The job's one query into the store, which writes the counts. */
  private static final String COUNTS = StreamingJob.LIVE_TABLES;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();
  @TempDir Path dir;

  @Test
  @Timeout(value = 20, unit = TimeUnit.MINUTES)  // a shared 2-core machine: batches of seconds
  void aBacklogsLagAndRatesShowInMetricsPrometheusAndKafkasConsumerGroupTool() throws Exception {
    String topic = kafka.topic();
    // Malformed first, so they are in the first batch, whatever its timing.
    KafkaTestClients.send(kafka.bootstrapServers(), topic, List.of(
        "not json".getBytes(StandardCharsets.UTF_8), "{".getBytes(StandardCharsets.UTF_8)));
    kafka.produce(topic, TestPosts.synthetic(5, T0, 1000, POSTS));

    int httpPort = PrometheusServer.freePort();
    String target = "127.0.0.1:" + httpPort;
    try (PrometheusServer prometheus = PrometheusServer.start(dir.resolve("prometheus"), target)) {
      ChildJvm job = ChildJvm.start(dir, "stream", "--bootstrap-server",
          kafka.bootstrapServers(), "--topic", topic, "--data-dir", dir.resolve("data").toString(),
          "--http-port", "" + httpPort, "--store-port", "0", "--conf", "spark.ui.enabled=false",
          "--max-offsets-per-trigger", "" + PER_BATCH);
      try {
        String url = job.awaitLine(URL, WAIT);

        // While it catches up: what is left is exactly what it has not read yet.
        AtomicLong seenLag = new AtomicLong(-1);
        Await.until("a batch's lag on /metrics while catching up", WAIT, () -> {
          String m = scrape(url);
          double lag = value(m, "trendstream_query_consumer_lag_records",
              "query=\"" + COUNTS + "\"", "topic=\"" + topic + "\"", "partition=\"0\"");
          double read = value(m, "trendstream_query_input_rows_total",
              "query=\"" + COUNTS + "\"");
          if (lag > 0 && lag + read == RECORDS) {
            seenLag.set((long) lag);
          }
          return seenLag.get() > 0 || lag == 0;
        }, () -> "output:\n" + job.output());
        assertThat(seenLag.get()).as("a lag seen before the job caught up").isPositive();
        assertThat(seenLag.get() % PER_BATCH).as("lag after whole batches").isEqualTo(
            RECORDS % PER_BATCH);

        // Kafka's tool, mid-way or done: offsets committed plus lag are the log's end.
        long[][] found = new long[1][];
        Await.until("the consumer group in kafka-consumer-groups", WAIT,
            () -> (found[0] = consumerGroup(topic))[0] >= 0, () -> "output:\n" + job.output());
        long[] mid = found[0];
        assertThat(mid[0] + mid[1]).as("committed + lag").isEqualTo(RECORDS);
        assertThat(mid[0] % PER_BATCH == 0 || mid[0] == RECORDS)
            .as("committed offset %d is a batch's end", mid[0]).isTrue();

        Await.until("the job caught up", WAIT, () -> value(scrape(url),
            "trendstream_query_consumer_lag_records", "query=\"" + COUNTS + "\"") == 0);
        Await.until("kafka-consumer-groups reports lag 0", WAIT, () -> {
          long[] g = consumerGroup(topic);
          return g[0] == RECORDS && g[1] == 0;
        }, () -> "output:\n" + job.output());

        assertThat(Http.sql(url, "SELECT count(*) FROM word_counts").path("_status").asInt())
            .isEqualTo(200);
        assertThat(Http.sql(url, "DELETE FROM word_counts").path("_status").asInt())
            .isEqualTo(400);
        Await.until("every post in tweets", WAIT, () -> value(scrape(url),
            "trendstream_store_rows_written_total", "table=\"tweets\"") == POSTS);
        String m = scrape(url);
        assertThat(value(m, "trendstream_query_input_rows_total", "query=\"" + COUNTS + "\""))
            .isEqualTo(RECORDS);
        assertThat(value(m, "trendstream_query_batch_duration_seconds_count",
            "query=\"" + COUNTS + "\"")).isGreaterThanOrEqualTo(RECORDS / PER_BATCH);
        assertThat(value(m, "trendstream_query_processed_rows_per_second",
            "query=\"" + COUNTS + "\"")).isPositive();
        assertThat(value(m, "trendstream_query_malformed_records_total",
            "query=\"" + COUNTS + "\"", "reason=\"not_json\"")).isEqualTo(MALFORMED);
        assertThat(value(m, "trendstream_query_active", "query=\"" + COUNTS + "\""))
            .isEqualTo(1);
        // The store keeps the counts: their rows written are the store's, not Spark state's.
        assertThat(value(m, "trendstream_store_rows_written_total", "table=\"word_counts\""))
            .isPositive();
        assertThat(value(m, "trendstream_store_rows_written_total",
            "table=\"windowed_word_counts\"")).isPositive();
        assertThat(value(m, "trendstream_store_late_rows_total",
            "table=\"windowed_word_counts\"")).isZero();
        assertThat(value(m, "trendstream_store_table_bytes", "table=\"word_counts\""))
            .isPositive();
        assertThat(value(m, "trendstream_sql_request_duration_seconds_count",
            "status=\"400\"")).isEqualTo(1);
        promtoolAccepts(m);

        // Prometheus scraped the same, and kept the backlog's lag and the rates.
        String lag = "trendstream_query_consumer_lag_records{query=\"" + COUNTS + "\"}";
        Await.until("prometheus scraped the caught-up job", WAIT, () ->
                prometheus.query(lag) == 0
                    && prometheus.query("trendstream_query_input_rows_total{query=\""
                        + COUNTS + "\"}") == RECORDS,
            () -> "prometheus log:\n" + prometheus.log());
        assertThat(prometheus.query("up{job=\"trendstream\"}")).isEqualTo(1);
        double maxLag = prometheus.query("max_over_time(" + lag + "[10m])");
        assertThat(maxLag).as("the backlog's lag, as Prometheus saw it").isPositive();
        assertThat(((long) maxLag) % PER_BATCH).isEqualTo(RECORDS % PER_BATCH);
        assertThat(prometheus.query("max_over_time(trendstream_query_input_rows_per_second{query=\""
            + COUNTS + "\"}[10m])")).isPositive();
        assertThat(prometheus.query("increase(trendstream_query_input_rows_total{query=\""
            + COUNTS + "\"}[10m])")).isPositive();

        // Every panel of the Grafana dashboard in docs/ is a query Prometheus accepts, over
        // series that exist (the producer's panel aside: no producer serves metrics here).
        // rate() needs two scrapes of the SQL requests, which came last.
        Await.until("two scrapes of the SQL requests", WAIT, () -> prometheus.query(
            "count_over_time(trendstream_sql_request_duration_seconds_count{status=\"400\"}[10m])")
            >= 2);
        JsonNode dashboard = new ObjectMapper().readTree(
            Path.of("docs/grafana-dashboard.json").toFile());
        for (JsonNode panel : dashboard.path("panels")) {
          for (JsonNode t : panel.path("targets")) {
            String expr = t.path("expr").asText().replace("$instance", ".*");
            JsonNode result = prometheus.queryResult(expr);
            // Spark state exists only with a durable count sink: the live counts keep theirs
            // in the store (trendstream_store_table_*, in the same panels).
            if (!expr.contains("trendstream_producer_") && !expr.contains("watermark")
                && !expr.contains("dead_letters") && !expr.contains("trendstream_query_state_")) {
              assertThat(result).as("panel '%s': %s", panel.path("title").asText(), expr)
                  .isNotEmpty();
            }
          }
        }
      } finally {
        job.terminate();
        if (!job.process.waitFor(60, TimeUnit.SECONDS)) {
          job.kill();
        }
      }
    }
  }

  private static String scrape(String baseUrl) {
    try {
      HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(URI.create(baseUrl + "metrics"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/plain; version=0.0.4");
      return r.body();
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** The first sample of {@code name} that has each of {@code labels}; NaN when none. */
  static double value(String metrics, String name, String... labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$")
        .matcher(metrics);
    while (m.find()) {
      List<String> have = List.of(m.group(1).split(","));
      if (have.containsAll(List.of(labels))) {
        return Double.parseDouble(m.group(2));
      }
    }
    return Double.NaN;
  }

  /** {@code promtool check metrics}: Prometheus's own lint of names, units and help texts. */
  private void promtoolAccepts(String metrics) throws Exception {
    Path file = Files.writeString(dir.resolve("metrics.txt"), metrics);
    Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true)
        .redirectInput(file.toFile()).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool check metrics:\n%s", out).isZero();
  }

  /**
   * {@code kafka-consumer-groups --describe} for the counts query's group: Kafka's own tool,
   * its main run in this JVM (a child JVM of its own took over a minute to start on a loaded
   * 2-core machine). Its CURRENT-OFFSET and LAG of partition 0, or {-1, -1} without a row yet.
   */
  private long[] consumerGroup(String topic) {
    String group = GroupOffsets.group(COUNTS);
    String out = kafkaConsumerGroups(
        "--bootstrap-server", kafka.bootstrapServers(), "--describe", "--group", group);
    for (String line : out.lines().toList()) {
      String[] f = line.trim().split("\\s+");
      // GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID HOST CLIENT-ID
      if (f.length >= 6 && f[0].equals(group) && f[1].equals(topic) && f[2].equals("0")) {
        return new long[] {Long.parseLong(f[3]), Long.parseLong(f[5])};
      }
    }
    return new long[] {-1, -1};
  }

  /**
   * What {@code kafka-consumer-groups ARGS} prints, stdout then stderr (where it reports a group
   * that does not exist yet, with a stack trace); its exit (a usage error) fails the test.
   */
  private static synchronized String kafkaConsumerGroups(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    Exit.setExitProcedure((code, message) -> {
      throw new AssertionError("kafka-consumer-groups exited " + code + ": " + message);
    });
    try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8);
        PrintStream captureErr = new PrintStream(errors, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      System.setErr(captureErr);
      ConsumerGroupCommand.main(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
      Exit.resetExitProcedure();
    }
    return buffer.toString(StandardCharsets.UTF_8) + errors.toString(StandardCharsets.UTF_8);
  }

}
