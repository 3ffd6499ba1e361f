package io.trendstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trendstream.cli.Main;
import io.trendstream.source.Vocabulary;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.SparkTestSupport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The benchmark end to end, small: every engine counts the same preloaded posts on a real
 * embedded broker and each run must equal the counts computed from the source (the bench
 * throws otherwise); the windowed state stays bounded; the report carries every figure the
 * JSON promises, on today's feed and the realistic one, with Flink and Kafka Streams in their
 * own JVM. Correctness only: no speed is asserted. The cold-start phase (a second JVM)
 * is left to {@code bench --quick}.
 */
@IntegrationTest
class BenchQuickTest {
  @TempDir Path dir;

  @Test
  void everyEngineCountsExactlyTheReferenceAndTheReportHasEveryFigure() throws Exception {
    SparkTestSupport.spark();  // share the suite's session instead of starting another
    BenchSettings settings = BenchSettings.quick()
        .withPosts(4_000)
        .withRuns(0, 1)
        .withLatency(1_000, Duration.ofSeconds(1), Duration.ofSeconds(3))
        .withPhases(true, false, true)
        .withFeeds(List.of(Vocabulary.SMALL, Vocabulary.REALISTIC), 2_000)
        .withWorkDir(dir.resolve("work"));
    StringWriter log = new StringWriter();

    BenchReport report = new Bench(settings, new PrintWriter(log, true), Main.class).run();

    // One check per engine run and feed plus the windowed state run; any mismatch would have thrown. Flink and Kafka Streams ran in the peer JVM.
    assertThat(report.countChecks).isEqualTo(2 * Engine.values().length + 1);
    for (Engine e : Engine.values()) {
      assertThat(report.runs.get(e)).as(e.key).hasSize(1);
      assertThat(report.median(e)).as(e.key).isPositive();
      assertThat(report.feed(Vocabulary.REALISTIC).median(e)).as(e.key).isPositive();
    }
    assertThat(report.latency.missing()).isZero();
    assertThat(report.latency.latenciesMs()).isNotEmpty();
    // 10,000 s of event time hold 34 windows; state keeps only those the watermark allows,
    // while the result (every window ever) grows with the stream.
    List<SparkWordCount.BatchState> batches = report.stateBatches;
    assertThat(batches).hasSizeGreaterThanOrEqualTo(Bench.STATE_BATCHES);
    long maxState = batches.stream().mapToLong(SparkWordCount.BatchState::stateRows).max()
        .orElseThrow();
    assertThat(maxState).isPositive()
        .isLessThan(batches.get(batches.size() - 1).distinctPairsSoFar() / 3);

    Path json = dir.resolve("bench.json");
    report.writeJson(json);
    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertThat(root.get("posts").asLong()).isEqualTo(4_000);
    for (String key : List.of("trendstream_running", "trendstream_windowed", "kafka_streams",
        "baseline_1thread", "baseline_per_partition", "flink_running", "flink_windowed",
        "flink_running_rocksdb", "flink_windowed_rocksdb")) {
      assertThat(root.path("throughput").path(key).asDouble()).as(key).isPositive();
      assertThat(root.path("throughput_by_feed").path("realistic").path(key).asDouble())
          .as("realistic " + key).isPositive();
    }
    assertThat(root.path("throughput_by_feed").has("small")).isFalse();
    assertThat(root.path("feed_posts").path("realistic").asLong()).isEqualTo(2_000);
    assertThat(root.path("ratios_vs_flink").path("realistic")
        .path("running_vs_flink_running").isNumber()).isTrue();
    for (String key : List.of("p50", "p90", "p99", "max")) {
      assertThat(root.path("latency_ms").path(key).isNumber()).as(key).isTrue();
    }
    for (String mode : List.of("realtime", "continuous", "microbatch")) {
      for (String rate : List.of("1000", "5000")) {
        assertThat(root.path("alert_latency_ms").path(mode).path(rate).path("p99").isNumber())
            .as(mode + " " + rate).isTrue();
      }
    }
    assertThat(root.path("peak_rss_mb").asDouble()).isPositive();
    assertThat(report.table()).contains("Kafka Streams", "hand-written", "p99",
        "Flink windowed count, RocksDB", "posts/s, medians by feed", "realistic feed",
        "Trendstream running / Flink running");
  }
}
