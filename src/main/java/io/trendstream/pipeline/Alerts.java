package io.trendstream.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.trendstream.pipeline.TrendQueries.EventTime;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Watched terms: the posts that contain any of them, as a stateless query (a projection and a
 * filter, nothing else) so that Spark's real-time and continuous modes can run it.
 *
 * <p>Input: Kafka rows of the posts topic ({@code value} binary). Output: one row per matching
 * post, shaped for Spark's Kafka sink: {@code key} (the post's {@code id_str}, so readers can
 * de-duplicate what an at-least-once sink wrote twice) and {@code value}, a JSON object
 * {@code {"id_str": .., "terms": [..], "text": .., "created_at": .., "lang": ..}} with the
 * watched terms the post matched, in the order they were watched.
 *
 * <p>A term matches when it is one of the post's tokens under the job's {@link Tokenizer}, so
 * {@code Kafka}, {@code #Kafka} and {@code @Kafka} watch what the counts count as
 * {@code kafka}, {@code #kafka} and {@code @kafka}. What counts as a post is
 * {@link PostFields#read}'s, as for every other query: a record the counts skip never alerts.
 */
public final class Alerts {
  /** The topic the alerts go to. */
  public static final String TOPIC = "alerts";
  /** Name of the query (and its checkpoint). */
  public static final String QUERY = "alerts";
  public static final String ID_STR = "id_str";
  public static final String TERMS = "terms";
  public static final String TEXT = "text";
  public static final String CREATED_AT = "created_at";
  public static final String LANG = "lang";

  private static final JsonFactory JSON = new JsonFactory();
  private static final String ALERT = "alert";

  private Alerts() {}

  /** How the alert query is triggered ({@code --watch-mode}). */
  public enum Mode {
    /** Spark 4.1's real-time mode: long-running tasks, one per Kafka partition, ms latency. */
    REALTIME,
    /** Spark's experimental continuous processing: also one long-running task per partition. */
    CONTINUOUS,
    /** Micro-batches: no core held between batches, latency of a batch (~100s of ms). */
    MICROBATCH;

    public static Mode of(String name) {
      try {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown watch mode '" + name + "' (expected: realtime, continuous, microbatch)");
      }
    }

    public String flagValue() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the mode keeps one task per Kafka partition running, each holding a core. */
    public boolean holdsCores() {
      return this != MICROBATCH;
    }
  }

  /**
   * The watched terms as the tokenizer writes them: each must be exactly one token
   * ({@code Kafka} → {@code kafka} with {@link Tokenizer#WORDS}), duplicates dropped.
   *
   * @throws IllegalArgumentException for an empty list or a term that is no single token
   */
  public static List<String> normalize(List<String> terms, Tokenizer tokenizer) {
    Set<String> out = new LinkedHashSet<>();
    for (String term : terms) {
      String[] tokens = tokenizer.tokenArray(term.trim());
      if (tokens.length != 1 || tokens[0].isEmpty()) {
        throw new IllegalArgumentException("watched term '" + term + "' is not one "
            + tokenizer.flagValue() + " token (it reads as " + List.of(tokens) + ")");
      }
      out.add(tokens[0]);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("no term to watch");
    }
    return List.copyOf(out);
  }

  /**
   * The alerts of the posts among {@code kafkaRecords}: ({@code key} string, {@code value}
   * JSON string), see the class comment.
   *
   * @param terms {@link #normalize normalized} terms
   */
  public static Dataset<Row> matches(Dataset<Row> kafkaRecords, List<String> terms,
      Tokenizer tokenizer, EventTime eventTime, int maxValueBytes) {
    return kafkaRecords
        .select(matcher(List.copyOf(terms), tokenizer, eventTime, maxValueBytes)
            .apply(col("value").cast("binary")).as(ALERT))
        .where(col(ALERT).isNotNull())
        .select(col(ALERT + ".key").as("key"), col(ALERT + ".value").as("value"));
  }

  /**
   * Reads, tokenizes and matches a value in one function: null unless it is a post with a
   * watched term. Nondeterministic only so that the optimizer does not copy it into the filter
   * and run it twice (see TrendQueries' reader).
   */
  private static UserDefinedFunction matcher(List<String> terms, Tokenizer tokenizer,
      EventTime eventTime, int maxValueBytes) {
    boolean createdAtTime = eventTime == EventTime.CREATED_AT;
    StructType type = new StructType()
        .add("key", DataTypes.StringType)
        .add("value", DataTypes.StringType);
    return udf((UDF1<byte[], Row>) value -> {
      PostFields.Parsed p = PostFields.read(value, maxValueBytes, true, createdAtTime);
      if (p.reason != null) {
        return null;
      }
      List<String> matched = matched(tokenizer.tokenArray(p.text), terms);
      if (matched.isEmpty()) {
        return null;
      }
      String id = p.idStr != null ? p.idStr : p.id != null ? Long.toString(p.id) : null;
      return RowFactory.create(id, json(id, matched, p));
    }, type).asNondeterministic();
  }

  /** The watched terms among the tokens, in watch order. */
  static List<String> matched(String[] tokens, List<String> terms) {
    List<String> out = new ArrayList<>(1);
    for (String term : terms) {
      for (String token : tokens) {
        if (token.equals(term)) {
          out.add(term);
          break;
        }
      }
    }
    return out;
  }

  private static String json(String id, List<String> terms, PostFields.Parsed p) {
    StringWriter out = new StringWriter(p.text.length() + 128);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField(ID_STR, id);
      g.writeArrayFieldStart(TERMS);
      for (String t : terms) {
        g.writeString(t);
      }
      g.writeEndArray();
      g.writeStringField(TEXT, p.text);
      g.writeStringField(CREATED_AT, p.createdAt);
      g.writeStringField(LANG, p.lang);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
