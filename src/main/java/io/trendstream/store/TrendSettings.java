package io.trendstream.store;

import java.time.Duration;

/**
 * How {@link Trending} scores words: the job's windows (which the store must know to tell which
 * windows are final) and the score's parameters; defaults in code, reasons in
 * {@code docs/trending.md}.
 *
 * @param window the windows' length (the job's {@code --window})
 * @param slide how far apart windows start (the job's {@code --slide})
 * @param watermark how late a post may be (the job's {@code --watermark})
 * @param halfLife after this much event time a window's weight in a baseline halves
 * @param minCount a word's count in a window below this is not scored and counts as 0 in
 *     baselines: too rare to judge
 * @param beta SigniTrend's bias: the least expected count and the least deviation a score is
 *     measured against, so a word's first few sightings do not score high
 * @param warmupWindows windows the stream must have had before a baseline is trusted
 * @param threshold the dashboard shows words scoring at least this as trending
 */
public record TrendSettings(Duration window, Duration slide, Duration watermark,
    Duration halfLife, long minCount, double beta, int warmupWindows, double threshold) {
  /** An hour: a trend is measured against the last few hours, not the last minutes. */
  public static final Duration DEFAULT_HALF_LIFE = Duration.ofHours(1);
  public static final long DEFAULT_MIN_COUNT = 5;
  public static final double DEFAULT_BETA = 5;
  public static final int DEFAULT_WARMUP_WINDOWS = 3;
  public static final double DEFAULT_THRESHOLD = 3;
  /** A word's state is dropped after this many half-lives unseen: its weight is then < 0.1 %. */
  public static final int TTL_HALF_LIVES = 10;

  public TrendSettings {
    if (!positive(window) || !positive(slide) || watermark.isNegative() || !positive(halfLife)) {
      throw new IllegalArgumentException("trend windows and half-life must be positive");
    }
    if (slide.toSeconds() < 1 || slide.toMillis() % 1000 != 0 || window.toMillis() % 1000 != 0) {
      throw new IllegalArgumentException("trend scores need windows in whole seconds");
    }
    if (minCount < 1 || beta <= 0 || warmupWindows < 1) {
      throw new IllegalArgumentException("minimum count, beta and warm-up must be positive");
    }
  }

  /** The job's windows with the default score parameters. */
  public static TrendSettings of(Duration window, Duration slide, Duration watermark) {
    return new TrendSettings(window, slide, watermark, DEFAULT_HALF_LIFE, DEFAULT_MIN_COUNT,
        DEFAULT_BETA, DEFAULT_WARMUP_WINDOWS, DEFAULT_THRESHOLD);
  }

  private static boolean positive(Duration d) {
    return !d.isNegative() && !d.isZero();
  }

  long slideSeconds() {
    return slide.toSeconds();
  }

  /**
   * How far before a window its baseline ends: a whole number of slides covering the window and
   * the watermark, so every window in the baseline is final (Spark changes no window that ends
   * a watermark before the newest post) when the scored window first appears.
   */
  long lagSeconds() {
    long need = window.toSeconds() + watermark.toSeconds();
    long s = slideSeconds();
    return (need + s - 1) / s * s;
  }

  /** Per slide, the factor a baseline decays by. */
  double decayPerSlide() {
    return Math.pow(0.5, slideSeconds() / (double) halfLife.toSeconds());
  }

  /** Unseen this long, a word's state counts as zero (and is deleted). */
  long ttlSeconds() {
    return Math.max(TTL_HALF_LIVES * halfLife.toSeconds(), 4 * lagSeconds());
  }
}
