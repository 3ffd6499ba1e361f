package io.trendstream.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.Trigger;

/**
 * What the streaming job hands a {@link DurableSink}: the Kafka records, the posts parsed from
 * them, the count queries as functions of those, and writers already named and checkpointed
 * the way the job names and checkpoints its own queries.
 */
public final class SinkContext {
  private final StreamConfig config;
  private final Dataset<Row> records;
  private final Dataset<Row> posts;

  /**
   * @param records Kafka-shaped rows ({@code key}, {@code value}, {@code topic},
   *     {@code partition}, {@code offset}, {@code timestamp}, ...)
   * @param posts {@link TrendQueries#posts} of those records
   */
  public SinkContext(StreamConfig config, Dataset<Row> records, Dataset<Row> posts) {
    this.config = config;
    this.records = records;
    this.posts = posts;
  }

  public StreamConfig config() {
    return config;
  }

  public Dataset<Row> records() {
    return records;
  }

  public Dataset<Row> posts() {
    return posts;
  }

  /** Running count per word, the job's own query: ({@code word}, {@code count}). */
  public Dataset<Row> wordCounts() {
    return StreamingJob.wordCounts(records, config);
  }

  /** Count per word per window: ({@code window_start}, {@code window_end}, word, count). */
  public Dataset<Row> windowedWordCounts() {
    return StreamingJob.windowedWordCounts(records, config);
  }

  /** The query's full name: the job's prefix (tests) + {@code name}. */
  public String queryName(String name) {
    return config.queryNamePrefix + name;
  }

  /**
   * {@code result.writeStream()} named, in {@code mode}, checkpointed under the data dir, on
   * the side trigger ({@link StreamConfig#sideTrigger}).
   */
  public DataStreamWriter<Row> writer(String name, Dataset<Row> result, OutputMode mode) {
    String full = queryName(name);
    return result.writeStream()
        .queryName(full)
        .outputMode(mode)
        .option("checkpointLocation", config.checkpointDir(full))
        .trigger(Trigger.ProcessingTime(config.sideTrigger.toMillis()));
  }

  /** Options for Spark's Kafka sink: the broker and every extra client setting. */
  public Map<String, String> kafkaOptions() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("kafka.bootstrap.servers", config.bootstrapServers);
    config.kafkaProperties.forEach((k, v) -> options.put("kafka." + k, v));
    return options;
  }
}
