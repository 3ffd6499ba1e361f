package io.trendstream.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.trendstream.post.PostSchema;
import java.io.IOException;
import java.io.StringWriter;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Reads the one or two fields a count query needs straight from a Kafka value's UTF-8 bytes,
 * with Jackson's streaming parser. Input: a record value. Output: its top-level {@code text}
 * (and {@code created_at}), or null for a value that is not a JSON object.
 *
 * <p>Why not Spark's {@code from_json}: it decodes every value through a fresh
 * {@code InputStreamReader} (an 8 KiB buffer per record), which profiling showed to be the
 * largest single cost of the running count; and the optimizer copies it into each pushed-down
 * filter, so a post was parsed three times. This is parsed once, from bytes. It follows
 * {@code from_json}'s rules for these fields (checked case by case against it): the first JSON
 * value must be a complete object (one cut short is malformed: all fields null; anything after
 * it is ignored), single quotes and NaN are allowed, the last of duplicate keys wins, any other
 * JSON value reads as its compact JSON text ({@code 5.50} as {@code 5.5}).
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

  /** The {@code text} field, or null. */
  public static String text(byte[] json) {
    String[] f = read(json, false);
    return f == null ? null : f[0];
  }

  /** {@code [text, created_at]}, either may be null; null when the value is malformed. */
  public static String[] textAndCreatedAt(byte[] json) {
    return read(json, true);
  }

  private static String[] read(byte[] json, boolean withCreatedAt) {
    if (json == null) {
      return null;
    }
    String text = null;
    String createdAt = null;
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      JsonToken t;
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (PostSchema.TEXT.equals(name)) {
          text = value(p);
        } else if (withCreatedAt && PostSchema.CREATED_AT.equals(name)) {
          createdAt = value(p);
        } else {
          p.skipChildren();
        }
      }
      if (t != JsonToken.END_OBJECT) {
        return null;
      }
    } catch (IOException e) {
      return null;
    }
    return new String[] {text, createdAt};
  }

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
