package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.Tokenizer;
import io.trendstream.pipeline.TrendQueries.EventTime;
import io.trendstream.testing.Cli;
import io.trendstream.testing.IntegrationTest;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Flags of stream and demo: defaults, parsing, and one-line errors for mistakes. */
class StreamFlagsTest {

  @Test
  void defaultsAreTheIssuesDefaultsAndFlagsOverrideThem() {
    StreamCommand cmd = new StreamCommand();
    new CommandLine(cmd).parseArgs();
    StreamConfig c =
        cmd.stream.toConfig(cmd.kafka.bootstrapServer(), cmd.kafka.topic(), Map.of());
    assertThat(c.bootstrapServers).isEqualTo("127.0.0.1:9092");
    assertThat(c.topic).isEqualTo("tweets");
    assertThat(c.dataDir).isEqualTo(Path.of("data"));
    assertThat(c.tokenizer).isEqualTo(Tokenizer.WORDS);
    assertThat(c.eventTime).isEqualTo(EventTime.CREATED_AT);
    assertThat(c.window).isEqualTo("10 minutes");
    assertThat(c.slide).isEqualTo("5 minutes");
    assertThat(c.watermark).isEqualTo("10 minutes");
    assertThat(cmd.stream.httpPort).isEqualTo(8080);
    assertThat(cmd.stream.httpHost).isEqualTo("127.0.0.1");

    new CommandLine(cmd).parseArgs("--tokenizer", "whitespace", "--event-time", "kafka",
        "--window", "1 hour", "--slide", "30 minutes", "--watermark", "2 minutes",
        "--conf", "spark.sql.shuffle.partitions=4", "--topic", "posts", "--data-dir", "d");
    assertThat(cmd.stream.toConfig("b:1", "t", Map.of()).checkpointDir("q"))
        .isEqualTo("d/checkpoints/q");
    StreamCommand onCluster = new StreamCommand();
    new CommandLine(onCluster).parseArgs("--checkpoint-location", "hdfs://nn:8020/ts/");
    assertThat(onCluster.stream.toConfig("b:1", "t", Map.of()).checkpointDir("q"))
        .isEqualTo("hdfs://nn:8020/ts/q");
    new CommandLine(cmd).parseArgs("--tokenizer", "whitespace", "--event-time", "kafka",
        "--window", "1 hour", "--slide", "30 minutes", "--watermark", "2 minutes",
        "--conf", "spark.sql.shuffle.partitions=4", "--topic", "posts", "--data-dir", "d");
    c = cmd.stream.toConfig(cmd.kafka.bootstrapServer(), cmd.kafka.topic(), Map.of());
    assertThat(c.tokenizer).isEqualTo(Tokenizer.WHITESPACE);
    assertThat(c.eventTime).isEqualTo(EventTime.KAFKA);
    assertThat(c.window).isEqualTo("1 hour");
    assertThat(c.topic).isEqualTo("posts");
    assertThat(c.checkpointDir("word_counts")).isEqualTo("d/checkpoints/word_counts");
    assertThat(cmd.stream.sparkConf).containsEntry("spark.sql.shuffle.partitions", "4");
  }

  @Test
  void groupOffsetsAreCommittedAndBatchesUnboundedUnlessAsked() {
    StreamCommand cmd = new StreamCommand();
    new CommandLine(cmd).parseArgs();
    StreamConfig c = cmd.stream.toConfig("b:1", "t", Map.of());
    assertThat(c.groupOffsets).isTrue();
    assertThat(c.sourceOptions).doesNotContainKey("maxOffsetsPerTrigger");

    new CommandLine(cmd).parseArgs("--no-group-offsets", "--max-offsets-per-trigger", "5000");
    c = cmd.stream.toConfig("b:1", "t", Map.of());
    assertThat(c.groupOffsets).isFalse();
    assertThat(c.sourceOptions).containsEntry("maxOffsetsPerTrigger", "5000");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "stream --tokenizer bpe | unknown tokenizer 'bpe' (expected: words, whitespace)",
      "stream --event-time wall | unknown event time 'wall' (expected: created_at, kafka)",
      "stream --window ten | --window 'ten' is not a duration",
      "stream --watermark 5 | --watermark '5' is not a duration",
      "stream --http-port 70000 | --http-port must be between 0 and 65535",
      "stream --max-offsets-per-trigger 0 | --max-offsets-per-trigger must be at least 1",
      "stream --http-port x | Invalid value for option '--http-port'",
      "stream --conf novalue | Value for option option '--conf'",
      "stream --nope | Unknown option: '--nope'",
      "demo --rate -1 | --rate",
      "demo --tokenizer x | unknown tokenizer 'x'",
      "demo --broker-port abc | Invalid value for option '--broker-port'"})
  void badFlagsAreOneLineAndExit2(String args, String message) {
    assertThat(Cli.run(args.trim().split(" ")).badFlagMessage()).contains(message);
  }

  @IntegrationTest
  @Test
  void unreachableBrokerIsOneLineAndExit1() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();  // closed again: nothing listens there
    }
    Cli.Result run = Cli.run("stream", "--bootstrap-server", "127.0.0.1:" + port);
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err().strip())
        .startsWith("trendstream: cannot reach Kafka at 127.0.0.1:" + port + " within 10 s")
        .doesNotContain("\n");
  }
}
