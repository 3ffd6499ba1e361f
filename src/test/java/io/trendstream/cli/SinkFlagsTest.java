package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.pipeline.DurableSink;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.sink.DeadLetterSink;
import io.trendstream.pipeline.sink.JdbcCountSink;
import io.trendstream.pipeline.sink.KafkaCountSink;
import io.trendstream.pipeline.sink.ParquetPostSink;
import io.trendstream.testing.Cli;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** The durable-sink and dead-letter flags of stream and demo. */
class SinkFlagsTest {
  private static StreamConfig config(String... args) {
    StreamCommand cmd = new StreamCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.stream.toConfig(cmd.kafka.bootstrapServer(), cmd.kafka.topic(), Map.of());
  }

  @Test
  void noDurableSinkByDefaultButDeadLettersAlways() {
    StreamConfig c = config();
    assertThat(c.sinks).extracting(DurableSink::describe)
        .containsExactly("dead letters to tweets-dlq");
    assertThat(c.maxValueBytes).isEqualTo(262_144);
  }

  @Test
  void sinkIsRepeatableOnePerKind() {
    StreamConfig c = config("--sink", "kafka", "--sink", "parquet:out/posts",
        "--sink", "jdbc:postgresql://db.example:5433/trends?user=me&password=secret",
        "--dead-letter-topic", "bad-posts", "--max-post-bytes", "1000");
    assertThat(c.sinks).extracting(s -> (Class) s.getClass()).containsExactly(
        DeadLetterSink.class, KafkaCountSink.class, ParquetPostSink.class, JdbcCountSink.class);
    assertThat(c.sinks).extracting(DurableSink::describe).containsExactly(
        "dead letters to bad-posts",
        "kafka (topics word-counts, windowed-word-counts)",
        "parquet:out/posts",
        "jdbc:postgresql://db.example:5433/trends?user=me&password=***");
    assertThat(c.maxValueBytes).isEqualTo(1000);
  }

  @Test
  void theJdbcSinkMayUseAnotherDatabaseOfTheStoresServer() {
    StreamConfig c = config("--store", "jdbc:postgresql://db.example/trends?user=me",
        "--sink", "jdbc:postgresql://db.example/trends_copy?user=me");
    assertThat(c.sinks).extracting(s -> (Class) s.getClass())
        .containsExactly(DeadLetterSink.class, JdbcCountSink.class);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "stream --sink s3 | unknown --sink 's3' (expected: kafka, parquet:DIR or jdbc:",
      "stream --sink parquet: | --sink parquet: needs a directory",
      "stream --sink jdbc:mysql://h/db?password=pw | only PostgreSQL is supported",
      "stream --sink kafka --sink KAFKA | --sink kafka given twice",
      "stream --store jdbc:postgresql://db/t?user=a"
          + " --sink jdbc:postgresql://DB:5432/t?user=b&password=pw"
          + " | is the database of --store: the jdbc sink writes its own copy",
      "demo --sink jdbc:postgresql://localhost:5433/trendstream?user=postgres"
          + " | is the database of the embedded store",
      "demo --sink parquet:a --sink parquet:b | --sink parquet given twice",
      "stream --max-post-bytes 0 | --max-post-bytes must be at least 1",
      "stream --max-post-bytes big | Invalid value for option '--max-post-bytes'"})
  void badSinkFlagsAreOneLineAndExit2(String args, String message) {
    Cli.Result run = Cli.run(args.trim().split(" "));
    assertThat(run.badFlagMessage()).contains(message);
    assertThat(run.err()).doesNotContain("pw");
  }
}
