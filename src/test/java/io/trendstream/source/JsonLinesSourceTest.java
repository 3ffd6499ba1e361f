package io.trendstream.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.cli.UserError;
import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesSourceTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

  static Path sample() throws Exception {
    return Path.of(JsonLinesSourceTest.class.getResource("/twitter-v1.1-sample.jsonl").toURI());
  }

  private static List<Post> drain(PostSource s) throws Exception {
    List<Post> out = new ArrayList<>();
    for (Post p = s.next(); p != null; p = s.next()) {
      out.add(p);
    }
    return out;
  }

  @Test
  void replaysTheV11SampleExactly() throws Exception {
    List<String> lines = Files.readAllLines(sample());
    try (JsonLinesSource s =
        JsonLinesSource.ofFile(sample(), JsonLinesSource.PLAIN, JsonLinesSource.POST_JSON, err)) {
      assertThat(s.progress()).isEqualTo("0%");
      List<Post> posts = drain(s);
      assertThat(posts).hasSize(43);
      assertThat(s.skipped()).isZero();
      assertThat(s.progress()).isEqualTo("100%");
      assertThat(s.describe()).isEqualTo("file:" + sample());
      assertThat(s.next()).isNull();
      for (int i = 0; i < posts.size(); i++) {
        var node = PostJson.MAPPER.readTree(lines.get(i));
        Post p = posts.get(i);
        // ids beyond 2^53 must survive exactly (no trip through a double).
        assertThat(p.id()).isEqualTo(Long.parseLong(node.get("id_str").asText()));
        assertThat(p.idStr()).isEqualTo(node.get("id_str").asText());
        assertThat(p.text()).isEqualTo(node.get("text").asText());
        assertThat(p.createdAt()).isEqualTo(node.get("created_at").asText());
      }
    }
    assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void keepsNewlinesInsideTexts() throws Exception {
    try (JsonLinesSource s = JsonLinesSource.ofFile(sample())) {
      List<Post> posts = drain(s);
      assertThat(posts).filteredOn(p -> p.text().contains("\n")).hasSize(2)
          .extracting(Post::idStr).containsExactly("536946966857396224", "536947113037676545");
      assertThat(posts.get(0).id()).isEqualTo(536946943952707584L);
    }
  }

  @Test
  void reportsAndSkipsBadLinesWithTheirLineNumbers() throws Exception {
    String good = "{\"created_at\":\"Tue Mar 13 03:49:58 +0000 2018\",\"id_str\":\"%d\","
        + "\"text\":\"post %d\",\"lang\":\"en\"}";
    Path file = dir.resolve("mixed.jsonl");
    Files.writeString(file, String.join("\n",
        String.format(good, 1, 1),
        "{not json",
        "",
        "{\"created_at\":\"Tue Mar 13 03:49:58 +0000 2018\",\"id\":5}",
        "   ",
        "{\"created_at\":\"yesterday\",\"id\":6,\"text\":\"x\"}",
        String.format(good, 7, 7),
        "[1,2]") + "\n");
    try (JsonLinesSource s =
        JsonLinesSource.ofFile(file, JsonLinesSource.PLAIN, JsonLinesSource.POST_JSON, err)) {
      List<Post> posts = drain(s);
      assertThat(posts).extracting(Post::text).containsExactly("post 1", "post 7");
      assertThat(s.skipped()).isEqualTo(4);
      assertThat(s.lines()).isEqualTo(8);
    }
    List<String> errors = errBytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(errors).hasSize(4);
    assertThat(errors.get(0)).startsWith("file:" + file + ":2: not valid JSON");
    assertThat(errors.get(1)).isEqualTo("file:" + file + ":4: no 'text' field");
    assertThat(errors.get(2)).startsWith("file:" + file + ":6: created_at 'yesterday'");
    assertThat(errors.get(3)).isEqualTo("file:" + file + ":8: not a JSON object");
  }

  @Test
  void stdinStyleStreamsLabelErrorsAndHaveNoProgress() throws Exception {
    byte[] in = ("oops\n" + PostJson.toJson(Post.of("Tue Mar 13 03:49:58 +0000 2018", 9, "hi",
        "en"))).getBytes(StandardCharsets.UTF_8);
    try (JsonLinesSource s = JsonLinesSource.ofStream(JsonLinesSource.STDIN,
        new ByteArrayInputStream(in), JsonLinesSource.PLAIN, JsonLinesSource.POST_JSON, err)) {
      assertThat(drain(s)).extracting(Post::id).containsExactly(9L);
      assertThat(s.progress()).isEmpty();
    }
    assertThat(errBytes.toString(StandardCharsets.UTF_8)).startsWith("stdin:1: not valid JSON");
  }

  @Test
  void pluggableMapperAndDecoder() throws Exception {
    Path file = dir.resolve("custom.txt.gz");
    try (var out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write("skip-me\nhello\n".getBytes(StandardCharsets.UTF_8));
    }
    JsonLinesSource.LineMapper mapper = line -> line.startsWith("skip")
        ? null
        : Post.of("Tue Mar 13 03:49:58 +0000 2018", 1, line.toUpperCase(), "en");
    try (JsonLinesSource s = JsonLinesSource.ofFile(file, GZIPInputStream::new, mapper, err)) {
      assertThat(drain(s)).extracting(Post::text).containsExactly("HELLO");
      assertThat(s.skipped()).isZero();
      // Progress counts the compressed bytes, so it reaches 100% of the file's size.
      assertThat(s.progress()).isEqualTo("100%");
    }
  }

  @Test
  void missingFileIsAOneLineUserError() {
    Path missing = dir.resolve("nope.jsonl");
    assertThatThrownBy(() -> JsonLinesSource.ofFile(missing))
        .isInstanceOf(UserError.class)
        .hasMessage("cannot read file:" + missing + ": no such file");
    assertThatThrownBy(() -> JsonLinesSource.ofFile(dir))
        .isInstanceOf(UserError.class)
        .hasMessageContaining("is a directory");
  }
}
