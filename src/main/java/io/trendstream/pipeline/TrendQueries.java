package io.trendstream.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.window;

import io.trendstream.post.PostSchema;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The streaming queries as pure functions from Dataset to Dataset: the job wires them between a
 * source and a sink, and tests call the same functions over memory streams.
 *
 * <p>Record shapes: Kafka rows ({@code value} binary, {@code timestamp}) → {@link #posts} rows
 * (the nine {@link PostSchema} fields + {@code event_time} timestamp) → {@link #words}
 * ({@code word}, {@code event_time}) → {@link #wordCounts} ({@code word}, {@code count}) or
 * {@link #windowedWordCounts} ({@code window_start}, {@code window_end}, {@code word},
 * {@code count}).
 *
 * <p>The count queries read only the fields they need, straight from the record bytes:
 * {@link #texts} ({@code text}) for the running count, {@link #timedTexts} ({@code text},
 * {@code event_time}) for the windowed one. The counts accept either those or {@link #posts}.
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

  /** Parsed once per record, from bytes; no filter sits above it, so it is not copied. */
  private static final UserDefinedFunction TEXT_UDF =
      udf((UDF1<byte[], String>) PostFields::text, DataTypes.StringType);

  private static final String CREATED_AT_MICROS = "created_at_micros";
  private static final StructType TEXT_AND_CREATED_AT = new StructType()
      .add(PostSchema.TEXT, DataTypes.StringType)
      .add(CREATED_AT_MICROS, DataTypes.LongType);

  /**
   * (text, created_at as epoch microseconds). Marked nondeterministic only so the optimizer
   * cannot copy it into the filter on its fields: a deterministic expression is inlined into
   * each pushed-down predicate and runs once per use (measured: three parses per record).
   */
  private static final UserDefinedFunction TEXT_AND_CREATED_AT_UDF =
      udf((UDF1<byte[], Row>) v -> {
        String[] f = PostFields.textAndCreatedAt(v);
        return f == null ? null : RowFactory.create(f[0], PostFields.createdAtMicros(f[1]));
      }, TEXT_AND_CREATED_AT)
          .asNondeterministic();

  private static final UserDefinedFunction CREATED_AT_MICROS_UDF =
      udf((UDF1<String, Long>) PostFields::createdAtMicros, DataTypes.LongType);

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
        : twitterTime(col(PostSchema.CREATED_AT));
    return kafkaRecords
        .select(json.as("post"), col("timestamp").as("kafka_timestamp"))
        .select(col("post.*"), col("kafka_timestamp"))
        .withColumn(EVENT_TIME, time);
  }

  /**
   * Kafka records to the one field the running count needs: ({@code text}), null for values
   * that are not JSON objects with a text (they count no words). Unlike {@link #posts}, a
   * record with a text but no valid {@code created_at} counts: the running count has no use
   * for time.
   */
  public static Dataset<Row> texts(Dataset<Row> kafkaRecords) {
    return kafkaRecords.select(TEXT_UDF.apply(col("value").cast("binary")).as(PostSchema.TEXT));
  }

  /**
   * Kafka records to ({@code text}, {@code event_time}) for the windowed count, dropping the
   * records {@link #posts} drops (no text, or no valid event time).
   */
  public static Dataset<Row> timedTexts(Dataset<Row> kafkaRecords, EventTime eventTime) {
    Column time = eventTime == EventTime.KAFKA
        ? col("kafka_timestamp")
        : timestamp_micros(col("f." + CREATED_AT_MICROS));
    return kafkaRecords
        .select(TEXT_AND_CREATED_AT_UDF.apply(col("value").cast("binary")).as("f"),
            col("timestamp").as("kafka_timestamp"))
        .select(col("f." + PostSchema.TEXT).as(PostSchema.TEXT), time.as(EVENT_TIME))
        .where(isPost());
  }

  /**
   * Twitter's {@code created_at} ({@code Tue Mar 13 03:49:58 +0000 2018}) to a timestamp; null
   * unless it has that shape. The same results as Spark's parser with
   * {@link PostSchema#EVENT_TIME_PATTERN} on the text after the day of week, for a fraction of
   * its cost ({@link PostFields#createdAtMicros}).
   */
  public static Column twitterTime(Column createdAt) {
    return timestamp_micros(CREATED_AT_MICROS_UDF.apply(createdAt));
  }

  /** One row per token: ({@code word}, {@code event_time}). */
  public static Dataset<Row> words(Dataset<Row> posts, Tokenizer tokenizer) {
    return posts.select(explode(tokens(tokenizer)).as(WORD), col(EVENT_TIME));
  }

  /**
   * Running count per word since the stream began; for complete output mode.
   *
   * @param texts anything with a {@code text} column: {@link #texts} or {@link #posts}
   */
  public static Dataset<Row> wordCounts(Dataset<Row> texts, Tokenizer tokenizer) {
    return texts.select(explode(tokens(tokenizer)).as(WORD))
        .groupBy(WORD)
        .count();
  }

  private static Column tokens(Tokenizer tokenizer) {
    return tokenizer == Tokenizer.WHITESPACE
        ? split(col(PostSchema.TEXT), " ")
        : WORDS_UDF.apply(col(PostSchema.TEXT));
  }

  /**
   * Count per word per sliding event-time window ({@code posts}: {@link #timedTexts} or
   * {@link #posts}). Rows older than the watermark are dropped
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
