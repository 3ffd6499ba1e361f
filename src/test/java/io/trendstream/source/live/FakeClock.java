package io.trendstream.source.live;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link LiveClock} whose time only moves when a source waits: each sleep is recorded and
 * advances the time at once, so a 15-minute rate-limit wait costs nothing and can be asserted.
 */
final class FakeClock implements LiveClock {
  private final AtomicLong now;
  private final List<Long> sleeps = new ArrayList<>();

  FakeClock(long startMillis) {
    this.now = new AtomicLong(startMillis);
  }

  @Override
  public long millis() {
    return now.get();
  }

  @Override
  public void sleep(long millis) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    if (millis <= 0) {
      return;
    }
    synchronized (sleeps) {
      sleeps.add(millis);
    }
    now.addAndGet(millis);
    // The source's loop runs against a stub on loopback: let the test thread in.
    Thread.yield();
  }

  /** Every positive wait so far, in order. */
  List<Long> sleeps() {
    synchronized (sleeps) {
      return new ArrayList<>(sleeps);
    }
  }

  /** The waits that were not the plain poll interval. */
  List<Long> sleepsOtherThan(long interval) {
    return sleeps().stream().filter(s -> s != interval).toList();
  }
}
