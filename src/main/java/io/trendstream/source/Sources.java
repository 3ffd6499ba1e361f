package io.trendstream.source;

import java.nio.file.Path;

/**
 * Turns a {@code --source} value into a {@link PostSource}. Input: a spec string,
 * {@code synthetic}, {@code file:PATH} or {@code stdin}. Output: an open source (files are
 * opened at once so a missing file fails before anything connects to Kafka).
 */
public final class Sources {
  public static final String SYNTHETIC = "synthetic";
  public static final String FILE_PREFIX = "file:";
  public static final String STDIN = "stdin";
  public static final String VALID_FORMS = "synthetic, file:PATH, stdin";
  /**
   * Event-time speed of synthetic posts when the producer is not paced: a fixed figure keeps
   * windows meaningful (1,000 posts per event second) however fast the machine is.
   */
  public static final double UNPACED_POSTS_PER_EVENT_SECOND = 1000;

  private Sources() {}

  /**
   * @param seed seed of the synthetic source
   * @param rate the producer's posts/s (0 = unlimited); synthetic event time then keeps pace
   *     with the wall clock
   * @throws IllegalArgumentException naming the valid forms when the spec is not one of them
   * @throws io.trendstream.cli.UserError when a file cannot be read
   */
  public static PostSource open(String spec, long seed, double rate) {
    check(spec);
    if (spec.equals(SYNTHETIC)) {
      double perSecond = rate > 0 ? rate : UNPACED_POSTS_PER_EVENT_SECOND;
      return new SyntheticSource(seed, System.currentTimeMillis(), perSecond);
    }
    if (spec.equals(STDIN)) {
      return JsonLinesSource.ofStdin();
    }
    return JsonLinesSource.ofFile(Path.of(spec.substring(FILE_PREFIX.length())));
  }

  /**
   * Checks the form of a spec without opening anything, for flag validation.
   *
   * @throws IllegalArgumentException naming the valid forms
   */
  public static void check(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty source; valid forms: " + VALID_FORMS);
    }
    if (spec.equals(SYNTHETIC) || spec.equals(STDIN)) {
      return;
    }
    if (spec.startsWith(FILE_PREFIX)) {
      if (spec.length() == FILE_PREFIX.length()) {
        throw new IllegalArgumentException("source 'file:' needs a path, e.g. file:posts.jsonl");
      }
      return;
    }
    throw new IllegalArgumentException(
        "unknown source '" + spec + "'; valid forms: " + VALID_FORMS);
  }
}
