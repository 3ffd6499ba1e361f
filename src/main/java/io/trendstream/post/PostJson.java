package io.trendstream.post;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * Post JSON: the wire format on the {@code tweets} topic. Input: our own post JSON or a full
 * Twitter API v1.1 tweet object (extra fields ignored). Output: a flat object with the nine
 * fields, snake_case as Twitter names them, e.g.
 * {@code {"created_at":"Tue Mar 13 03:49:58 +0000 2018","id":1,"id_str":"1","text":"hi",
 * "retweet_count":0,"favorite_count":0,"favorited":false,"retweeted":false,"lang":"en"}}.
 */
public final class PostJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private PostJson() {}

  /** Writes by hand rather than by reflection: this is on the producer's hot path. */
  public static String toJson(Post p) {
    StringWriter out = new StringWriter(96 + p.text().length());
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("created_at", p.createdAt());
      g.writeNumberField("id", p.id());
      g.writeStringField("id_str", p.idStr());
      g.writeStringField("text", p.text());
      g.writeNumberField("retweet_count", p.retweetCount());
      g.writeNumberField("favorite_count", p.favoriteCount());
      g.writeBooleanField("favorited", p.favorited());
      g.writeBooleanField("retweeted", p.retweeted());
      if (p.lang() == null) {
        g.writeNullField("lang");
      } else {
        g.writeStringField("lang", p.lang());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /**
   * Parses one JSON line, ours or a v1.1 tweet.
   *
   * @throws IllegalArgumentException with a short reason when the line is not a post
   */
  public static Post parse(String line) {
    JsonNode n;
    try {
      n = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON (" + e.getOriginalMessage() + ")");
    }
    return fromNode(n);
  }

  /** Maps an already-parsed object; the v1.1 mapping and ours are the same nine fields. */
  public static Post fromNode(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    String text = textOf(n);
    if (text == null) {
      throw new IllegalArgumentException("no 'text' field");
    }
    JsonNode created = n.get("created_at");
    if (created == null || !created.isTextual()) {
      throw new IllegalArgumentException("no 'created_at' field");
    }
    TwitterTime.parse(created.asText());
    long id;
    String idStr;
    JsonNode idStrNode = n.get("id_str");
    JsonNode idNode = n.get("id");
    if (idStrNode != null && idStrNode.isTextual()) {
      idStr = idStrNode.asText();
      id = parseId(idStr, idNode);
    } else if (idNode != null && idNode.canConvertToLong()) {
      id = idNode.asLong();
      idStr = Long.toString(id);
    } else {
      throw new IllegalArgumentException("no 'id' or 'id_str' field");
    }
    return new Post(
        created.asText(),
        id,
        idStr,
        text,
        n.path("retweet_count").asLong(0),
        n.path("favorite_count").asLong(0),
        n.path("favorited").asBoolean(false),
        n.path("retweeted").asBoolean(false),
        n.hasNonNull("lang") ? n.get("lang").asText() : null);
  }

  /** v1.1 puts the untruncated text of long tweets under extended_tweet.full_text. */
  private static String textOf(JsonNode n) {
    JsonNode full = n.path("extended_tweet").path("full_text");
    if (full.isTextual()) {
      return full.asText();
    }
    JsonNode text = n.get("text");
    return text != null && text.isTextual() ? text.asText() : null;
  }

  /**
   * A tweet's id_str is its exact id; a Bluesky post's id_str is its AT URI, so its number is
   * in {@code id} (see {@code JetstreamJson}).
   */
  private static long parseId(String idStr, JsonNode idNode) {
    try {
      return Long.parseLong(idStr);
    } catch (NumberFormatException e) {
      if (idNode != null && idNode.isIntegralNumber() && idNode.canConvertToLong()) {
        return idNode.asLong();
      }
      throw new IllegalArgumentException(
          "id_str '" + idStr + "' is not a number and there is no numeric 'id'");
    }
  }
}
