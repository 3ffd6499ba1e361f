package io.trendstream.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.is_valid_utf8;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.schema_of_variant;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.try_parse_json;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.variant_get;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.window;

import io.trendstream.post.PostSchema;
import java.util.Arrays;
import java.util.Map;
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
 * <p>Every Kafka record is either a post or malformed, never both: {@link #malformed} gives the
 * rest, with the original columns and a {@value #REASON} ({@value #OVERSIZED},
 * {@value #INVALID_UTF8}, {@value #NOT_JSON}, {@value #WRONG_TYPE}, {@value #MISSING_TEXT},
 * {@value #BAD_CREATED_AT}). Both carry the observed metrics {@value #INPUT_METRICS}
 * ({@value #RECORDS}, {@value #MALFORMED}) for the query progress.
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
  private static final String CORRUPT = "_corrupt_record";
  /** The post schema plus the column Spark fills when a value does not match it. */
  private static final StructType PARSE_SCHEMA =
      PostSchema.SCHEMA.add(CORRUPT, DataTypes.StringType);
  private static final Map<String, String> PARSE_OPTIONS =
      Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT);
  /**
   * Spark turns a non-string {@code text} into its JSON text, so only a text that looks like a
   * JSON number, boolean, object or array is re-checked (a second parse) for its real type.
   */
  private static final String MAYBE_NOT_A_STRING = "^(-?[0-9]|[\\[{]|true$|false$)";

  private static final UserDefinedFunction WORDS_UDF =
      udf((UDF1<String, String[]>) Tokenizer::wordsArray,
          DataTypes.createArrayType(DataTypes.StringType, false))
          .asNonNullable();



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
    return classified(kafkaRecords, eventTime, maxValueBytes)
        .where(col(REASON).isNull())
        .select(concat(fields, col(EVENT_TIME)));
  }

  /**
   * The Kafka records {@link #posts} drops: the input's own columns (for Kafka: key, value,
   * topic, partition, offset, timestamp, ...) plus {@value #REASON}.
   */
  public static Dataset<Row> malformed(
      Dataset<Row> kafkaRecords, EventTime eventTime, int maxValueBytes) {
    Column[] input = Arrays.stream(kafkaRecords.columns()).map(c -> col(c)).toArray(Column[]::new);
    return classified(kafkaRecords, eventTime, maxValueBytes)
        .where(col(REASON).isNotNull())
        .select(concat(input, col(REASON)));
  }

  /** {@link #malformed} with the default size limit. */
  public static Dataset<Row> malformed(Dataset<Row> kafkaRecords, EventTime eventTime) {
    return malformed(kafkaRecords, eventTime, DEFAULT_MAX_VALUE_BYTES);
  }

  /**
   * The input's columns plus the parsed {@code post}, {@code event_time} and the
   * {@value #REASON} it is not a post (null for posts), observed as {@value #INPUT_METRICS}.
   * Checks run cheapest first and the JSON parse only on values that passed the byte checks.
   */
  private static Dataset<Row> classified(
      Dataset<Row> kafkaRecords, EventTime eventTime, int maxValueBytes) {
    Column string = col("value").cast("string");
    Column fits = octet_length(col("value")).leq(maxValueBytes);
    Column utf8 = is_valid_utf8(string);
    Column json = when(fits.and(utf8), from_json(string, PARSE_SCHEMA, PARSE_OPTIONS));
    Column time = eventTime == EventTime.KAFKA
        ? col("timestamp")
        // try_: with ANSI on, one bad created_at would otherwise fail the whole query.
        : try_to_timestamp(substring(col(POST + "." + PostSchema.CREATED_AT), 5, 64),
            lit(PostSchema.EVENT_TIME_PATTERN));
    Column text = col(POST + "." + PostSchema.TEXT);
    Column realTextType = schema_of_variant(variant_get(try_parse_json(string), "$.text",
        "variant"));
    Column reason = when(fits.unary_$bang(), OVERSIZED)
        .when(utf8.unary_$bang(), INVALID_UTF8)
        .when(col(POST).isNull(), NOT_JSON)
        .when(col(POST + "." + CORRUPT).isNotNull(),
            when(schema_of_variant(try_parse_json(string)).startsWith("OBJECT"), WRONG_TYPE)
                .otherwise(NOT_JSON))
        .when(text.isNull(), MISSING_TEXT)
        .when(text.rlike(MAYBE_NOT_A_STRING).and(realTextType.notEqual("STRING")), WRONG_TYPE)
        .when(col(EVENT_TIME).isNull(), BAD_CREATED_AT);
    return kafkaRecords
        .select(col("*"), json.as(POST))
        .withColumn(EVENT_TIME, time)
        .withColumn(REASON, reason)
        .observe(INPUT_METRICS, count(lit(1)).as(RECORDS), count(col(REASON)).as(MALFORMED));
  }

  private static Column[] concat(Column[] first, Column last) {
    Column[] all = Arrays.copyOf(first, first.length + 1);
    all[first.length] = last;
    return all;
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
