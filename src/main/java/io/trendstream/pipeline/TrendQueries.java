package io.trendstream.pipeline;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.window;

import io.trendstream.post.PostSchema;
import java.util.Arrays;
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
 * (the nine {@link PostSchema} fields + {@code event_time} timestamp; the counts read the
 * leaner {@link #texts}: {@code text}, {@code event_time}) → {@link #words}
 * ({@code word}, {@code event_time}) → {@link #wordCounts} ({@code word}, {@code count}) or
 * {@link #windowedWordCounts} ({@code window_start}, {@code window_end}, {@code word},
 * {@code count}).
 *
 * <p>Every Kafka record is either a post or malformed, never both: {@link #malformed} gives the
 * rest, with the original columns and a {@value #REASON} ({@value #OVERSIZED},
 * {@value #INVALID_UTF8}, {@value #NOT_JSON}, {@value #WRONG_TYPE}, {@value #MISSING_TEXT},
 * {@value #BAD_CREATED_AT}). Both carry the observed metrics {@value #INPUT_METRICS}
 * ({@value #RECORDS}, {@value #MALFORMED}) for the query progress. What counts as a post is
 * defined once, by {@link PostFields#read}.
 */
public final class TrendQueries {
  public static final String EVENT_TIME = "event_time";
  public static final String WORD = "word";
  public static final String COUNT = "count";
  public static final String WINDOW_START = "window_start";
  public static final String WINDOW_END = "window_end";
  /** Why a record is not a post: a column of {@link #malformed}'s rows. */
  public static final String REASON = "reason";
  public static final String OVERSIZED = "oversized";
  public static final String INVALID_UTF8 = "invalid_utf8";
  /** Not JSON, or JSON but not an object. */
  public static final String NOT_JSON = "not_json";
  /** A field of {@link PostSchema} holds the wrong JSON type, e.g. a number as {@code text}. */
  public static final String WRONG_TYPE = "wrong_type";
  public static final String MISSING_TEXT = "missing_text";
  /** {@code created_at} missing or unparseable, with {@link EventTime#CREATED_AT}. */
  public static final String BAD_CREATED_AT = "bad_created_at";
  /** Name of the observed metrics each query over posts or malformed records reports. */
  public static final String INPUT_METRICS = "input";
  /** Records read in the batch. */
  public static final String RECORDS = "records";
  /** Records of the batch that were not posts. */
  public static final String MALFORMED = "malformed";
  /** Larger Kafka values are not parsed but sent to the dead letters (a v1.1 tweet is ~5 KB). */
  public static final int DEFAULT_MAX_VALUE_BYTES = 256 * 1024;

  private static final String POST = "post";
  private static final String CREATED_AT_MICROS = "created_at_micros";

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
   * Kafka records to posts: the nine {@link PostSchema} fields and {@code event_time}. Records
   * that are not posts are dropped here; {@link #malformed} selects exactly those.
   */
  public static Dataset<Row> posts(Dataset<Row> kafkaRecords, EventTime eventTime) {
    return posts(kafkaRecords, eventTime, DEFAULT_MAX_VALUE_BYTES);
  }

  /** As {@link #posts(Dataset, EventTime)}, with values over {@code maxValueBytes} malformed. */
  public static Dataset<Row> posts(
      Dataset<Row> kafkaRecords, EventTime eventTime, int maxValueBytes) {
    Column[] fields = Arrays.stream(PostSchema.SCHEMA.fieldNames())
        .map(f -> col(POST + "." + f).as(f))
        .toArray(Column[]::new);
    return classified(kafkaRecords, eventTime, maxValueBytes, true, false)
        .where(col(REASON).isNull())
        .select(concat(fields, col(EVENT_TIME)));
  }

  /**
   * The posts of {@link #posts}, only the columns the counts need: ({@code text},
   * {@code event_time}). The same records pass; only {@code text} is copied out of the value.
   */
  public static Dataset<Row> texts(
      Dataset<Row> kafkaRecords, EventTime eventTime, int maxValueBytes) {
    return classified(kafkaRecords, eventTime, maxValueBytes, false, false)
        .where(col(REASON).isNull())
        .select(col(POST + "." + PostSchema.TEXT).as(PostSchema.TEXT), col(EVENT_TIME));
  }

  /**
   * The Kafka records {@link #posts} drops: the input's own columns (for Kafka: key, value,
   * topic, partition, offset, timestamp, ...) plus {@value #REASON}.
   */
  public static Dataset<Row> malformed(
      Dataset<Row> kafkaRecords, EventTime eventTime, int maxValueBytes) {
    Column[] input = Arrays.stream(kafkaRecords.columns()).map(c -> col(c)).toArray(Column[]::new);
    return classified(kafkaRecords, eventTime, maxValueBytes, false, true)
        .where(col(REASON).isNotNull())
        .select(concat(input, col(REASON)));
  }

  /** {@link #malformed} with the default size limit. */
  public static Dataset<Row> malformed(Dataset<Row> kafkaRecords, EventTime eventTime) {
    return malformed(kafkaRecords, eventTime, DEFAULT_MAX_VALUE_BYTES);
  }

  /**
   * {@code post} (what {@link PostFields#read} made of {@code value}), {@code event_time} and
   * the {@value #REASON} the record is not a post (null for posts), observed as
   * {@value #INPUT_METRICS}; with {@code keepInput} the input's columns too.
   */
  private static Dataset<Row> classified(Dataset<Row> kafkaRecords, EventTime eventTime,
      int maxValueBytes, boolean allFields, boolean keepInput) {
    // Binary from Kafka; tests may hand in strings.
    Column post = reader(maxValueBytes, eventTime, allFields)
        .apply(col("value").cast("binary"))
        .as(POST);
    Column time = eventTime == EventTime.KAFKA
        ? col("timestamp")
        : timestamp_micros(col(POST + "." + CREATED_AT_MICROS));
    Dataset<Row> read = keepInput
        ? kafkaRecords.select(col("*"), post)
        : kafkaRecords.select(post, col("timestamp"));
    return read
        .withColumn(EVENT_TIME, time)
        // A record without a Kafka timestamp has no time to be windowed by either.
        .withColumn(REASON, coalesce(col(POST + "." + REASON),
            when(col(EVENT_TIME).isNull(), lit(BAD_CREATED_AT))))
        .observe(INPUT_METRICS, count(lit(1)).as(RECORDS), count(col(REASON)).as(MALFORMED));
  }

  /**
   * {@link PostFields#read} as a Spark function of the value bytes: a struct of
   * {@value #REASON}, the post's fields (all of them, or only {@code text}) and
   * {@value #CREATED_AT_MICROS}. Marked nondeterministic only so that the optimizer keeps it
   * where it is: a deterministic one is copied into every filter pushed below it and then runs
   * once per use (profiled: three parses per record with {@code from_json}).
   */
  private static UserDefinedFunction reader(
      int maxValueBytes, EventTime eventTime, boolean allFields) {
    boolean createdAtTime = eventTime == EventTime.CREATED_AT;
    StructType type = new StructType().add(REASON, DataTypes.StringType);
    type = allFields
        ? Arrays.stream(PostSchema.SCHEMA.fields()).reduce(type, StructType::add, (a, b) -> a)
        : type.add(PostSchema.TEXT, DataTypes.StringType);
    type = type.add(CREATED_AT_MICROS, DataTypes.LongType);
    return udf((UDF1<byte[], Row>) value -> {
      PostFields.Post p = PostFields.read(value, maxValueBytes, allFields, createdAtTime);
      return allFields
          ? RowFactory.create(p.reason, p.createdAt, p.id, p.idStr, p.text, p.retweetCount,
              p.favoriteCount, p.favorited, p.retweeted, p.lang, p.createdAtMicros)
          : RowFactory.create(p.reason, p.text, p.createdAtMicros);
    }, type).asNondeterministic();
  }

  private static Column[] concat(Column[] first, Column last) {
    Column[] all = Arrays.copyOf(first, first.length + 1);
    all[first.length] = last;
    return all;
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
   * Count per word per sliding event-time window over {@link #posts} (any rows with
   * {@code text} and {@code event_time}). Rows older than the watermark are dropped
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
