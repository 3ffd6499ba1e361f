package io.trendstream.source.live;

/**
 * Exponential backoff for retries after network failures, 5xx answers and dropped connections.
 * Input: failures ({@link #next()}) and successes ({@link #reset()}); output: how long to wait
 * before the next attempt, doubling from {@code initialMillis} up to {@code maxMillis}. Not
 * thread-safe: each source's worker thread owns one.
 */
public final class Backoff {
  private final long initialMillis;
  private final long maxMillis;
  private long nextMillis;

  public Backoff(long initialMillis, long maxMillis) {
    if (initialMillis <= 0 || maxMillis < initialMillis) {
      throw new IllegalArgumentException("backoff needs 0 < initial <= max");
    }
    this.initialMillis = initialMillis;
    this.maxMillis = maxMillis;
    this.nextMillis = initialMillis;
  }

  /** The wait before the next attempt; each call doubles the one after, up to the maximum. */
  public long next() {
    long wait = nextMillis;
    nextMillis = Math.min(maxMillis, nextMillis * 2);
    return wait;
  }

  /** After a success the next failure waits the initial time again. */
  public void reset() {
    nextMillis = initialMillis;
  }
}
