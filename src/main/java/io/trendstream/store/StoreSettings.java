package io.trendstream.store;

import java.time.Duration;

/**
 * How the serving store keeps and serves the live tables; defaults in code, the CLI's flags
 * override them.
 *
 * @param retain posts older than this before the newest one are deleted from {@code tweets}
 * @param retainPosts {@code tweets} keeps at most this many posts, the newest
 * @param windowRetention windows that started this long before the newest are deleted
 * @param sqlTimeout a SELECT from the SQL API running longer is cancelled by the server
 * @param readers SQL requests served at once; more wait (up to {@code sqlTimeout}) for a turn
 */
public record StoreSettings(
    Duration retain, long retainPosts, Duration windowRetention, Duration sqlTimeout,
    int readers) {
  /** A day of posts: what a trend query looks back over. */
  public static final Duration DEFAULT_RETAIN = Duration.ofDays(1);
  /**
   * About 2 GB with indexes at ~250 B a post: a laptop demo (200 posts/s, ~17 M a day) left
   * running for a day stays within a few GB.
   */
  public static final long DEFAULT_RETAIN_POSTS = 5_000_000;
  /** Two hours of windows: enough for the trend chart, bounded on a day-long run. */
  public static final Duration DEFAULT_WINDOW_RETENTION = Duration.ofHours(2);
  public static final Duration DEFAULT_SQL_TIMEOUT = Duration.ofSeconds(30);
  /** Two cores: more concurrent readers would only queue inside the server. */
  public static final int DEFAULT_READERS = 4;

  public static final StoreSettings DEFAULT = new StoreSettings(DEFAULT_RETAIN,
      DEFAULT_RETAIN_POSTS, DEFAULT_WINDOW_RETENTION, DEFAULT_SQL_TIMEOUT, DEFAULT_READERS);

  public StoreSettings {
    if (retain.isNegative() || retain.isZero() || windowRetention.isNegative()
        || windowRetention.isZero() || sqlTimeout.isNegative() || sqlTimeout.isZero()) {
      throw new IllegalArgumentException("store durations must be positive");
    }
    if (retainPosts < 1 || readers < 1) {
      throw new IllegalArgumentException("retained posts and readers must be at least 1");
    }
  }

  public StoreSettings withSqlTimeout(Duration timeout) {
    return new StoreSettings(retain, retainPosts, windowRetention, timeout, readers);
  }
}
