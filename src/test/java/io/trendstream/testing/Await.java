package io.trendstream.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls a condition until it holds or a deadline passes, checking every 10 ms. Input: a
 * condition and a timeout. Output: nothing, or an AssertionError naming what never happened.
 */
public final class Await {
  private static final long POLL_NANOS = 10_000_000L;

  private Await() {}

  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    until(what, timeout, condition, () -> "");
  }

  /** The same; a timeout's message ends with {@code diagnostics} (output, state) of then. */
  public static void until(String what, Duration timeout, BooleanSupplier condition,
      Supplier<String> diagnostics) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        String more = diagnostics.get();
        throw new AssertionError("timed out after " + timeout + " waiting for " + what
            + (more.isEmpty() ? "" : "; " + more));
      }
      LockSupport.parkNanos(POLL_NANOS);
    }
  }
}
