package io.trendstream.source;

import io.trendstream.source.live.BlueskySource;
import io.trendstream.source.live.XSource;
import java.nio.file.Path;
import java.util.Set;

/**
 * Turns a {@code --source} value into a {@link PostSource}. Input: a spec string,
 * {@code synthetic}, {@code file:PATH}, {@code stdin}, {@code x} or {@code bluesky}. Output: an
 * open source for the offline forms (files are opened at once so a missing file fails before
 * anything connects to Kafka). The live names are only checked here: they need flags and a
 * token, so {@code io.trendstream.cli.LiveSourceOptions} opens them.
 */
public final class Sources {
  public static final String SYNTHETIC = "synthetic";
  public static final String FILE_PREFIX = "file:";
  public static final String STDIN = "stdin";
  public static final String X = XSource.NAME;
  public static final String BLUESKY = BlueskySource.NAME;
  public static final Set<String> LIVE = Set.of(X, BLUESKY);
  public static final String VALID_FORMS = "synthetic, file:PATH, stdin, x, bluesky";
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
   * @param vocabulary vocabulary of the synthetic source
   * @throws IllegalArgumentException naming the valid forms when the spec is not one of them,
   *     or for a live source (see {@link #isLive})
   * @throws io.trendstream.common.UserError when a file cannot be read
   */
  public static PostSource open(String spec, long seed, double rate, Vocabulary vocabulary) {
    check(spec);
    if (isLive(spec)) {
      throw new IllegalArgumentException(
          "'" + spec + "' is a live source: open it with its flags (LiveSourceOptions)");
    }
    if (spec.equals(SYNTHETIC)) {
      double perSecond = rate > 0 ? rate : UNPACED_POSTS_PER_EVENT_SECOND;
      return new SyntheticSource(seed, System.currentTimeMillis(), perSecond, vocabulary);
    }
    if (spec.equals(STDIN)) {
      return JsonLinesSource.ofStdin();
    }
    return JsonLinesSource.ofFile(Path.of(spec.substring(FILE_PREFIX.length())));
  }

  /** Whether the spec names a live network source ({@code x}, {@code bluesky}). */
  public static boolean isLive(String spec) {
    return LIVE.contains(spec);
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
    if (spec.equals(SYNTHETIC) || spec.equals(STDIN) || isLive(spec)) {
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
