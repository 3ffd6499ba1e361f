package io.trendstream.source.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.post.Post;
import org.junit.jupiter.api.Test;

/** {@link JetstreamJson}: which events are posts, and how a post maps. */
class JetstreamJsonTest {
  private static final String DID = "did:plc:eygmaihciaxprqvxpfvl6flk";

  @Test
  void idIsAPinnedSha256PrefixSoReplaysAcrossVersionsDeduplicate() {
    // Computed independently: Python hashlib.sha256(b"DID/RKEY"), first 8 bytes, top bit off.
    assertThat(JetstreamJson.postId(DID, "3l3qo2vuowo2b")).isEqualTo(331_793_901_840_726_671L);
    assertThat(JetstreamJson.postId(DID, "3l3qo2vuowo2c"))
        .isNotEqualTo(JetstreamJson.postId(DID, "3l3qo2vuowo2b"))
        .isNotNegative();
  }

  @Test
  void mapsAPostCreation() {
    Post p = JetstreamJson.toPost(Jetstream.post(Jetstream.at(0), DID, "3l3qo2vuowo2b",
        "hello \"world\"\nline two", "2024-09-09T19:46:02.102Z", "en-US", "de")).orElseThrow();

    assertThat(p).isEqualTo(new Post("Mon Sep 09 19:46:02 +0000 2024", 331_793_901_840_726_671L,
        "at://" + DID + "/app.bsky.feed.post/3l3qo2vuowo2b", "hello \"world\"\nline two",
        0, 0, false, false, "en-US"));
  }

  @Test
  void nonPostEventsAreEmpty() {
    assertThat(JetstreamJson.toPost(Jetstream.identity(1, DID, "a.bsky.social"))).isEmpty();
    assertThat(JetstreamJson.toPost(Jetstream.account(1, DID, true))).isEmpty();
    assertThat(JetstreamJson.toPost(Jetstream.delete(1, DID, "x"))).isEmpty();
    String like = Jetstream.post(1, DID, "x", "t", "2024-09-09T19:46:02Z")
        .replace("\"collection\":\"app.bsky.feed.post\"", "\"collection\":\"app.bsky.feed.like\"");
    assertThat(JetstreamJson.toPost(like)).isEmpty();
    String update = Jetstream.post(1, DID, "x", "t", "2024-09-09T19:46:02Z")
        .replace("\"operation\":\"create\"", "\"operation\":\"update\"");
    assertThat(JetstreamJson.toPost(update)).isEmpty();
  }

  @Test
  void badCreatedAtFallsBackToTimeUsAndOutOfRangeYearsCountAsBad() {
    for (String created : new String[] {"", "yesterday", "2024-09-09T19:46:02",
        "+12024-09-09T19:46:02Z"}) {
      Post p = JetstreamJson.toPost(Jetstream.post(Jetstream.at(5), DID, "r", "t", created))
          .orElseThrow();
      assertThat(p.createdAt()).as(created).isEqualTo("Mon Sep 09 19:46:07 +0000 2024");
    }
  }

  @Test
  void malformedPostCreationsAndNonEventsAreErrors() {
    String noText = Jetstream.post(1, DID, "r", "t", "2024-09-09T19:46:02Z")
        .replace("\"text\":\"t\"", "\"txt\":\"t\"");
    assertThatThrownBy(() -> JetstreamJson.toPost(noText))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("has no text");
    String noRkey = Jetstream.post(1, DID, "r", "t", "2024-09-09T19:46:02Z")
        .replace("\"rkey\":\"r\",", "");
    assertThatThrownBy(() -> JetstreamJson.toPost(noRkey))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no 'rkey'");
    assertThatThrownBy(() -> JetstreamJson.toPost("{\"text\":\"t\"}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a Jetstream");
    assertThatThrownBy(() -> JetstreamJson.toPost("{oops"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not valid JSON");
  }
}
