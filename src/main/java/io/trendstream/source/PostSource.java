package io.trendstream.source;

import io.trendstream.post.Post;

/**
 * Where posts come from before they reach Kafka: synthetic, a file, stdin, or a live API. Pull
 * based so the producer loop owns pacing ({@code --rate}) and the stop condition
 * ({@code --count}); push sources (WebSockets) buffer internally.
 */
public interface PostSource extends AutoCloseable {
  /**
   * Blocks until the next post is available.
   *
   * @return the next post, or {@code null} when the source is exhausted (end of file)
   */
  Post next() throws Exception;

  /** A short human description for status lines, e.g. {@code file:posts.jsonl}. */
  String describe();

  /** Optional progress for long finite sources, e.g. {@code 41%}; empty when unknown. */
  default String progress() {
    return "";
  }

  /** Bad input lines skipped so far (each was reported when skipped). */
  default long skipped() {
    return 0;
  }

  @Override
  default void close() throws Exception {}
}
