package io.trendstream.serve;

import java.util.List;
import java.util.Map;

/**
 * The newest alerts of the watched terms, for {@code GET /api/alerts} and the dashboard's
 * ticker. Input: whatever keeps them (the CLI wires one that reads the alerts topic). Output:
 * alerts as JSON objects ({@code id_str}, {@code terms}, {@code text}, {@code created_at},
 * {@code lang}, {@code alerted_at}), newest first, each post once.
 */
public interface AlertFeed {
  /** At most this many alerts per request. */
  int MAX = 100;
  /** When the request names no number. */
  int DEFAULT = 20;

  /** No watched terms: never an alert. */
  AlertFeed NONE = n -> List.of();

  /** At most {@code n} alerts, newest first. */
  List<Map<String, Object>> newest(int n);

  /**
   * {@code GET /api/alerts?n=N}: {@code {"alerts": [..]}}.
   *
   * @throws IllegalArgumentException (HTTP 400) for an n that is no number from 1 to MAX
   */
  static Map<String, Object> response(AlertFeed feed, String n) {
    int limit = DEFAULT;
    if (n != null) {
      try {
        limit = Integer.parseInt(n.trim());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX) {
        throw new IllegalArgumentException("n must be a number from 1 to " + MAX + ", not " + n);
      }
    }
    return Map.of("alerts", feed.newest(limit));
  }
}
