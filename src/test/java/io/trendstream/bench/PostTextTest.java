package io.trendstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PostTextTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsTheTextOfOurPostJson() {
    Post p = Post.of("Tue Mar 13 03:49:58 +0000 2018", 7, "héllo \"wörld\" 東京", "en");
    assertThat(PostText.of(utf8(PostJson.toJson(p)))).isEqualTo("héllo \"wörld\" 東京");
  }

  @Test
  void skipsNestedObjectsBeforeTheText() {
    String v11 = "{\"user\":{\"text\":\"not this\",\"ids\":[1,{\"text\":\"nor this\"}]},"
        + "\"text\":\"this\"}";
    assertThat(PostText.of(utf8(v11))).isEqualTo("this");
  }

  @Test
  void noTextForValuesThatAreNotPosts() {
    assertThat(PostText.of(utf8("not json"))).isNull();
    assertThat(PostText.of(utf8("[\"text\"]"))).isNull();
    assertThat(PostText.of(utf8("{\"id\":1}"))).isNull();
    assertThat(PostText.of(utf8("{\"text\":null}"))).isNull();
    assertThat(PostText.of(utf8("{\"text\":\"cut"))).isNull();
    assertThat(PostText.of(null)).isNull();
  }
}
