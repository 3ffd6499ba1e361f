package io.trendstream.bench;

import io.trendstream.pipeline.Tokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One row of the throughput table: an engine counting words over the preloaded topic with one
 * tokenizer. {@link #key} is the row's name in the JSON report and in {@code --engines}.
 */
public enum Engine {
  TRENDSTREAM_RUNNING("trendstream_running", "Trendstream running count", Kind.SPARK_RUNNING,
      Tokenizer.WORDS),
  TRENDSTREAM_RUNNING_WHITESPACE("trendstream_running_whitespace",
      "Trendstream running count", Kind.SPARK_RUNNING, Tokenizer.WHITESPACE),
  TRENDSTREAM_WINDOWED("trendstream_windowed", "Trendstream windowed count",
      Kind.SPARK_WINDOWED, Tokenizer.WORDS),
  KAFKA_STREAMS("kafka_streams", "Kafka Streams WordCount, 2 threads", Kind.KAFKA_STREAMS,
      Tokenizer.WORDS),
  KAFKA_STREAMS_WHITESPACE("kafka_streams_whitespace", "Kafka Streams WordCount, 2 threads",
      Kind.KAFKA_STREAMS, Tokenizer.WHITESPACE),
  BASELINE_1THREAD("baseline_1thread", "hand-written, 1 thread", Kind.BASELINE_1THREAD,
      Tokenizer.WORDS),
  BASELINE_1THREAD_WHITESPACE("baseline_1thread_whitespace", "hand-written, 1 thread",
      Kind.BASELINE_1THREAD, Tokenizer.WHITESPACE),
  BASELINE_PER_PARTITION("baseline_per_partition", "hand-written, 1 thread per partition",
      Kind.BASELINE_PER_PARTITION, Tokenizer.WORDS);

  /** How an engine counts; several rows share one. */
  public enum Kind {
    SPARK_RUNNING, SPARK_WINDOWED, KAFKA_STREAMS, BASELINE_1THREAD, BASELINE_PER_PARTITION
  }

  public final String key;
  public final String label;
  public final Kind kind;
  public final Tokenizer tokenizer;

  Engine(String key, String label, Kind kind, Tokenizer tokenizer) {
    this.key = key;
    this.label = label;
    this.kind = kind;
    this.tokenizer = tokenizer;
  }

  /**
   * Parses a {@code --engines} value: comma-separated keys.
   *
   * @throws IllegalArgumentException naming the unknown key and the valid ones
   */
  public static List<Engine> parseList(String csv) {
    return Arrays.stream(csv.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(Engine::of)
        .distinct()
        .collect(Collectors.toList());
  }

  public static Engine of(String key) {
    for (Engine e : values()) {
      if (e.key.equals(key.toLowerCase(Locale.ROOT))) {
        return e;
      }
    }
    throw new IllegalArgumentException("unknown engine '" + key + "' (expected: "
        + Arrays.stream(values()).map(e -> e.key).collect(Collectors.joining(", ")) + ")");
  }
}
