package io.trendstream.pipeline.sink;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import io.trendstream.pipeline.DurableSink;
import io.trendstream.pipeline.SinkContext;
import io.trendstream.pipeline.TrendQueries;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * {@code --sink kafka}: the running and the windowed word counts as changelogs on compacted
 * topics, through Spark's Kafka sink, as two queries.
 *
 * <ul>
 *   <li>{@value #WORD_COUNTS_QUERY} → topic {@value #WORD_COUNTS_TOPIC}: key the word (UTF-8),
 *       value {@code {"word":"kafka","count":42}}.
 *   <li>{@value #WINDOWED_QUERY} → topic {@value #WINDOWED_TOPIC}: key
 *       {@code {"window_start":…,"window_end":…,"word":…}}, value the row
 *       {@code {"window_start":"2026-11-24T10:00:00Z","window_end":"2026-11-24T10:10:00Z",
 *       "word":"kafka","count":7}} (ISO-8601, UTC).
 * </ul>
 *
 * Each record is a key's current count, not an increment: a reader keeps the latest value per
 * key, and so does compaction. Spark's Kafka sink is at-least-once, so a batch replayed after a
 * crash writes its rows again; they carry the same counts, so the latest value stays exact.
 */
public final class KafkaCountSink implements DurableSink {
  public static final String WORD_COUNTS_TOPIC = "word-counts";
  public static final String WINDOWED_TOPIC = "windowed-word-counts";
  public static final String WORD_COUNTS_QUERY = "word_counts_kafka";
  public static final String WINDOWED_QUERY = "windowed_word_counts_kafka";
  /** Partitions of a topic this sink creates; an existing topic keeps its own. */
  public static final int PARTITIONS = 1;
  /** ISO-8601 in UTC whatever the session time zone, like the HTTP API's timestamps. */
  static final Map<String, String> JSON_OPTIONS =
      Map.of("timestampFormat", "yyyy-MM-dd'T'HH:mm:ssXXX", "timeZone", "UTC");

  private final String wordCountsTopic;
  private final String windowedTopic;

  public KafkaCountSink() {
    this(WORD_COUNTS_TOPIC, WINDOWED_TOPIC);
  }

  /** Other topic names, for tests that share a broker. */
  public KafkaCountSink(String wordCountsTopic, String windowedTopic) {
    this.wordCountsTopic = wordCountsTopic;
    this.windowedTopic = windowedTopic;
  }

  @Override
  public String describe() {
    return "kafka (topics " + wordCountsTopic + ", " + windowedTopic + ")";
  }

  @Override
  public List<StreamingQuery> start(SinkContext context) throws TimeoutException {
    var config = context.config();
    for (String topic : List.of(wordCountsTopic, windowedTopic)) {
      KafkaTopics.ensure(config.bootstrapServers, config.kafkaProperties, topic, PARTITIONS,
          KafkaTopics.COMPACTED);
    }
    Column word = col(TrendQueries.WORD);
    Dataset<Row> counts = context.wordCounts()
        .select(word.as("key"), to_json(struct(col("*")), JSON_OPTIONS).as("value"));
    Dataset<Row> windowed = context.windowedWordCounts()
        .select(
            to_json(struct(col(TrendQueries.WINDOW_START), col(TrendQueries.WINDOW_END), word),
                JSON_OPTIONS).as("key"),
            to_json(struct(col("*")), JSON_OPTIONS).as("value"));
    // Update mode for both: each batch writes only the keys whose count changed, and the
    // latest record per key is the current count. Complete would rewrite every word each
    // batch; append would hold each window back until the watermark passes its end (window
    // + watermark, 20 minutes by default) and cannot emit a running count at all.
    return List.of(
        start(context, WORD_COUNTS_QUERY, counts, wordCountsTopic),
        start(context, WINDOWED_QUERY, windowed, windowedTopic));
  }

  private static StreamingQuery start(
      SinkContext context, String name, Dataset<Row> rows, String topic)
      throws TimeoutException {
    return context.writer(name, rows, OutputMode.Update())
        .format("kafka")
        .options(context.kafkaOptions())
        .option("topic", topic)
        .start();
  }
}
