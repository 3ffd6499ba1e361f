package io.trendstream.bench;

import io.trendstream.pipeline.Tokenizer;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * One row of the throughput table: an engine counting words over the preloaded topic with one
 * tokenizer. {@link #key} is the row's name in the JSON report and in {@code --engines}. The
 * peers (Kafka Streams, Flink) run in a JVM of their own ({@link PeerEngines}).
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
      Kind.BASELINE_PER_PARTITION, Tokenizer.WORDS),
  FLINK_RUNNING("flink_running", "Flink running count", Kind.FLINK_RUNNING, Tokenizer.WORDS,
      PeerProtocol.HASHMAP),
  FLINK_RUNNING_ROCKSDB("flink_running_rocksdb", "Flink running count, RocksDB",
      Kind.FLINK_RUNNING, Tokenizer.WORDS, PeerProtocol.ROCKSDB),
  FLINK_WINDOWED("flink_windowed", "Flink windowed count", Kind.FLINK_WINDOWED,
      Tokenizer.WORDS, PeerProtocol.HASHMAP),
  FLINK_WINDOWED_ROCKSDB("flink_windowed_rocksdb", "Flink windowed count, RocksDB",
      Kind.FLINK_WINDOWED, Tokenizer.WORDS, PeerProtocol.ROCKSDB);

  /** How an engine counts; several rows share one. */
  public enum Kind {
    SPARK_RUNNING(null), SPARK_WINDOWED(null), KAFKA_STREAMS(PeerProtocol.KAFKA_STREAMS),
    BASELINE_1THREAD(null), BASELINE_PER_PARTITION(null),
    FLINK_RUNNING(PeerProtocol.FLINK_RUNNING), FLINK_WINDOWED(PeerProtocol.FLINK_WINDOWED);

    /** The peer JVM's job ({@link PeerEngines}); null: runs in the bench's own JVM. */
    public final String peerJob;

    Kind(String peerJob) {
      this.peerJob = peerJob;
    }

    public boolean windowed() {
      return this == SPARK_WINDOWED || this == FLINK_WINDOWED;
    }
  }

  public final String key;
  public final String label;
  public final Kind kind;
  public final Tokenizer tokenizer;
  /** Flink's state backend ({@link PeerProtocol#HASHMAP} or ROCKSDB); null for the others. */
  public final String stateBackend;

  Engine(String key, String label, Kind kind, Tokenizer tokenizer) {
    this(key, label, kind, tokenizer, null);
  }

  Engine(String key, String label, Kind kind, Tokenizer tokenizer, String stateBackend) {
    this.key = key;
    this.label = label;
    this.kind = kind;
    this.tokenizer = tokenizer;
    this.stateBackend = stateBackend;
  }

  /** Runs in the peer JVM, whose libraries only a source build has ({@link PeerEngines}). */
  public boolean peer() {
    return kind.peerJob != null;
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
