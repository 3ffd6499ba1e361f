package io.trendstream.bench;

import io.trendstream.pipeline.Tokenizer;
import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import io.trendstream.post.TwitterTime;
import io.trendstream.source.SyntheticSource;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The counts every engine must produce, computed straight from the synthetic source (no Kafka,
 * no engine): the same seed, start and event-time speed the preload used. Input: the source's
 * parameters and the window settings. Output: word counts for both tokenizers, windowed counts
 * keyed {@code <window start epoch second>|<word>}, token totals and the JSON bytes preloaded.
 */
public final class Reference {
  public final Map<String, Long> words = new HashMap<>();
  public final Map<String, Long> whitespace = new HashMap<>();
  public final Map<String, Long> windowed = new HashMap<>();
  public long wordsTokens;
  public long whitespaceTokens;
  public long jsonBytes;

  private Reference() {}

  /** The key {@link #windowed} and the windowed engine use for one (window, word). */
  public static String windowKey(long windowStartEpochSecond, String word) {
    return PeerProtocol.windowKey(windowStartEpochSecond, word);
  }

  public static Reference compute(SyntheticSource source, long posts, long windowMs,
      long slideMs) {
    Reference r = new Reference();
    for (long i = 0; i < posts; i++) {
      Post p = source.next();
      r.jsonBytes += PostJson.toJson(p).getBytes(StandardCharsets.UTF_8).length;
      long t = TwitterTime.parse(p.createdAt()).toEpochMilli();
      // Spark's window(): every window [start, start + windowMs) with start on the slide grid.
      long lastStart = Math.floorDiv(t, slideMs) * slideMs;
      for (String w : Tokenizer.WORDS.tokenize(p.text())) {
        r.words.merge(w, 1L, Long::sum);
        r.wordsTokens++;
        for (long s = lastStart; s > t - windowMs; s -= slideMs) {
          r.windowed.merge(windowKey(s / 1000, w), 1L, Long::sum);
        }
      }
      for (String w : Tokenizer.WHITESPACE.tokenize(p.text())) {
        r.whitespace.merge(w, 1L, Long::sum);
        r.whitespaceTokens++;
      }
    }
    return r;
  }

  public Map<String, Long> counts(Engine engine) {
    if (engine.kind.windowed()) {
      return windowed;
    }
    return engine.tokenizer == Tokenizer.WORDS ? words : whitespace;
  }

  public long tokens(Tokenizer tokenizer) {
    return tokenizer == Tokenizer.WORDS ? wordsTokens : whitespaceTokens;
  }

  /**
   * @return null when equal, else a one-line description of the first differences
   */
  public static String diff(Map<String, Long> expected, Map<String, Long> actual) {
    if (expected.equals(actual)) {
      return null;
    }
    StringBuilder b = new StringBuilder()
        .append(actual.size()).append(" keys, expected ").append(expected.size());
    int shown = 0;
    for (Map.Entry<String, Long> e : expected.entrySet()) {
      Long a = actual.get(e.getKey());
      if (!e.getValue().equals(a) && shown++ < 3) {
        b.append("; '").append(e.getKey()).append("' ").append(a).append(" != ")
            .append(e.getValue());
      }
    }
    for (Map.Entry<String, Long> e : actual.entrySet()) {
      if (!expected.containsKey(e.getKey()) && shown++ < 6) {
        b.append("; unexpected '").append(e.getKey()).append("' ").append(e.getValue());
      }
    }
    return b.toString();
  }
}
