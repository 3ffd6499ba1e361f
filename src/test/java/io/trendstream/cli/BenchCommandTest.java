package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.bench.BenchSettings;
import io.trendstream.bench.Engine;
import io.trendstream.source.Vocabulary;
import io.trendstream.testing.Cli;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The flags of {@code trendstream bench}, without running a benchmark. */
class BenchCommandTest {
  private static BenchSettings parse(String... args) throws Exception {
    BenchCommand cmd = new BenchCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.settings();
  }

  @Test
  void defaultsAreTheIssuesSizes() throws Exception {
    BenchSettings s = parse();
    assertThat(s.posts()).isEqualTo(1_000_000);
    assertThat(s.runs()).isEqualTo(3);
    assertThat(s.latencyRate()).isEqualTo(5_000);
    assertThat(s.latencyDuration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.partitions()).isEqualTo(2);
    assertThat(s.master()).isEqualTo("local[2]");
    assertThat(s.engines()).containsExactly(Engine.values());
  }

  @Test
  void quickIsSmallAndFlagsOverrideIt() throws Exception {
    assertThat(parse("--quick").posts()).isEqualTo(50_000);
    BenchSettings s = parse("--quick", "--posts", "1000", "--engines",
        "baseline_1thread, kafka_streams", "--no-cold-start", "--conf", "a.b=c");
    assertThat(s.posts()).isEqualTo(1000);
    assertThat(s.engines()).containsExactly(Engine.BASELINE_1THREAD, Engine.KAFKA_STREAMS);
    assertThat(s.coldStart()).isFalse();
    assertThat(s.latency()).isTrue();
    assertThat(s.sparkConf()).isEqualTo(Map.of("a.b", "c"));
  }

  @Test
  void anUnknownEngineIsOneLineNamingTheValidOnes() {
    assertThatThrownBy(() -> parse("--engines", "flink"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("unknown engine 'flink'")
        .hasMessageContaining("kafka_streams");
    Cli.Result run = Cli.run("bench", "--engines", "flink", "--no-latency");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("unknown engine 'flink'");
  }

  @Test
  void feedsAndTheFlinkCheckpointIntervalHaveFlags() throws Exception {
    BenchSettings d = parse();
    assertThat(d.feeds()).containsExactly(Vocabulary.SMALL, Vocabulary.REALISTIC,
        Vocabulary.STRESS);
    assertThat(d.feedPosts()).isEqualTo(BenchSettings.DEFAULT_FEED_POSTS);
    assertThat(d.flinkCheckpointInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(parse("--quick").feedPosts()).isEqualTo(BenchSettings.QUICK_FEED_POSTS);
    BenchSettings s = parse("--feeds", "stress, small", "--feed-posts", "700",
        "--flink-checkpoint-ms", "250", "--engines", "flink_windowed_rocksdb");
    assertThat(s.feeds()).containsExactly(Vocabulary.STRESS, Vocabulary.SMALL);
    assertThat(s.posts(Vocabulary.STRESS)).isEqualTo(700);
    assertThat(s.posts(Vocabulary.SMALL)).isEqualTo(1_000_000);
    assertThat(s.warmups(Vocabulary.SMALL)).isEqualTo(2);
    assertThat(s.warmups(Vocabulary.STRESS)).isEqualTo(1);
    assertThat(parse("--quick").warmups(Vocabulary.REALISTIC)).isZero();
    assertThat(s.flinkCheckpointInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.engines()).containsExactly(Engine.FLINK_WINDOWED_ROCKSDB);
    assertThat(Engine.FLINK_WINDOWED_ROCKSDB.peer()).isTrue();
    assertThat(Engine.TRENDSTREAM_WINDOWED.peer()).isFalse();
  }

  @Test
  void badFeedsAreOneLine() {
    assertThatThrownBy(() -> parse("--feeds", "huge"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("unknown vocabulary 'huge'");
    for (List<String> args : List.of(List.of("--feed-posts", "0"),
        List.of("--flink-checkpoint-ms", "0"), List.of("--feeds", ","))) {
      assertThatThrownBy(() -> parse(args.toArray(String[]::new))).as(args.toString())
          .isInstanceOf(CommandLine.ParameterException.class);
    }
  }

  @Test
  void badNumbersAreRejected() {
    for (List<String> args : List.of(List.of("--posts", "0"), List.of("--runs", "0"),
        List.of("--rate", "-5"), List.of("--latency-seconds", "0"))) {
      assertThatThrownBy(() -> parse(args.toArray(String[]::new)))
          .as(args.toString())
          .isInstanceOf(CommandLine.ParameterException.class);
    }
  }

  @Test
  void metricsAreOnOrOff() {
    Cli.Result run = Cli.run("bench", "--metrics", "maybe", "--no-latency");
    assertThat(run.badFlagMessage()).contains("--metrics takes on or off, not maybe");
  }
}
