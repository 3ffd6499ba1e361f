package io.trendstream.source.live;

import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.post.Post;
import io.trendstream.post.TwitterTime;
import java.time.Instant;

/**
 * X API v2 tweet objects to posts. Input: one element of the {@code data} array of
 * {@code GET /2/tweets/search/recent} with {@code tweet.fields=created_at,lang,public_metrics},
 * e.g. {@code {"id":"1877","text":"hi","created_at":"2025-01-06T18:40:40.000Z","lang":"en",
 * "public_metrics":{"retweet_count":2,"like_count":5,...}}}. Output: a {@link Post} with
 * {@code created_at} in Twitter's format, {@code retweet_count} and {@code favorite_count} (from
 * {@code like_count}) copied, {@code favorited}/{@code retweeted} false (v2 has no per-viewer
 * flags for an app token). The {@code --record} file holds these objects one per line.
 */
public final class XJson {
  private XJson() {}

  /** @throws IllegalArgumentException with a short reason when a needed field is missing */
  public static Post toPost(JsonNode tweet) {
    if (tweet == null || !tweet.isObject()) {
      throw new IllegalArgumentException("X tweet is not a JSON object");
    }
    JsonNode idNode = tweet.get("id");
    if (idNode == null || !(idNode.isTextual() || idNode.canConvertToLong())) {
      throw new IllegalArgumentException("X tweet has no 'id'");
    }
    String idStr = idNode.asText();
    long id;
    try {
      id = Long.parseLong(idStr);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("X tweet id '" + idStr + "' is not a number");
    }
    JsonNode text = tweet.get("text");
    if (text == null || !text.isTextual()) {
      throw new IllegalArgumentException("X tweet " + idStr + " has no 'text'");
    }
    String created = tweet.path("created_at").asText(null);
    Instant at = IsoTimes.parse(created);
    if (at == null) {
      throw new IllegalArgumentException(
          "X tweet " + idStr + " has no ISO-8601 'created_at' (got " + created + ")");
    }
    JsonNode metrics = tweet.path("public_metrics");
    JsonNode lang = tweet.get("lang");
    return new Post(
        TwitterTime.format(at),
        id,
        idStr,
        text.asText(),
        metrics.path("retweet_count").asLong(0),
        metrics.path("like_count").asLong(0),
        false,
        false,
        lang != null && lang.isTextual() ? lang.asText() : null);
  }

  /**
   * Tells a v2 tweet from our post JSON and v1.1 tweets, which also have {@code id} and
   * {@code text}: v2 writes {@code created_at} in ISO-8601, the others in Twitter's format.
   */
  public static boolean isTweetV2(JsonNode node) {
    return node != null
        && node.isObject()
        && node.has("text")
        && IsoTimes.looksIso(node.path("created_at").asText(null));
  }
}
