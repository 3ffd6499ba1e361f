package io.trendstream.testing;

import io.trendstream.post.Post;
import io.trendstream.post.TwitterTime;
import io.trendstream.source.PostSource;
import io.trendstream.source.SyntheticSource;
import io.trendstream.source.Vocabulary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Known posts for tests, and a {@link PostSource} that hands them to the producer. */
public final class TestPosts {
  private TestPosts() {}

  /** Posts [0, n) of the seeded synthetic stream (small vocabulary), {@code perSecond} per s. */
  public static List<Post> synthetic(long seed, Instant start, double perSecond, int n) {
    return synthetic(seed, start, perSecond, Vocabulary.SMALL, n);
  }

  /** Posts [0, n) of the seeded synthetic stream, {@code perSecond} per event second. */
  public static List<Post> synthetic(long seed, Instant start, double perSecond,
      Vocabulary vocabulary, int n) {
    SyntheticSource source =
        new SyntheticSource(seed, start.toEpochMilli(), perSecond, vocabulary);
    List<Post> posts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      posts.add(source.next());
    }
    return posts;
  }

  /** One post per text, all at {@code createdAt}, with ids from {@code firstId} on. */
  public static List<Post> ofTexts(Instant createdAt, long firstId, String... texts) {
    List<Post> posts = new ArrayList<>(texts.length);
    for (int i = 0; i < texts.length; i++) {
      posts.add(Post.of(TwitterTime.format(createdAt), firstId + i, texts[i], "en"));
    }
    return posts;
  }

  /** A finite source of the given posts, in order. */
  public static PostSource source(List<Post> posts) {
    Iterator<Post> it = List.copyOf(posts).iterator();
    return new PostSource() {
      @Override
      public Post next() {
        return it.hasNext() ? it.next() : null;
      }

      @Override
      public String describe() {
        return posts.size() + " test posts";
      }
    };
  }
}
