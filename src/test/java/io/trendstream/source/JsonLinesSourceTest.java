package io.trendstream.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.common.UserError;
import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import io.trendstream.source.live.Jetstream;
import io.trendstream.source.live.JetstreamJson;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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

  private static byte[] gzip(List<String> lines) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(bytes)) {
      out.write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  @Test
  void replaysAGzipJetstreamCaptureSkippingNonPostEventsQuietly() throws Exception {
    String alice = "did:plc:eygmaihciaxprqvxpfvl6flk";
    String bob = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";
    List<String> capture = List.of(
        Jetstream.identity(Jetstream.at(1), alice, "alice.bsky.social"),
        Jetstream.post(Jetstream.at(2), alice, "3l3qo2vuowo2a", "Streaming with Kafka",
            "2024-09-09T19:46:03.102Z", "en"),
        Jetstream.delete(Jetstream.at(3), bob, "3l3qo2vuowo00"),
        Jetstream.account(Jetstream.at(4), bob, false),
        Jetstream.post(Jetstream.at(5), bob, "3l3qo2vuowo2b", "Grüße 🚀 日本語",
            "2024-09-09T19:46:05Z"),
        "{\"did\":\"did:plc:cut\",\"time_us\":17259111",
        "{\"did\":\"" + bob + "\",\"time_us\":1,\"kind\":\"commit\",\"commit\":"
            + "{\"operation\":\"create\",\"collection\":\"app.bsky.feed.post\","
            + "\"rkey\":\"nt\",\"record\":{}}}");
    Path file = dir.resolve("capture.jsonl.gz");
    Files.write(file, gzip(capture));

    try (JsonLinesSource s = JsonLinesSource.ofFile(
        file, JsonLinesSource.GZIP_OR_PLAIN, JsonLinesSource.ANY_POST, err)) {
      List<Post> posts = drain(s);
      assertThat(posts).containsExactly(
          JetstreamJson.toPost(capture.get(1)).orElseThrow(),
          JetstreamJson.toPost(capture.get(4)).orElseThrow());
      assertThat(posts).extracting(Post::idStr).containsExactly(
          "at://" + alice + "/app.bsky.feed.post/3l3qo2vuowo2a",
          "at://" + bob + "/app.bsky.feed.post/3l3qo2vuowo2b");
      assertThat(posts).extracting(Post::text)
          .containsExactly("Streaming with Kafka", "Grüße 🚀 日本語");
      assertThat(posts).extracting(Post::lang).containsExactly("en", null);
      assertThat(s.skipped()).isEqualTo(2);
      assertThat(s.progress()).isEqualTo("100%");
    }
    // Identity, delete and account events are expected in a capture: not reported.
    List<String> errors = errBytes.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(errors).hasSize(2);
    assertThat(errors.get(0)).startsWith("file:" + file + ":6: not valid JSON");
    assertThat(errors.get(1)).isEqualTo("file:" + file + ":7: Jetstream post at://" + bob
        + "/app.bsky.feed.post/nt has no text");
  }

  @Test
  void theDefaultsReadGzipAndEveryPostShapeFromFilesAndStreams() throws Exception {
    String xTweet = "{\"id\":\"1876012345678901001\",\"text\":\"v2 tweet about kafka\","
        + "\"created_at\":\"2025-01-06T18:40:40.000Z\",\"lang\":\"en\","
        + "\"public_metrics\":{\"retweet_count\":2,\"like_count\":5}}";
    String ours = PostJson.toJson(Post.of("Tue Mar 13 03:49:58 +0000 2018", 9, "ours", "en"));
    String jet = Jetstream.post(Jetstream.at(1), "did:plc:a", "r1", "from bluesky",
        "2024-09-09T19:46:03Z", "pt");
    String v11 = Files.readAllLines(sample()).get(0);
    List<String> lines = List.of(xTweet, ours, jet, v11);
    Path file = dir.resolve("mixed.jsonl.gz");
    Files.write(file, gzip(lines));
    List<Post> expected = List.of(
        new Post("Mon Jan 06 18:40:40 +0000 2025", 1876012345678901001L, "1876012345678901001",
            "v2 tweet about kafka", 2, 5, false, false, "en"),
        PostJson.parse(ours),
        JetstreamJson.toPost(jet).orElseThrow(),
        PostJson.parse(v11));

    try (JsonLinesSource s = JsonLinesSource.ofFile(file)) {
      assertThat(drain(s)).isEqualTo(expected);
    }
    // stdin takes the same shapes, plain or gzip, and labels bad lines stdin:LINE.
    try (JsonLinesSource s = JsonLinesSource.ofStream(JsonLinesSource.STDIN,
        new ByteArrayInputStream(gzip(List.of(xTweet, "oops", jet))),
        JsonLinesSource.GZIP_OR_PLAIN, JsonLinesSource.ANY_POST, err)) {
      assertThat(drain(s)).containsExactly(expected.get(0), expected.get(2));
    }
    assertThat(errBytes.toString(StandardCharsets.UTF_8)).startsWith("stdin:2: not valid JSON");
    try (JsonLinesSource s = JsonLinesSource.ofStream(JsonLinesSource.STDIN,
        new ByteArrayInputStream(String.join("\n", lines).getBytes(StandardCharsets.UTF_8)),
        JsonLinesSource.GZIP_OR_PLAIN, JsonLinesSource.ANY_POST, err)) {
      assertThat(drain(s)).isEqualTo(expected);
    }
  }

  @Test
  void ourPostJsonOfBlueskyPostsReplays() throws Exception {
    // What the posts topic holds for a Bluesky post: id_str is the AT URI, id the number.
    Post bluesky = JetstreamJson.toPost(Jetstream.post(Jetstream.at(1), "did:plc:a", "r1",
        "from bluesky", "2024-09-09T19:46:03Z", "pt")).orElseThrow();
    String noNumber = "{\"created_at\":\"Tue Mar 13 03:49:58 +0000 2018\","
        + "\"id_str\":\"at://did:plc:a/app.bsky.feed.post/r2\",\"text\":\"x\"}";
    byte[] in = (PostJson.toJson(bluesky) + "\n" + noNumber + "\n")
        .getBytes(StandardCharsets.UTF_8);
    try (JsonLinesSource s = JsonLinesSource.ofStream(JsonLinesSource.STDIN,
        new ByteArrayInputStream(in), JsonLinesSource.GZIP_OR_PLAIN, JsonLinesSource.ANY_POST,
        err)) {
      assertThat(drain(s)).containsExactly(bluesky);
    }
    assertThat(errBytes.toString(StandardCharsets.UTF_8)).isEqualTo("stdin:2: id_str "
        + "'at://did:plc:a/app.bsky.feed.post/r2' is not a number and there is no numeric "
        + "'id'" + System.lineSeparator());
  }

  @Test
  void aStreamIsNotReadBeforeTheFirstPostIsAskedFor() throws Exception {
    // Sniffing for gzip reads two bytes: stdin must not block (or fail) at open.
    InputStream failing = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("read at open");
      }
    };
    JsonLinesSource s = JsonLinesSource.ofStream(JsonLinesSource.STDIN, failing,
        JsonLinesSource.GZIP_OR_PLAIN, JsonLinesSource.ANY_POST, err);
    assertThatThrownBy(s::next).isInstanceOf(IOException.class).hasMessage("read at open");
    s.close();
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
