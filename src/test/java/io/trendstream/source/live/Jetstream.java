package io.trendstream.source.live;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trendstream.post.PostJson;

/**
 * Jetstream events of the shapes jetstream2.us-east.bsky.network sends, for tests; public because
 * the CLI end-to-end tests replay them too.
 */
public final class Jetstream {
  /** 2024-09-09T19:46:02Z in microseconds. */
  public static final long T0 = 1_725_911_162_000_000L;
  public static final long SECOND = 1_000_000L;

  private Jetstream() {}

  public static long at(int seconds) {
    return T0 + seconds * SECOND;
  }

  public static String post(long timeUs, String did, String rkey, String text, String createdAt,
      String... langs) {
    ObjectNode e = event(did, timeUs, "commit");
    ObjectNode commit = e.putObject("commit");
    commit.put("rev", "3l3qo2vutsw2b");
    commit.put("operation", "create");
    commit.put("collection", "app.bsky.feed.post");
    commit.put("rkey", rkey);
    ObjectNode record = commit.putObject("record");
    record.put("$type", "app.bsky.feed.post");
    record.put("createdAt", createdAt);
    if (langs.length > 0) {
      record.putArray("langs").addAll(
          java.util.Arrays.stream(langs).map(PostJson.MAPPER.getNodeFactory()::textNode)
              .toList());
    }
    record.put("text", text);
    commit.put("cid", "bafyreidwaivazkwu67xztlmuobx35hs2lnfh3kolmgfmucldvhd3sgzcqi");
    return e.toString();
  }

  public static String delete(long timeUs, String did, String rkey) {
    ObjectNode e = event(did, timeUs, "commit");
    ObjectNode commit = e.putObject("commit");
    commit.put("rev", "3l3qo2vutsw2c");
    commit.put("operation", "delete");
    commit.put("collection", "app.bsky.feed.post");
    commit.put("rkey", rkey);
    return e.toString();
  }

  public static String identity(long timeUs, String did, String handle) {
    ObjectNode e = event(did, timeUs, "identity");
    ObjectNode id = e.putObject("identity");
    id.put("did", did);
    id.put("handle", handle);
    id.put("seq", 1_409_752_997L);
    id.put("time", "2024-09-09T19:46:03.870Z");
    return e.toString();
  }

  public static String account(long timeUs, String did, boolean active) {
    ObjectNode e = event(did, timeUs, "account");
    ObjectNode a = e.putObject("account");
    a.put("active", active);
    a.put("did", did);
    a.put("seq", 1_409_753_013L);
    a.put("time", "2024-09-09T19:46:04.870Z");
    return e.toString();
  }

  private static ObjectNode event(String did, long timeUs, String kind) {
    ObjectNode e = PostJson.MAPPER.createObjectNode();
    e.put("did", did);
    e.put("time_us", timeUs);
    e.put("kind", kind);
    return e;
  }
}
