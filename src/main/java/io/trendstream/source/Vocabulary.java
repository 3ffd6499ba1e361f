package io.trendstream.source;

import java.util.Locale;

/**
 * How many distinct words {@link SyntheticSource} writes, and how that number grows with the
 * stream. Input: a {@code --vocabulary} value ({@link #of}). Output: the tail parameters the
 * source draws with ({@link #tail()}; null for {@link #SMALL}). Measured figures per vocabulary
 * are in docs/sources.md.
 *
 * <ul>
 *   <li>{@link #SMALL}: the original feed, a fixed set of about 2,500 words; the benchmark's
 *       throughput and latency phases keep using it so their figures stay comparable.
 *   <li>{@link #REALISTIC}: calibrated to real posts (2,042 real tweets hold 6,471 distinct
 *       lowercased whitespace tokens; Heaps' law with exponent 0.65 gives about 350,000 per
 *       1,000,000 posts), growing without end like a real stream.
 *   <li>{@link #STRESS}: a heavier tail, about 2,000,000 distinct per 1,000,000 posts.
 * </ul>
 */
public enum Vocabulary {
  SMALL(null),
  REALISTIC(new Tail(1 / 0.65, 0.20, 90, 0.5, 300, 0.5, 30, 500, 0.03)),
  STRESS(new Tail(1 / 0.75, 0.60, 20_000, 0.8, 10_000, 0.8, 5_000, 30_000, 0.03));

  /** The {@code --vocabulary} values, for help texts and error messages. */
  public static final String FLAG_VALUES = "small, realistic, stress";

  /**
   * Where the long tail comes in. Each open-class slot of a post (a content word, the leading
   * mention, the everyday hashtag; not a trend's words or hashtag) takes the original feed's
   * head with probability 1 - share, or else a rank from a Zipf-Mandelbrot law,
   * p(r) ~ (r + offset)^-exponent, spelled into a token deterministically ({@link LongTail});
   * links always take a rank. A Zipf exponent s gives
   * Heaps' law V ~ N^(1/s) once draws outnumber the offset; the offset is how many ranks are
   * about equally likely, so it sets how fast new words appear early in the stream.
   *
   * @param exponent Zipf exponent s of the tail (> 1)
   * @param wordShare share of content words taken from the tail
   * @param wordOffset Zipf-Mandelbrot offset of content words, in ranks
   * @param handleShare share of mentions taken from the tail
   * @param handleOffset offset of mentioned handles
   * @param tagShare share of topic hashtags taken from the tail
   * @param tagOffset offset of hashtags
   * @param urlOffset offset of links: popular links are shared many times, most only once
   * @param typoRate share of head words written with a typo
   */
  record Tail(double exponent, double wordShare, double wordOffset, double handleShare,
      double handleOffset, double tagShare, double tagOffset, double urlOffset,
      double typoRate) {}

  private final Tail tail;

  Vocabulary(Tail tail) {
    this.tail = tail;
  }

  /** The long-tail parameters, or null for {@link #SMALL}, which has no tail. */
  Tail tail() {
    return tail;
  }

  /** Parses a {@code --vocabulary} value. */
  public static Vocabulary of(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException(
          "unknown vocabulary '" + name + "' (expected: " + FLAG_VALUES + ")");
    }
  }

  public String flagValue() {
    return name().toLowerCase(Locale.ROOT);
  }
}
