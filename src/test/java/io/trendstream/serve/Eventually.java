package io.trendstream.serve;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes; tests use it instead of sleeping.
 * Input: a condition and what it means. Output: nothing, or an AssertionError naming it.
 */
public final class Eventually {
  private Eventually() {}

  public static void await(Duration timeout, String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (Boolean.TRUE.equals(condition.get())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for "
            + what);
      }
      // Yield between polls without holding a lock; not a synchronisation sleep.
      java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
    }
  }
}
