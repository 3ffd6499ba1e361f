package io.trendstream.pipeline;

import io.trendstream.pipeline.TrendQueries.EventTime;
import io.trendstream.post.Post;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
   * Options of Spark's Kafka source itself (e.g. {@code maxOffsetsPerTrigger},
   * {@code minPartitions}), applied after the job's own, so they win.
   */
  public Map<String, String> sourceOptions = new LinkedHashMap<>();

  public Path checkpointDir(String queryName) {
    return dataDir.resolve("checkpoints").resolve(queryName);
  }
}
