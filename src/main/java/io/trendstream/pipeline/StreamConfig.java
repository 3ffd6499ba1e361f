package io.trendstream.pipeline;

import io.trendstream.pipeline.TrendQueries.EventTime;
import io.trendstream.post.Post;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of the streaming job, with defaults in code. The CLI's flags override them; Spark
 * settings pass through {@link #sparkConf} ({@code --conf k=v}).
 */
public final class StreamConfig {
  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
  public static final String DEFAULT_WINDOW = "10 minutes";
  public static final String DEFAULT_SLIDE = "5 minutes";
  public static final String DEFAULT_WATERMARK = "10 minutes";
  public static final Duration DEFAULT_SIDE_TRIGGER = Duration.ofSeconds(1);

  public String bootstrapServers = DEFAULT_BOOTSTRAP;
  public String topic = Post.TOPIC;
  public Path dataDir = Path.of("data");
  public Tokenizer tokenizer = Tokenizer.WORDS;
  public String window = DEFAULT_WINDOW;
  public String slide = DEFAULT_SLIDE;
  public String watermark = DEFAULT_WATERMARK;
  public EventTime eventTime = EventTime.CREATED_AT;
  /** Spark's default: a deleted topic or expired offsets stop the query instead of skipping. */
  public boolean failOnDataLoss = true;
  /** Prefixed to query names so several jobs (tests) can share one SparkSession. */
  public String queryNamePrefix = "";
  /** Extra Kafka consumer settings for Spark's source, without the {@code kafka.} prefix. */
  public Map<String, String> kafkaProperties = new LinkedHashMap<>();
  /**
   * Durable sinks, each started as its own queries next to the live tables, in this order. The
   * CLI puts the dead-letter queue ({@code pipeline.sink.DeadLetterSink}, from
   * {@code --dead-letter-topic}) first, then one per {@code --sink}; an empty list: none.
   */
  public List<DurableSink> sinks = new ArrayList<>();
  /** Kafka values larger than this are not parsed but dead letters ({@code --max-post-bytes}). */
  public int maxValueBytes = TrendQueries.DEFAULT_MAX_VALUE_BYTES;
  /**
   * Options of Spark's Kafka source itself (e.g. {@code maxOffsetsPerTrigger},
   * {@code minPartitions}), applied after the job's own, so they win.
   */
  public Map<String, String> sourceOptions = new LinkedHashMap<>();
  /**
   * How often the queries other than the two counts (the tweets table, dead letters, durable
   * sinks) run a batch; the counts run back to back. Each batch costs ~150 ms of fixed work on
   * 2 cores, and four queries back to back kept the counts waiting: p99 send-to-visible in
   * word_counts 1.25 s with all back to back, 0.80 s with this and the pools (benchmarks.md).
   */
  public Duration sideTrigger = DEFAULT_SIDE_TRIGGER;

  /**
   * Commit each batch's end offsets to the consumer group {@code trendstream-<query name>}, so
   * Kafka's own tools show the job's lag (monitoring only; {@code --no-group-offsets}).
   */
  public boolean groupOffsets = true;

  /**
   * Where checkpoints go: any Hadoop file system URI (e.g. {@code hdfs://nn/trendstream}), as a
   * cluster needs a location every node sees; null means {@code DATA_DIR/checkpoints}.
   */
  public String checkpointRoot;

  /**
   * Spark's interval syntax as the window flags take it, a number and a unit ("10 minutes",
   * "30 seconds", "1 hour"), as a Duration.
   */
  public static Duration duration(String interval) {
    String[] parts = interval.trim().split("\\s+");
    if (parts.length != 2 || !parts[0].matches("\\d+")) {
      throw new IllegalArgumentException("not a duration: '" + interval + "'");
    }
    long n = Long.parseLong(parts[0]);
    String unit = parts[1].toLowerCase(java.util.Locale.ROOT);
    return unit.startsWith("millisecond") ? Duration.ofMillis(n)
        : unit.startsWith("second") ? Duration.ofSeconds(n)
        : unit.startsWith("minute") ? Duration.ofMinutes(n)
        : unit.startsWith("hour") ? Duration.ofHours(n)
        : unit.startsWith("day") ? Duration.ofDays(n)
        : unit.startsWith("week") ? Duration.ofDays(7 * n)
        : failDuration(interval);
  }

  private static Duration failDuration(String interval) {
    throw new IllegalArgumentException("not a duration: '" + interval + "'");
  }

  /** The checkpoint location of one query. */
  public String checkpointDir(String queryName) {
    String root = checkpointRoot != null
        ? checkpointRoot
        : dataDir.resolve("checkpoints").toString();
    return root.endsWith("/") ? root + queryName : root + "/" + queryName;
  }
}
