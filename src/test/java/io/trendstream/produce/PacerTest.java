package io.trendstream.produce;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Drives the pacer with a fake clock: exact permits, no real time involved. */
class PacerTest {
  private static final long SECOND = 1_000_000_000L;

  /** Posts admitted when polling every {@code step} ns from t0 up to t0 + duration. */
  private static long admitted(Pacer pacer, long t0, long duration, long step) {
    long n = 0;
    for (long t = t0; t <= t0 + duration; t += step) {
      while (pacer.acquire(t) == 0) {
        n++;
      }
    }
    return n;
  }

  @Test
  void admitsRatePostsPerSecond() {
    long t0 = 123_456_789_000L;
    // 100 posts/s for 10 s, polled every millisecond: one at t0, then one per 10 ms.
    assertThat(admitted(new Pacer(100, t0), t0, 10 * SECOND, 1_000_000)).isEqualTo(1001);
  }

  @Test
  void tellsHowLongToWait() {
    Pacer pacer = new Pacer(4, 0);
    assertThat(pacer.acquire(0)).isZero();
    assertThat(pacer.acquire(0)).isEqualTo(SECOND / 4);
    assertThat(pacer.acquire(SECOND / 8)).isEqualTo(SECOND / 8);
    assertThat(pacer.acquire(SECOND / 4)).isZero();
  }

  @Test
  void catchesUpAtMostOneSecondAfterAStall() {
    Pacer pacer = new Pacer(1000, 0);
    assertThat(pacer.acquire(0)).isZero();
    // Nothing asked for 10 s: only about a second's worth (1000 posts) may go at once.
    long burst = 0;
    while (pacer.acquire(10 * SECOND) == 0) {
      burst++;
    }
    assertThat(burst).isBetween(1000L, 1002L);
  }
}
