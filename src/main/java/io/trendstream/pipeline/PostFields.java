package io.trendstream.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.trendstream.post.PostSchema;
import java.io.IOException;
import java.io.StringWriter;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Decides whether a Kafka value is a post and reads its fields, in one pass over its UTF-8
 * bytes with Jackson's streaming parser. Input: a record value. Output: a {@link Parsed}, either
 * the reason it is not a post or its {@link io.trendstream.post.PostSchema} fields and time.
 * Every query (posts table, counts, dead letters) and the benchmark's other engines classify
 * with this one function, so they agree on every record by construction.
 *
 * <p>Why not Spark's {@code from_json} and friends: {@code from_json} decodes every value
 * through a fresh {@code InputStreamReader} (an 8 KiB buffer per record), which profiling showed
 * to be the largest single cost of the running count; the classification needed a second parse
 * ({@code try_parse_json}) for non-string texts; and the optimizer copied the parse into each
 * pushed-down filter, so a post was parsed three times. The results are Spark's, checked case by
 * case against those functions ({@code PostFieldsTest}): the first JSON value must be a complete
 * object (anything after it is ignored), single quotes and NaN are allowed, the last of
 * duplicate keys wins, a string field given any other JSON value reads as its compact JSON text
 * ({@code 5.50} as {@code 5.5}).
 *
 * <p>{@link #createdAtMicros} reads Twitter's {@code created_at} by hand, with the results of
 * Spark's parser and {@link io.trendstream.post.PostSchema#EVENT_TIME_PATTERN}, for a tenth
 * of the cost of either that or a rearrangement with built-in string functions (profiled:
 * {@code UTF8String.substring} scans from the start of the string on every call).
 */
public final class PostFields {
  /** Spark's JSON defaults: single quotes and NaN/Infinity allowed. */
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  private static final String MONTHS = "janfebmaraprmayjunjulaugsepoctnovdec";
  /** {@code EEE MMM dd HH:mm:ss Z yyyy}, e.g. {@code Tue Mar 13 03:49:58 +0000 2018}. */
  private static final int CREATED_AT_LENGTH = 30;

  private PostFields() {}

  /**
   * Twitter's {@code created_at} as microseconds since the epoch, or null when it is not a
   * valid date in that format. As Spark reads it with {@code MMM dd HH:mm:ss Z yyyy} after the
   * day of week: the first four characters are not looked at, the month is case-insensitive,
   * dates and times must exist (no Feb 30, no 24:00, no :60), offsets up to ±18:00.
   */
  public static Long createdAtMicros(String s) {
    if (s == null || s.length() != CREATED_AT_LENGTH
        || s.charAt(7) != ' ' || s.charAt(10) != ' ' || s.charAt(13) != ':'
        || s.charAt(16) != ':' || s.charAt(19) != ' ' || s.charAt(25) != ' ') {
      return null;
    }
    int month = month(s);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    int offsetHours = digits(s, 21, 2);
    int offsetMinutes = digits(s, 23, 2);
    int year = digits(s, 26, 4);
    char sign = s.charAt(20);
    if (month < 0 || (day | hour | minute | second | offsetHours | offsetMinutes | year) < 0
        || (sign != '+' && sign != '-') || offsetMinutes > 59) {
      return null;
    }
    try {
      int offset = (sign == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
      long epochSecond = LocalDateTime.of(year, month, day, hour, minute, second)
          .toEpochSecond(ZoneOffset.ofTotalSeconds(offset));
      return epochSecond * 1_000_000L;
    } catch (DateTimeException e) {
      return null;
    }
  }

  /** 1..12 for Jan..Dec in any case at characters 4..6, else -1. */
  private static int month(String s) {
    int at = MONTHS.indexOf(s.substring(4, 7).toLowerCase(java.util.Locale.ROOT));
    return at >= 0 && at % 3 == 0 ? at / 3 + 1 : -1;
  }

  /** The ASCII digits at [from, from + n) as a number, or -1. */
  private static int digits(String s, int from, int n) {
    int v = 0;
    for (int i = from; i < from + n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * One Kafka value, read once: why it is not a post ({@link #reason}, one of
   * {@link TrendQueries}' reasons), or its fields. Which fields are kept depends on what the
   * caller asked {@link #read} for; the classification never does.
   */
  public static final class Parsed {
    /** Null for a post. */
    public String reason;
    public String text;
    public String createdAt;
    /** {@code created_at} as epoch microseconds; null unless asked for and valid. */
    public Long createdAtMicros;
    public Long id;
    public String idStr;
    public Long retweetCount;
    public Long favoriteCount;
    public Boolean favorited;
    public Boolean retweeted;
    public String lang;

    /** Set while reading; a reason only once the whole value proved to be JSON. */
    private boolean wrongType;

    private Parsed reject(String why) {
      reason = why;
      return this;
    }
  }

  /**
   * Classifies a Kafka value and reads its fields in one pass over the bytes: the single
   * definition of "a post" every query shares, so the posts table, the counts and the dead
   * letters split the input the same way. Checks, in order: size ({@code oversized}), UTF-8
   * ({@code invalid_utf8}), one complete JSON object first ({@code not_json}; what follows it is
   * ignored), each {@link PostSchema} field's JSON type ({@code wrong_type}: {@code text} must
   * be a string, the numbers integers that fit a long, the flags booleans; the other strings
   * take any value as its compact JSON text), a {@code text} ({@code missing_text}), and with
   * {@code createdAtTime} a valid {@code created_at} ({@code bad_created_at}). JSON is read as
   * Spark reads it: single quotes and NaN allowed, the last of duplicate keys wins.
   *
   * @param allFields keep every {@link PostSchema} field, not only {@code text}
   * @param createdAtTime the post's time is its {@code created_at}: check and convert it
   */
  public static Parsed read(byte[] value, int maxBytes, boolean allFields, boolean createdAtTime) {
    Parsed post = new Parsed();
    if (value == null) {
      return post.reject(TrendQueries.NOT_JSON);
    }
    if (value.length > maxBytes) {
      return post.reject(TrendQueries.OVERSIZED);
    }
    if (!isUtf8(value)) {
      return post.reject(TrendQueries.INVALID_UTF8);
    }
    if (value.length >= 3 && value[0] == (byte) 0xef && value[1] == (byte) 0xbb
        && value[2] == (byte) 0xbf) {
      // Jackson skips a byte order mark; Spark reads it as a character before the JSON.
      return post.reject(TrendQueries.NOT_JSON);
    }
    try (JsonParser p = FACTORY.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return post.reject(TrendQueries.NOT_JSON);
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken v = p.nextToken();
        switch (name) {
          case PostSchema.TEXT:
            if (v == JsonToken.VALUE_STRING) {
              post.text = p.getText();
            } else if (v == JsonToken.VALUE_NULL) {
              post.text = null;
            } else {
              post.wrongType = true;
              p.skipChildren();
            }
            break;
          case PostSchema.CREATED_AT:
            post.createdAt = allFields || createdAtTime ? value(p) : skip(p);
            break;
          case PostSchema.ID:
            post.id = integer(p, allFields, post);
            break;
          case PostSchema.ID_STR:
            post.idStr = allFields ? value(p) : skip(p);
            break;
          case PostSchema.RETWEET_COUNT:
            post.retweetCount = integer(p, allFields, post);
            break;
          case PostSchema.FAVORITE_COUNT:
            post.favoriteCount = integer(p, allFields, post);
            break;
          case PostSchema.FAVORITED:
            post.favorited = bool(p, post);
            break;
          case PostSchema.RETWEETED:
            post.retweeted = bool(p, post);
            break;
          case PostSchema.LANG:
            post.lang = allFields ? value(p) : skip(p);
            break;
          default:
            p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT) {
        return post.reject(TrendQueries.NOT_JSON);
      }
    } catch (IOException e) {
      // Syntax errors and a cut-off value; a number too large for a long is a wrong type.
      return post.reject(e instanceof InputCoercionException
          ? TrendQueries.WRONG_TYPE : TrendQueries.NOT_JSON);
    }
    if (post.wrongType) {
      return post.reject(TrendQueries.WRONG_TYPE);
    }
    if (post.text == null) {
      return post.reject(TrendQueries.MISSING_TEXT);
    }
    if (createdAtTime) {
      post.createdAtMicros = createdAtMicros(post.createdAt);
      if (post.createdAtMicros == null) {
        return post.reject(TrendQueries.BAD_CREATED_AT);
      }
    }
    return post;
  }

  private static Long integer(JsonParser p, boolean keep, Parsed post) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      // getLongValue throws InputCoercionException beyond a long, as Spark fails the record.
      long v = p.getLongValue();
      return keep ? v : null;
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    post.wrongType = true;
    p.skipChildren();
    return null;
  }

  private static Boolean bool(JsonParser p, Parsed post) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
      return t == JsonToken.VALUE_TRUE;
    }
    if (t != JsonToken.VALUE_NULL) {
      post.wrongType = true;
      p.skipChildren();
    }
    return null;
  }

  private static String skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }

  /**
   * Well-formed UTF-8 as Unicode defines it (no overlong forms, no surrogates, nothing past
   * U+10FFFF): what Spark's {@code is_valid_utf8} accepts. ASCII, nearly all of a post, costs
   * one comparison per byte: measured 200 ns a post against 375 ns for Spark's own
   * {@code UTF8String.isValid}, on the hot path of every query.
   */
  static boolean isUtf8(byte[] b) {
    int n = b.length;
    int i = 0;
    while (i < n) {
      int c = b[i];
      if (c >= 0) {
        i++;
        continue;
      }
      c &= 0xff;
      int need;
      int min;
      int max = 0xbf;
      if (c >= 0xc2 && c <= 0xdf) {
        need = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        need = 2;
        min = c == 0xe0 ? 0xa0 : 0x80;
        max = c == 0xed ? 0x9f : 0xbf;
      } else if (c >= 0xf0 && c <= 0xf4) {
        need = 3;
        min = c == 0xf0 ? 0x90 : 0x80;
        max = c == 0xf4 ? 0x8f : 0xbf;
      } else {
        return false;
      }
      if (i + need >= n) {
        return false;
      }
      int second = b[i + 1] & 0xff;
      if (second < min || second > max) {
        return false;
      }
      for (int k = 2; k <= need; k++) {
        int cont = b[i + k] & 0xff;
        if (cont < 0x80 || cont > 0xbf) {
          return false;
        }
      }
      i += need + 1;
    }
    return true;
  }

  /**
   * The text of a post, classified as the job does by default (size limit, {@code created_at}
   * time); null for a record that is not a post. For the benchmark's other engines, so that all
   * do the same parsing.
   */
  public static String postText(byte[] value) {
    Parsed p = read(value, TrendQueries.DEFAULT_MAX_VALUE_BYTES, false, true);
    return p.reason == null ? p.text : null;
  }

  /** A string field's value: a JSON string as is, any other value as its compact JSON text. */
  private static String value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (t == JsonToken.VALUE_NULL) {
      return null;
    }
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.copyCurrentStructure(p);
    }
    return out.toString();
  }
}
