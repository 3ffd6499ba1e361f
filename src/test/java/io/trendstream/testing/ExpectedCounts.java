package io.trendstream.testing;

import io.trendstream.pipeline.Tokenizer;
import io.trendstream.post.Post;
import io.trendstream.post.TwitterTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The oracle: what the job's tables must hold, computed from the posts in plain Java (no Spark).
 * Words as the default {@link Tokenizer#WORDS} splits them; windows as the job's defaults
 * (10 minutes, sliding by 5), keyed {@code window_start/window_end/word} with ISO-8601 instants
 * ({@link #windowKey}), the form sink readers build too.
 */
public final class ExpectedCounts {
  public static final Duration WINDOW = Duration.ofMinutes(10);
  public static final Duration SLIDE = Duration.ofMinutes(5);

  private ExpectedCounts() {}

  /** Running count per word over the posts. */
  public static Map<String, Long> words(Collection<Post> posts) {
    return wordsOfTexts(posts.stream().map(Post::text).toList());
  }

  public static Map<String, Long> wordsOfTexts(Collection<String> texts) {
    Map<String, Long> counts = new HashMap<>();
    for (String text : texts) {
      for (String w : Tokenizer.WORDS.tokenize(text)) {
        counts.merge(w, 1L, Long::sum);
      }
    }
    return counts;
  }

  /** Count per {@link #windowKey} over the posts' event times ({@code created_at}). */
  public static Map<String, Long> windowed(Collection<Post> posts) {
    long slide = SLIDE.toMillis();
    long length = WINDOW.toMillis();
    Map<String, Long> counts = new HashMap<>();
    for (Post p : posts) {
      long t = TwitterTime.parse(p.createdAt()).toEpochMilli();
      List<String> words = Tokenizer.WORDS.tokenize(p.text());
      for (long start = t - Math.floorMod(t, slide); start > t - length; start -= slide) {
        for (String w : words) {
          counts.merge(windowKey(Instant.ofEpochMilli(start),
              Instant.ofEpochMilli(start + length), w), 1L, Long::sum);
        }
      }
    }
    return counts;
  }

  public static String windowKey(Instant start, Instant end, String word) {
    return start + "/" + end + "/" + word;
  }

  /** The sum of the counts: tokens for word counts, tokens times windows for windowed ones. */
  public static long total(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
