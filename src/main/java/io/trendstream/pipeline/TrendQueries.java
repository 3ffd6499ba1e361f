package io.trendstream.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.window;

import io.trendstream.post.PostSchema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The streaming queries as pure functions from Dataset to Dataset: the job wires them between a
 * source and a sink, and tests call the same functions over memory streams.
 *
 * <p>Record shapes: Kafka rows ({@code value} binary, {@code timestamp}) → {@link #posts} rows
 * (the nine {@link PostSchema} fields + {@code event_time} timestamp) → {@link #words}
 * ({@code word}, {@code event_time}) → {@link #wordCounts} ({@code word}, {@code count}) or
 * {@link #windowedWordCounts} ({@code window_start}, {@code window_end}, {@code word},
 * {@code count}).
 */
public final class TrendQueries {
  public static final String EVENT_TIME = "event_time";
  public static final String WORD = "word";
  public static final String COUNT = "count";
  public static final String WINDOW_START = "window_start";
  public static final String WINDOW_END = "window_end";

  private static final UserDefinedFunction WORDS_UDF =
      udf((UDF1<String, String[]>) Tokenizer::wordsArray,
          DataTypes.createArrayType(DataTypes.StringType, false))
          .asNonNullable();

  private TrendQueries() {}

  /** Which clock the windows use. */
  public enum EventTime {
    /** The post's own {@code created_at}. */
    CREATED_AT,
    /** When Kafka received the record, as the original demo did. */
    KAFKA;

    public static EventTime of(String name) {
      switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "created_at":
          return CREATED_AT;
        case "kafka":
          return KAFKA;
        default:
          throw new IllegalArgumentException(
              "unknown event time '" + name + "' (expected: created_at, kafka)");
      }
    }
  }

  /**
   * Kafka records to posts. Values that are not posts (not JSON, no text, unparseable
   * created_at) are dropped here; {@link #malformed} selects them for counting.
   */
  public static Dataset<Row> posts(Dataset<Row> kafkaRecords, EventTime eventTime) {
    return parsed(kafkaRecords, eventTime)
        .where(isPost())
        .drop("kafka_timestamp");
  }

  /** The Kafka records {@link #posts} drops, with their raw value. */
  public static Dataset<Row> malformed(Dataset<Row> kafkaRecords, EventTime eventTime) {
    return parsed(kafkaRecords, eventTime).where(isPost().unary_$bang());
  }

  private static Column isPost() {
    return col(PostSchema.TEXT).isNotNull().and(col(EVENT_TIME).isNotNull());
  }

  private static Dataset<Row> parsed(Dataset<Row> kafkaRecords, EventTime eventTime) {
    Column json = from_json(col("value").cast("string"), PostSchema.SCHEMA);
    Column time = eventTime == EventTime.KAFKA
        ? col("kafka_timestamp")
        // try_: with ANSI on, one bad created_at would otherwise fail the whole query.
        : try_to_timestamp(substring(col(PostSchema.CREATED_AT), 5, 64),
            lit(PostSchema.EVENT_TIME_PATTERN));
    return kafkaRecords
        .select(json.as("post"), col("timestamp").as("kafka_timestamp"))
        .select(col("post.*"), col("kafka_timestamp"))
        .withColumn(EVENT_TIME, time);
  }

  /** One row per token: ({@code word}, {@code event_time}). */
  public static Dataset<Row> words(Dataset<Row> posts, Tokenizer tokenizer) {
    Column tokens = tokenizer == Tokenizer.WHITESPACE
        ? split(col(PostSchema.TEXT), " ")
        : WORDS_UDF.apply(col(PostSchema.TEXT));
    return posts.select(explode(tokens).as(WORD), col(EVENT_TIME));
  }

  /** Running count per word since the stream began; for complete output mode. */
  public static Dataset<Row> wordCounts(Dataset<Row> posts, Tokenizer tokenizer) {
    return words(posts, tokenizer)
        .groupBy(WORD)
        .count();
  }

  /**
   * Count per word per sliding event-time window. Rows older than the watermark are dropped
   * (Spark reports them as {@code numRowsDroppedByWatermark}); for update output mode.
   *
   * @param windowDuration e.g. {@code 10 minutes}
   * @param slideDuration e.g. {@code 5 minutes}
   * @param watermark how late a post may be, e.g. {@code 10 minutes}
   */
  public static Dataset<Row> windowedWordCounts(
      Dataset<Row> posts, Tokenizer tokenizer, String windowDuration, String slideDuration,
      String watermark) {
    return words(posts, tokenizer)
        .withWatermark(EVENT_TIME, watermark)
        .groupBy(window(col(EVENT_TIME), windowDuration, slideDuration), col(WORD))
        .count()
        .select(
            col("window.start").as(WINDOW_START),
            col("window.end").as(WINDOW_END),
            col(WORD),
            col(COUNT));
  }
}
