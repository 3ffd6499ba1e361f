package io.trendstream.source.live;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** ISO-8601 timestamps as X v2 and Bluesky write them, e.g. {@code 2025-01-06T18:40:40.000Z}. */
final class IsoTimes {
  /** Twitter's format has a four-digit year; anything outside it cannot be written as a post. */
  private static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant MAX = Instant.parse("9999-12-31T23:59:59Z");

  private IsoTimes() {}

  /**
   * Accepts {@code Z} or a numeric offset, with or without fractions of a second.
   *
   * @return the instant, or null when the text is not an ISO-8601 time with a zone, or its year
   *     does not have four digits
   */
  static Instant parse(String text) {
    if (text == null) {
      return null;
    }
    try {
      Instant t = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      return t.isBefore(MIN) || t.isAfter(MAX) ? null : t;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** Cheap shape test: {@code 2025-...} rather than Twitter's {@code Mon Jan 06 ...}. */
  static boolean looksIso(String text) {
    return text != null
        && text.length() > 10
        && Character.isDigit(text.charAt(0))
        && text.charAt(4) == '-';
  }
}
