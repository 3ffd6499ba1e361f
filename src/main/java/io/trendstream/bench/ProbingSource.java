package io.trendstream.bench;

import io.trendstream.post.Post;
import io.trendstream.source.PostSource;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * A source for the latency phases: every n-th post of {@code inner} gets a probe word appended,
 * and the moment it is handed to the producer is noted under the probe's key. Input: the posts
 * of {@code inner}. Output: the same posts, some with the word; {@code sentAt} filled with
 * key → {@link System#nanoTime()}.
 */
final class ProbingSource implements PostSource {
  /** What a probe is found by: the word it carries, or the post's id. */
  enum Key { WORD, POST_ID }

  private final PostSource inner;
  private final int every;
  private final Map<String, Long> sentAt;
  private final LongFunction<String> word;
  private final Key key;
  private long n;

  /** @param word the word the n-th probe carries, from n */
  ProbingSource(PostSource inner, int every, Map<String, Long> sentAt, LongFunction<String> word,
      Key key) {
    this.inner = inner;
    this.every = every;
    this.sentAt = sentAt;
    this.word = word;
    this.key = key;
  }

  @Override
  public Post next() throws Exception {
    Post p = inner.next();
    if (p == null || n++ % every != 0) {
      return p;
    }
    String w = word.apply(n);
    Post probe = new Post(p.createdAt(), p.id(), p.idStr(), p.text() + " " + w,
        p.retweetCount(), p.favoriteCount(), p.favorited(), p.retweeted(), p.lang());
    sentAt.put(key == Key.WORD ? w : p.idStr(), System.nanoTime());
    return probe;
  }

  @Override
  public String describe() {
    return inner.describe() + " with probes";
  }
}
