package io.trendstream.post;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Twitter's {@code created_at} format, {@code EEE MMM dd HH:mm:ss Z yyyy}. Spark's datetime
 * parser rejects the day-of-week field, so the job parses a substring without it (see
 * {@link PostSchema#EVENT_TIME_PATTERN}); this class is for the JVM side (sources, tests).
 */
public final class TwitterTime {
  /** Locale.ROOT: day and month names must be English whatever the machine's locale. */
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss Z yyyy", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private TwitterTime() {}

  public static String format(Instant instant) {
    return FORMAT.format(instant);
  }

  public static String format(long epochMillis) {
    return format(Instant.ofEpochMilli(epochMillis));
  }

  /** @throws IllegalArgumentException naming the bad value */
  public static Instant parse(String createdAt) {
    try {
      return Instant.from(FORMAT.parse(createdAt));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "created_at '" + createdAt + "' is not in Twitter's format "
              + "(e.g. 'Tue Mar 13 03:49:58 +0000 2018')");
    }
  }
}
