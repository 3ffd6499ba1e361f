package io.trendstream.source.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import io.trendstream.post.TwitterTime;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * Bluesky Jetstream events to posts. Input: one Jetstream JSON event, e.g.
 * {@code {"did":"did:plc:abc","time_us":1725911162329308,"kind":"commit","commit":{"operation":
 * "create","collection":"app.bsky.feed.post","rkey":"3l3qo2vuowo2b","record":{"text":"hi",
 * "createdAt":"2024-09-09T19:46:02.102Z","langs":["en"]}}}}. Output: a {@link Post} for commit
 * events that create an {@code app.bsky.feed.post}; nothing for identity and account events,
 * deletes, updates and other collections.
 *
 * <p>Ids: {@code id_str} is the post's AT URI, {@code at://DID/app.bsky.feed.post/RKEY}, which
 * names the post everywhere in the AT Protocol; {@code id} is the first 63 bits of the SHA-256 of
 * {@code DID/RKEY}, stable across runs and machines, so duplicates are removed by id. Text,
 * first of {@code langs} (null when absent), engagement counters 0. {@code created_at} is the
 * record's {@code createdAt} in Twitter's format, or the event's {@code time_us} when the client
 * wrote an unparseable one.
 */
public final class JetstreamJson {
  public static final String POST_COLLECTION = "app.bsky.feed.post";

  private JetstreamJson() {}

  /** Parses one line; see {@link #toPost(JsonNode)}. */
  public static Optional<Post> toPost(String line) {
    JsonNode n;
    try {
      n = PostJson.MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON (" + e.getOriginalMessage() + ")");
    }
    return toPost(n);
  }

  /**
   * @return the post, or empty for an event that is not a post creation
   * @throws IllegalArgumentException with a short reason when a post creation lacks a needed
   *     field (author, rkey, text, or both times)
   */
  public static Optional<Post> toPost(JsonNode event) {
    if (!isEvent(event)) {
      throw new IllegalArgumentException("not a Jetstream event (no 'did' and 'kind')");
    }
    JsonNode commit = event.path("commit");
    if (!"commit".equals(event.get("kind").asText())
        || !"create".equals(commit.path("operation").asText())
        || !POST_COLLECTION.equals(commit.path("collection").asText())) {
      return Optional.empty();
    }
    String did = event.get("did").asText();
    String rkey = commit.path("rkey").asText("");
    if (rkey.isEmpty()) {
      throw new IllegalArgumentException("Jetstream post by " + did + " has no 'rkey'");
    }
    JsonNode record = commit.path("record");
    JsonNode text = record.get("text");
    if (text == null || !text.isTextual()) {
      throw new IllegalArgumentException("Jetstream post " + atUri(did, rkey) + " has no text");
    }
    Instant at = IsoTimes.parse(record.path("createdAt").asText(null));
    if (at == null) {
      long timeUs = timeUs(event);
      if (timeUs <= 0) {
        throw new IllegalArgumentException(
            "Jetstream post " + atUri(did, rkey) + " has neither createdAt nor time_us");
      }
      at = Instant.EPOCH.plus(timeUs, ChronoUnit.MICROS);
    }
    JsonNode langs = record.path("langs");
    String lang = langs.isArray() && langs.size() > 0 && langs.get(0).isTextual()
        ? langs.get(0).asText()
        : null;
    return Optional.of(new Post(
        TwitterTime.format(at), postId(did, rkey), atUri(did, rkey), text.asText(),
        0, 0, false, false, lang));
  }

  /** Every Jetstream event names its repository ({@code did}) and its {@code kind}. */
  public static boolean isEvent(JsonNode node) {
    return node != null
        && node.isObject()
        && node.path("did").isTextual()
        && node.path("kind").isTextual();
  }

  /** The event's Jetstream time in microseconds since the epoch, or 0 when absent. */
  public static long timeUs(JsonNode event) {
    JsonNode t = event.get("time_us");
    return t != null && t.canConvertToLong() ? t.asLong() : 0;
  }

  public static String atUri(String did, String rkey) {
    return "at://" + did + "/" + POST_COLLECTION + "/" + rkey;
  }

  /** First 63 bits of SHA-256("DID/RKEY"): non-negative, like Twitter ids. */
  public static long postId(String did, String rkey) {
    byte[] digest = sha256().digest((did + "/" + rkey).getBytes(StandardCharsets.UTF_8));
    return ByteBuffer.wrap(digest).getLong() & Long.MAX_VALUE;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
