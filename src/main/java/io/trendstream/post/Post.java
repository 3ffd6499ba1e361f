package io.trendstream.post;

import java.util.Objects;

/**
 * One social-media post, with the nine fields the original Twitter demo kept. Every source maps
 * to this record, the producer writes it to Kafka as JSON ({@link PostJson}), and the Spark job
 * reads it back with {@link PostSchema}. Field names on the wire are Twitter v1.1's, so a raw
 * v1.1 tweet object is also a valid post.
 *
 * @param createdAt Twitter's format, e.g. {@code Tue Mar 13 03:49:58 +0000 2018} ({@link TwitterTime})
 * @param id numeric id; may exceed 2^53, so never round-trip it through a double
 * @param idStr the id as text; the Kafka record key
 */
public record Post(
    String createdAt,
    long id,
    String idStr,
    String text,
    long retweetCount,
    long favoriteCount,
    boolean favorited,
    boolean retweeted,
    String lang) {

  /** The Kafka topic posts travel on, from every producer to the streaming job. */
  public static final String TOPIC = "tweets";

  public Post {
    Objects.requireNonNull(createdAt, "created_at");
    Objects.requireNonNull(idStr, "id_str");
    Objects.requireNonNull(text, "text");
  }

  /** A post with zero engagement counters, as most sources produce. */
  public static Post of(String createdAt, long id, String text, String lang) {
    return new Post(createdAt, id, Long.toString(id), text, 0, 0, false, false, lang);
  }
}
