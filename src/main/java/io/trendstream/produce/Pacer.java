package io.trendstream.produce;

/**
 * Spaces posts evenly at a target rate. Input: the current {@code System.nanoTime()} at each
 * call. Output: how long to wait before the next post may go (0 = now, and it is counted).
 * Time-driven, not sleep-driven, so a slow source or a GC pause is caught up, but at most
 * {@link #MAX_BURST_NANOS} worth of posts at once.
 */
final class Pacer {
  /** After a stall, catch up at most one second's worth of posts in a burst. */
  static final long MAX_BURST_NANOS = 1_000_000_000L;

  private final double nanosPerPost;
  private final long origin;
  /** Relative to origin, so a double keeps sub-nanosecond precision however large nanoTime is. */
  private double nextDue;

  /** @param rate posts per second, > 0 */
  Pacer(double rate, long startNanos) {
    if (!(rate > 0)) {
      throw new IllegalArgumentException("rate must be > 0, got " + rate);
    }
    this.nanosPerPost = 1e9 / rate;
    this.origin = startNanos;
  }

  /** @return 0 if a post may go now (it is then counted), else nanoseconds to wait */
  long acquire(long nowNanos) {
    double now = nowNanos - origin;
    double behind = now - nextDue;
    if (behind < 0) {
      return (long) Math.ceil(-behind);
    }
    if (behind > MAX_BURST_NANOS) {
      nextDue = now - MAX_BURST_NANOS;
    }
    nextDue += nanosPerPost;
    return 0;
  }
}
