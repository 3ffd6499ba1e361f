package io.trendstream.pipeline;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.timestamp_seconds;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.window;

import io.trendstream.post.PostSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
 * leaner {@link #tokenized}: {@value #TOKENS}, {@code event_time}) → {@link #words}
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
  /** Every {@value #REASON}; each is also a count of {@value #INPUT_METRICS}, for /metrics. */
  public static final List<String> REASONS = List.of(
      OVERSIZED, INVALID_UTF8, NOT_JSON, WRONG_TYPE, MISSING_TEXT, BAD_CREATED_AT);
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
  /** A post's tokens, an array of strings: a column of {@link #tokenized}. */
  public static final String TOKENS = "tokens";

  private static final UserDefinedFunction WORDS_UDF =
      udf((UDF1<String, String[]>) Tokenizer.WORDS::tokenArray,
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
    return classified(kafkaRecords, eventTime, maxValueBytes, null, true, false)
        .where(col(REASON).isNull())
        .select(concat(postFields(), col(EVENT_TIME)));
  }

  /**
   * The posts of {@link #posts}, as the counts need them: ({@value #TOKENS} the text's tokens,
   * {@code event_time}). The same records pass; the text is tokenized in the same pass that
   * reads it from the value, never copied into a Spark string in between.
   */
  public static Dataset<Row> tokenized(Dataset<Row> kafkaRecords, EventTime eventTime,
      int maxValueBytes, Tokenizer tokenizer) {
    return classified(kafkaRecords, eventTime, maxValueBytes, tokenizer, false, false)
        .where(col(REASON).isNull())
        .select(col(POST + "." + TOKENS).as(TOKENS), col(EVENT_TIME));
  }

  /**
   * The posts of {@link #posts} with their {@value #TOKENS} as the last column: what the three
   * live tables need, from one parse of each record (the posts table takes the fields, the
   * counts the tokens and {@code event_time}).
   */
  public static Dataset<Row> tokenizedPosts(Dataset<Row> kafkaRecords, EventTime eventTime,
      int maxValueBytes, Tokenizer tokenizer) {
    return classified(kafkaRecords, eventTime, maxValueBytes, tokenizer, true, false)
        .where(col(REASON).isNull())
        .select(tokenizedPostColumns());
  }

  /** The columns of {@link #tokenizedPosts}: post fields, {@code event_time}, tokens. */
  private static Column[] tokenizedPostColumns() {
    return concat(concat(postFields(), col(EVENT_TIME)), col(POST + "." + TOKENS).as(TOKENS));
  }

  /**
   * The last column of {@link #tokenizedPostsAndRejects}: null for a post; for any other record
   * a struct of its {@link #REJECTED_FIELDS} and {@value #REASON}.
   */
  public static final String REJECTED = "rejected";
  /** The Kafka columns a {@value #REJECTED} struct keeps of its record, in order. */
  public static final List<String> REJECTED_FIELDS =
      List.of("key", "value", "topic", "partition", "offset", "timestamp");

  /**
   * {@link #tokenizedPosts} without dropping anything: every Kafka record of the input, the
   * posts as there, and the records that are not posts with their own columns in the last one,
   * {@value #REJECTED} (the fields of a post are null there, its tokens too). For a sink that
   * writes both from one parse; the input must have the {@link #REJECTED_FIELDS}.
   */
  public static Dataset<Row> tokenizedPostsAndRejects(Dataset<Row> kafkaRecords,
      EventTime eventTime, int maxValueBytes, Tokenizer tokenizer) {
    List<Column> rejected = new ArrayList<>();
    REJECTED_FIELDS.forEach(f -> rejected.add(col(f)));
    rejected.add(col(REASON));
    return classified(kafkaRecords, eventTime, maxValueBytes, tokenizer, true, true)
        .select(concat(tokenizedPostColumns(), when(col(REASON).isNotNull(),
            struct(rejected.toArray(Column[]::new))).as(REJECTED)));
  }

  /** The {@link PostSchema} fields of the parsed {@code post} struct, as top-level columns. */
  private static Column[] postFields() {
    return Arrays.stream(PostSchema.SCHEMA.fieldNames())
        .map(f -> col(POST + "." + f).as(f))
        .toArray(Column[]::new);
  }

  /**
   * The Kafka records {@link #posts} drops: the input's own columns (for Kafka: key, value,
   * topic, partition, offset, timestamp, ...) plus {@value #REASON}.
   */
  public static Dataset<Row> malformed(
      Dataset<Row> kafkaRecords, EventTime eventTime, int maxValueBytes) {
    Column[] input = Arrays.stream(kafkaRecords.columns()).map(c -> col(c)).toArray(Column[]::new);
    return classified(kafkaRecords, eventTime, maxValueBytes, null, true, true)
        .where(col(REASON).isNotNull())
        .select(concat(input, col(REASON)));
  }

  /** {@link #malformed} with the default size limit. */
  public static Dataset<Row> malformed(Dataset<Row> kafkaRecords, EventTime eventTime) {
    return malformed(kafkaRecords, eventTime, DEFAULT_MAX_VALUE_BYTES);
  }

  /**
   * {@code post} (what {@link #reader} made of {@code value}), {@code event_time} and
   * the {@value #REASON} the record is not a post (null for posts), observed as
   * {@value #INPUT_METRICS}; with {@code keepInput} the input's columns too.
   */
  private static Dataset<Row> classified(Dataset<Row> kafkaRecords, EventTime eventTime,
      int maxValueBytes, Tokenizer tokenizer, boolean allFields, boolean keepInput) {
    // Binary from Kafka; tests may hand in strings.
    Column post = reader(maxValueBytes, eventTime, tokenizer, allFields)
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
        .observe(INPUT_METRICS, count(lit(1)).as(RECORDS), inputCounts());
  }

  /** The malformed records, then those of each reason: one aggregate of the same batch scan. */
  private static Column[] inputCounts() {
    List<Column> counts = new ArrayList<>();
    counts.add(count(col(REASON)).as(MALFORMED));
    for (String reason : REASONS) {
      counts.add(count(when(col(REASON).equalTo(reason), lit(1))).as(reason));
    }
    return counts.toArray(Column[]::new);
  }

  /**
   * {@link PostFields#read} as a Spark function of the value bytes: a struct of
   * {@value #REASON}, with {@code allFields} the post's fields, with a tokenizer the text's
   * {@value #TOKENS}, and {@value #CREATED_AT_MICROS}. Marked nondeterministic only so that the
   * optimizer keeps it where it is: a deterministic one is copied into every filter pushed below
   * it and then runs once per use (profiled: three parses per record with {@code from_json}).
   */
  private static UserDefinedFunction reader(
      int maxValueBytes, EventTime eventTime, Tokenizer tokenizer, boolean allFields) {
    boolean createdAtTime = eventTime == EventTime.CREATED_AT;
    StructType type = new StructType().add(REASON, DataTypes.StringType);
    if (allFields) {
      type = Arrays.stream(PostSchema.SCHEMA.fields()).reduce(type, StructType::add, (a, b) -> a);
    }
    if (tokenizer != null) {
      type = type.add(TOKENS, DataTypes.createArrayType(DataTypes.StringType, false));
    }
    type = type.add(CREATED_AT_MICROS, DataTypes.LongType);
    int size = type.size();
    return udf((UDF1<byte[], Row>) value -> {
      PostFields.Parsed p = PostFields.read(value, maxValueBytes, allFields, createdAtTime);
      Object[] out = new Object[size];
      int i = 0;
      out[i++] = p.reason;
      if (allFields) {
        Object[] fields = {p.createdAt, p.id, p.idStr, p.text, p.retweetCount, p.favoriteCount,
            p.favorited, p.retweeted, p.lang};
        System.arraycopy(fields, 0, out, i, fields.length);
        i += fields.length;
      }
      if (tokenizer != null) {
        // The text is read only to be tokenized unless the fields are kept too.
        out[i++] = p.reason == null ? tokenizer.tokenArray(p.text) : null;
      }
      out[i] = p.createdAtMicros;
      return RowFactory.create(out);
    }, type).asNondeterministic();
  }

  private static Column[] concat(Column[] first, Column last) {
    Column[] all = Arrays.copyOf(first, first.length + 1);
    all[first.length] = last;
    return all;
  }



  /** One row per token: ({@code word}, {@code event_time}). */
  public static Dataset<Row> words(Dataset<Row> posts, Tokenizer tokenizer) {
    return posts.select(explode(tokens(posts, tokenizer)).as(WORD), col(EVENT_TIME));
  }

  /**
   * Running count per word since the stream began; for update or complete output mode. Over a
   * static Dataset (one micro-batch in {@code foreachBatch}) it is that batch's count per word,
   * which a sink that keeps the running count adds to its own.
   *
   * @param posts {@link #tokenized} (the job's way) or anything with a {@code text} column,
   *     e.g. {@link #posts}
   */
  public static Dataset<Row> wordCounts(Dataset<Row> posts, Tokenizer tokenizer) {
    return posts.select(explode(tokens(posts, tokenizer)).as(WORD))
        .groupBy(WORD)
        .count();
  }

  /** The rows of {@link #partialWordCounts}: a word and its count in one input partition. */
  public static final StructType PARTIAL_COUNT_SCHEMA = new StructType()
      .add(WORD, DataTypes.StringType, false)
      .add(COUNT, DataTypes.LongType, false);

  /**
   * One micro-batch's count per word, counted where the batch's rows are: ({@code word},
   * {@code count}), a word once per input partition, so a word read by two tasks comes as two
   * rows whose counts add up to the batch's. For a sink that adds the counts up anyway
   * ({@link ResultSink#keepsCounts}): no shuffle and no second aggregation in Spark, one stage
   * per batch; the sink sums the partial rows (the store in its upsert). Over a static Dataset
   * with a {@value #TOKENS} column ({@link #tokenized}).
   */
  public static Dataset<Row> partialWordCounts(Dataset<Row> batch) {
    int tokens = batch.schema().fieldIndex(TOKENS);
    return batch.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
      PartitionCounts counts = new PartitionCounts(tokens, -1, 0, 0, true);
      rows.forEachRemaining(counts::add);
      return counts.words().stream().map(RowFactory::create).iterator();
    }, Encoders.row(PARTIAL_COUNT_SCHEMA));
  }

  /**
   * One Spark task's counts of its rows, per word and (with a window) per (window start, word),
   * and the latest event time: the loop behind {@link #partialWordCounts} and
   * {@link #partialWindowedCounts}, and the store's one-pass writer of all three tables.
   */
  public static final class PartitionCounts {
    private final int tokens;
    private final int time;
    private final long window;
    private final long slide;
    private final boolean countWords;
    private final Map<String, long[]> words = new HashMap<>();
    private final Map<Long, Map<String, long[]>> windows = new HashMap<>();
    private long maxMicros = Long.MIN_VALUE;

    /**
     * @param tokens the rows' {@value #TOKENS} column
     * @param time their {@code event_time} column; negative: no windows
     * @param countWords whether to count per word too (always without windows)
     */
    public PartitionCounts(int tokens, int time, long windowSeconds, long slideSeconds,
        boolean countWords) {
      this.tokens = tokens;
      this.time = time;
      this.window = windowSeconds;
      this.slide = slideSeconds;
      this.countWords = countWords || time < 0;
    }

    public void add(Row r) {
      List<Object> ws = r.isNullAt(tokens) ? List.of() : r.getList(tokens);
      if (time < 0) {
        count(words, ws);
        return;
      }
      if (r.isNullAt(time)) {
        return;
      }
      Object t = r.get(time);
      java.time.Instant at = t instanceof java.time.Instant i ? i
          : ((java.sql.Timestamp) t).toInstant();
      long second = at.getEpochSecond();
      maxMicros = Math.max(maxMicros, second * 1_000_000L + at.getNano() / 1_000);
      if (ws.isEmpty()) {
        return;
      }
      if (countWords) {
        count(words, ws);
      }
      // Windows start at multiples k of the slide: those with k * slide <= t < k * slide + window.
      for (long k = Math.floorDiv(second - window, slide) + 1; k <= Math.floorDiv(second, slide);
          k++) {
        count(windows.computeIfAbsent(k * slide, x -> new HashMap<>()), ws);
      }
    }

    private static void count(Map<String, long[]> counts, List<Object> ws) {
      for (Object w : ws) {
        if (w != null) {
          counts.computeIfAbsent((String) w, k -> new long[1])[0]++;
        }
      }
    }

    /** (word, count) rows. */
    public List<Object[]> words() {
      List<Object[]> out = new ArrayList<>(words.size());
      words.forEach((w, n) -> out.add(new Object[] {w, n[0]}));
      return out;
    }

    /**
     * (window start second, word, count, null) rows, then (null, null, 0, latest event time in
     * microseconds) when there were rows.
     */
    public List<Object[]> windows() {
      List<Object[]> out = new ArrayList<>();
      windows.forEach((start, counts) -> counts.forEach((word, n) ->
          out.add(new Object[] {start, word, n[0], null})));
      if (maxMicros != Long.MIN_VALUE) {
        out.add(new Object[] {null, null, 0L, maxMicros});
      }
      return out;
    }
  }

  /** The latest event time of a {@link #partialWindowedCounts} row's posts. */
  public static final String MAX_EVENT_TIME = "max_event_time";

  /** The rows of {@link #partialWindowedCounts} as counted, before the bounds become times. */
  private static final StructType PARTIAL_WINDOW_SCHEMA = new StructType()
      .add("start_second", DataTypes.LongType, true)
      .add(WORD, DataTypes.StringType, true)
      .add(COUNT, DataTypes.LongType, false)
      .add("max_event_micros", DataTypes.LongType, true);

  /**
   * One micro-batch's count per word per sliding event-time window, for a sink that adds the
   * batches up ({@link ResultSink#keepsCounts}): ({@code window_start}, {@code window_end},
   * {@code word}, {@code count}, {@value #MAX_EVENT_TIME}), counted where the batch's rows are,
   * as {@link #partialWordCounts}: a (window, word) once per input partition, plus one row
   * without a word per partition carrying the latest event time of its posts (null on the word
   * rows). The sink sums the partial rows per (window, word) and takes the watermark's next
   * value from the latest event time. Nothing is dropped as late here: the sink drops the rows
   * of windows that ended by its watermark. Over a static Dataset of {@link #tokenized} rows.
   */
  public static Dataset<Row> partialWindowedCounts(Dataset<Row> batch, Duration window,
      Duration slide) {
    long w = window.toSeconds();
    long s = slide.toSeconds();
    int tokens = batch.schema().fieldIndex(TOKENS);
    int time = batch.schema().fieldIndex(EVENT_TIME);
    Dataset<Row> partial = batch.mapPartitions((MapPartitionsFunction<Row, Row>) rows -> {
      PartitionCounts counts = new PartitionCounts(tokens, time, w, s, false);
      rows.forEachRemaining(counts::add);
      return counts.windows().stream().map(RowFactory::create).iterator();
    }, Encoders.row(PARTIAL_WINDOW_SCHEMA));
    return partial.select(
        timestamp_seconds(col("start_second")).as(WINDOW_START),
        timestamp_seconds(col("start_second").plus(w)).as(WINDOW_END),
        col(WORD),
        col(COUNT),
        timestamp_micros(col("max_event_micros")).as(MAX_EVENT_TIME));
  }

  /** The {@value #TOKENS} already there, or the text's tokens. */
  private static Column tokens(Dataset<Row> posts, Tokenizer tokenizer) {
    if (Arrays.asList(posts.columns()).contains(TOKENS)) {
      return col(TOKENS);
    }
    return tokenizer == Tokenizer.WHITESPACE
        ? split(col(PostSchema.TEXT), " ")
        : WORDS_UDF.apply(col(PostSchema.TEXT));
  }

  /**
   * Count per word per sliding event-time window over {@link #tokenized} or {@link #posts}
   * (any rows with {@code event_time} and {@value #TOKENS} or {@code text}). Posts older than
   * the watermark are dropped (Spark reports their words' window rows as
   * {@code numRowsDroppedByWatermark}); for update output mode. The watermark is taken per post,
   * before the split into words: the same watermark, a tenth of the rows to track it over.
   *
   * @param windowDuration e.g. {@code 10 minutes}
   * @param slideDuration e.g. {@code 5 minutes}
   * @param watermark how late a post may be, e.g. {@code 10 minutes}
   */
  public static Dataset<Row> windowedWordCounts(
      Dataset<Row> posts, Tokenizer tokenizer, String windowDuration, String slideDuration,
      String watermark) {
    return words(posts.withWatermark(EVENT_TIME, watermark), tokenizer)
        .groupBy(window(col(EVENT_TIME), windowDuration, slideDuration), col(WORD))
        .count()
        .select(
            col("window.start").as(WINDOW_START),
            col("window.end").as(WINDOW_END),
            col(WORD),
            col(COUNT));
  }
}
