package io.trendstream.pipeline.sink;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import io.trendstream.pipeline.DurableSink;
import io.trendstream.pipeline.RejectWriter;
import io.trendstream.pipeline.SinkContext;
import io.trendstream.pipeline.TrendQueries;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-letter queue: every Kafka record of the posts topic that is not a post
 * ({@link TrendQueries#malformed}) is copied to {@value #TOPIC} by the query {@value #QUERY},
 * so bad input never stops the job and is never silently lost. The CLI puts it first into
 * {@link io.trendstream.pipeline.StreamConfig#sinks}; the job itself knows no sink by name.
 *
 * <p>Record shape: key and value are the original bytes, unchanged (a fixed record can be
 * produced back to the posts topic as it is); where it came from and why it was rejected are
 * UTF-8 Kafka headers: {@value #REASON_HEADER} (one of TrendQueries' reasons),
 * {@value #TOPIC_HEADER}, {@value #PARTITION_HEADER}, {@value #OFFSET_HEADER} (decimal) and
 * {@value #TIMESTAMP_HEADER} (the record's Kafka timestamp, ISO-8601 with offset, in the
 * session time zone: UTC by default).
 *
 * <p>With the store's one live query ({@link #rejectWriter}) the records come from that
 * query's own parse and its tasks write them ({@link DeadLetterWriter}); with any other sink the
 * sink runs a query of its own, which reads and parses every record again.
 *
 * <p>At-least-once: a batch replayed after a crash writes its dead letters again (Spark's Kafka
 * sink as the writer's tasks), so a record can appear twice; (topic, partition, offset)
 * identifies it.
 */
public final class DeadLetterSink implements DurableSink {
  public static final String TOPIC = "tweets-dlq";
  public static final String QUERY = "dead_letters";
  public static final String REASON_HEADER = "trendstream.reason";
  public static final String TOPIC_HEADER = "trendstream.source.topic";
  public static final String PARTITION_HEADER = "trendstream.source.partition";
  public static final String OFFSET_HEADER = "trendstream.source.offset";
  public static final String TIMESTAMP_HEADER = "trendstream.source.timestamp";
  /** Partitions of the topic when this sink creates it. */
  public static final int PARTITIONS = 1;

  private static final Logger LOG = LoggerFactory.getLogger(DeadLetterSink.class);

  private final String topic;
  /** The {@link DeadLetterWriter} handed out since the last close, if any. */
  private volatile String writer;

  public DeadLetterSink(String topic) {
    this.topic = topic;
  }

  /** The live query's tasks write the dead letters: no second read and parse of the topic. */
  @Override
  public RejectWriter rejectWriter(SinkContext context) {
    if (!hasKafkaCoordinates(context.records())) {
      return null;  // start() says why there is nothing to do
    }
    var config = context.config();
    KafkaTopics.ensure(config.bootstrapServers, config.kafkaProperties, topic, PARTITIONS,
        Map.of());
    close();
    writer = UUID.randomUUID().toString();
    return new DeadLetterWriter(writer, topic, config.bootstrapServers, config.kafkaProperties,
        context.records().sparkSession().conf().get("spark.sql.session.timeZone"));
  }

  @Override
  public void close() {
    String w = writer;
    if (w != null) {
      writer = null;
      DeadLetterWriter.close(w);
    }
  }

  @Override
  public String describe() {
    return "dead letters to " + topic;
  }

  /** No query at all when the source has no Kafka partition/offset (a memory stream). */
  @Override
  public List<StreamingQuery> start(SinkContext context) throws TimeoutException {
    if (!hasKafkaCoordinates(context.records())) {
      LOG.info("the source has no Kafka partition/offset: no dead-letter query");
      return List.of();
    }
    var config = context.config();
    KafkaTopics.ensure(config.bootstrapServers, config.kafkaProperties, topic, PARTITIONS,
        Map.of());
    Dataset<Row> bad = TrendQueries.malformed(
        context.records(), config.eventTime, config.maxValueBytes);
    // Only key, value and headers: a topic or partition column would steer Spark's Kafka sink.
    Dataset<Row> letters = bad.select(
        col("key"),
        col("value"),
        // The same headers as DeadLetterWriter's.
        array(
            header(REASON_HEADER, col(TrendQueries.REASON)),
            header(TOPIC_HEADER, col("topic")),
            header(PARTITION_HEADER, col("partition").cast("string")),
            header(OFFSET_HEADER, col("offset").cast("string")),
            header(TIMESTAMP_HEADER,
                date_format(col("timestamp"), DeadLetterWriter.TIMESTAMP_PATTERN)))
            .as("headers"));
    return List.of(context.writer(QUERY, letters, OutputMode.Append())
        .format("kafka")
        .options(context.kafkaOptions())
        .option("topic", topic)
        .start());
  }

  private static boolean hasKafkaCoordinates(Dataset<Row> records) {
    List<String> columns = Arrays.asList(records.columns());
    return columns.containsAll(List.of("key", "value", "topic", "partition", "offset"));
  }

  private static Column header(String name, Column value) {
    return struct(lit(name).as("key"), value.cast("binary").as("value"));
  }
}
