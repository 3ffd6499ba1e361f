package io.trendstream.source.live;

/**
 * Wall time and waiting, as the live sources see them. Input: nothing; output: epoch millis and
 * blocking waits. Injected so rate-limit and backoff waits (up to 15 minutes against the real X
 * API) cost nothing in tests: a fake advances its own time instead of sleeping.
 */
public interface LiveClock {
  /** Epoch milliseconds; wall time because X's {@code x-rate-limit-reset} is epoch seconds. */
  long millis();

  /** Blocks for {@code millis} (nothing when not positive); interruptible so close() is prompt. */
  void sleep(long millis) throws InterruptedException;

  /** The real clock: {@link System#currentTimeMillis()} and {@link Thread#sleep(long)}. */
  static LiveClock system() {
    return new LiveClock() {
      @Override
      public long millis() {
        return System.currentTimeMillis();
      }

      @Override
      public void sleep(long millis) throws InterruptedException {
        if (millis > 0) {
          Thread.sleep(millis);
        }
      }
    };
  }
}
