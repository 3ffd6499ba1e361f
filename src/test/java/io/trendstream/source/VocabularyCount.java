package io.trendstream.source;

import io.trendstream.pipeline.Tokenizer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Measures a synthetic vocabulary: the figures in docs/sources.md come from here. Input:
 * {@code [POSTS] [VOCABULARY...]} (default 1,000,000 posts, every vocabulary), seed 42. Output,
 * per vocabulary on stdout: distinct tokens after 2,042 posts (the size of the real-tweet
 * sample), 100 k, 200 k, 500 k, 1 M... up to POSTS, each as lowercased whitespace tokens (how
 * the real sample was counted; {@code --tokenizer whitespace} keeps case, which adds under 1 %)
 * and as words tokenizer tokens ({@code word_counts}' default), with Heaps' exponent between
 * consecutive marks; then the cost of generating a post. Run it after test-compile:
 *
 * <pre>
 * java -Xmx3g -cp "target/test-classes:target/classes:$(cat target/runtime.classpath)" \
 *   io.trendstream.source.VocabularyCount 1000000
 * </pre>
 */
public final class VocabularyCount {
  /** The real sample's size in tweets, so the first mark compares like with like. */
  static final int REAL_SAMPLE_POSTS = 2_042;
  static final long START = 1_772_366_400_000L;  // 2026-03-01T12:00:00Z
  private static final long SEED = 42;
  private static final int TIMED_POSTS = 1_000_000;

  /** Distinct tokens seen so far, counted two ways. */
  static final class Distinct {
    final Set<String> lowercased = new HashSet<>();
    final Set<String> words = new HashSet<>();
    /** Also run the words tokenizer; ICU segmentation makes it the slow part. */
    boolean withWords;

    /** @param withWords also run the words tokenizer */
    Distinct(boolean withWords) {
      this.withWords = withWords;
    }

    void add(String text) {
      for (String t : Tokenizer.WHITESPACE.tokenArray(text)) {
        lowercased.add(t.toLowerCase(Locale.ROOT));
      }
      if (withWords) {
        for (String t : Tokenizer.WORDS.tokenArray(text)) {
          words.add(t);
        }
      }
    }

    /** Adds the next {@code n} posts of the source. */
    Distinct take(SyntheticSource source, long n) {
      for (long i = 0; i < n; i++) {
        add(source.next().text());
      }
      return this;
    }
  }

  private VocabularyCount() {}

  public static void main(String[] args) {
    long posts = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 1_000_000;
    List<Vocabulary> vocabularies = new ArrayList<>();
    for (int i = 1; i < args.length; i++) {
      vocabularies.add(Vocabulary.of(args[i]));
    }
    if (vocabularies.isEmpty()) {
      vocabularies.addAll(List.of(Vocabulary.values()));
    }
    for (Vocabulary v : vocabularies) {
      count(v, posts);
    }
    for (int pass = 0; pass < 5; pass++) {
      for (Vocabulary v : vocabularies) {
        System.out.printf(Locale.ROOT, "pass %d: %-9s %,6.0f ns CPU per post%n", pass + 1,
            v.flagValue(), nanosPerPost(v));
      }
    }
  }

  private static void count(Vocabulary v, long posts) {
    System.out.printf(Locale.ROOT, "%s, seed %d:%n%12s %12s %8s %12s %8s%n", v.flagValue(),
        SEED, "posts", "lowercased", "heaps b", "words", "heaps b");
    SyntheticSource source = new SyntheticSource(SEED, START, 1000, v);
    Distinct d = new Distinct(true);
    long done = 0;
    long[] previous = null;
    for (long mark : marks(posts)) {
      d.take(source, mark - done);
      done = mark;
      long[] now = {mark, d.lowercased.size(), d.words.size()};
      System.out.printf(Locale.ROOT, "%,12d %,12d %8s %,12d %8s%n", mark, now[1],
          heaps(previous, now, 1), now[2], heaps(previous, now, 2));
      previous = now;
    }
  }

  /** 2,042, then 100 k, 200 k, 500 k, 1 M, 2 M, 5 M... below {@code posts}, then posts. */
  private static List<Long> marks(long posts) {
    List<Long> out = new ArrayList<>();
    out.add(Math.min(REAL_SAMPLE_POSTS, posts));
    for (long decade = 100_000; decade < posts; decade *= 10) {
      for (long m : new long[] {decade, 2 * decade, 5 * decade}) {
        if (m < posts) {
          out.add(m);
        }
      }
    }
    if (posts > out.get(out.size() - 1)) {
      out.add(posts);
    }
    return out;
  }

  /** Heaps' exponent b of V = K * N^b between two marks, for column {@code k}. */
  private static String heaps(long[] a, long[] b, int k) {
    if (a == null) {
      return "";
    }
    return String.format(Locale.ROOT, "%.2f",
        Math.log((double) b[k] / a[k]) / Math.log((double) b[0] / a[0]));
  }

  /**
   * Generation alone, no counting: what the producer pays per post. CPU time of this thread,
   * not wall time, so other work on a shared machine does not count against the source.
   */
  private static double nanosPerPost(Vocabulary v) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    SyntheticSource source = new SyntheticSource(SEED, START, 1000, v);
    long chars = 0;
    long t0 = threads.getCurrentThreadCpuTime();
    for (int i = 0; i < TIMED_POSTS; i++) {
      chars += source.next().text().length();
    }
    double ns = (threads.getCurrentThreadCpuTime() - t0) / (double) TIMED_POSTS;
    if (chars == 0) {
      throw new AssertionError("no text");  // keeps the loop from being optimized away
    }
    return ns;
  }
}
