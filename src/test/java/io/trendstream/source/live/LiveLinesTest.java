package io.trendstream.source.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LiveLines}: every line shape a recorded session may hold, plain and gzip. */
class LiveLinesTest {
  private static final String OURS = PostJson.toJson(new Post(
      "Tue Mar 13 03:49:58 +0000 2018", 42, "42", "ours", 1, 2, false, false, "en"));
  private static final String V1 = "{\"created_at\":\"Mon Nov 24 17:51:17 +0000 2014\","
      + "\"id\":536962009123807232,\"id_str\":\"536962009123807232\",\"text\":\"v1.1 tweet\","
      + "\"user\":{\"id\":1,\"screen_name\":\"someone\"},\"retweet_count\":3,"
      + "\"favorite_count\":4,\"favorited\":false,\"retweeted\":false,\"lang\":\"en\"}";
  private static final String V2 = "{\"edit_history_tweet_ids\":[\"1876012345678901001\"],"
      + "\"lang\":\"fr\",\"id\":\"1876012345678901001\",\"created_at\":"
      + "\"2025-01-06T18:40:40.000Z\",\"text\":\"v2 tweet\",\"public_metrics\":"
      + "{\"retweet_count\":5,\"reply_count\":0,\"like_count\":6,\"quote_count\":0}}";
  private static final String JET = Jetstream.post(Jetstream.at(0), "did:plc:a", "r",
      "jetstream", "2024-09-09T19:46:02Z", "en");
  private static final String IDENTITY = Jetstream.identity(Jetstream.at(1), "did:plc:a", "a");

  @Test
  void mapsEveryShape() {
    assertThat(LiveLines.toPost(OURS)).contains(PostJson.parse(OURS));
    assertThat(LiveLines.toPost(V1).orElseThrow())
        .isEqualTo(new Post("Mon Nov 24 17:51:17 +0000 2014", 536_962_009_123_807_232L,
            "536962009123807232", "v1.1 tweet", 3, 4, false, false, "en"));
    assertThat(LiveLines.toPost(V2).orElseThrow())
        .isEqualTo(new Post("Mon Jan 06 18:40:40 +0000 2025", 1_876_012_345_678_901_001L,
            "1876012345678901001", "v2 tweet", 5, 6, false, false, "fr"));
    assertThat(LiveLines.toPost(JET).orElseThrow().idStr())
        .isEqualTo("at://did:plc:a/app.bsky.feed.post/r");
    assertThat(LiveLines.toPost(IDENTITY)).isEqualTo(Optional.empty());
  }

  @Test
  void badLinesAreIllegalArguments() {
    assertThatThrownBy(() -> LiveLines.toPost("{\"text\":")).hasMessageStartingWith("not valid");
    assertThatThrownBy(() -> LiveLines.toPost("[1]")).hasMessage("not a JSON object");
    assertThatThrownBy(() -> LiveLines.toPost("{\"text\":\"no date\"}"))
        .hasMessage("no 'created_at' field");
    assertThatThrownBy(() -> LiveLines.toPost(V2.replace("\"id\":\"1876012345678901001\",", "")))
        .hasMessage("X tweet has no 'id'");
  }

  @Test
  void readsGzipAndPlainFilesAlike(@TempDir Path dir) throws IOException {
    List<String> lines = List.of(OURS, V1, V2, JET, IDENTITY);
    Path plain = dir.resolve("session.jsonl");
    Files.write(plain, lines, StandardCharsets.UTF_8);
    // A name without .gz: the magic bytes decide, not the name.
    Path gz = dir.resolve("session.bin");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(Files.readAllBytes(plain));
    }
    assertThat(Files.readAllBytes(gz)).isNotEqualTo(Files.readAllBytes(plain));

    assertThat(posts(gz)).hasSize(4).isEqualTo(posts(plain));
  }

  @Test
  void passesShortAndEmptyStreamsThrough() throws IOException {
    assertThat(LiveLines.decompressing(new ByteArrayInputStream(new byte[0])).read())
        .isEqualTo(-1);
    try (BufferedReader r = LiveLines.reader(
        new ByteArrayInputStream("{".getBytes(StandardCharsets.UTF_8)))) {
      assertThat(r.readLine()).isEqualTo("{");
    }
  }

  @Test
  void aGzipRecordingCutShortIsReadableUpToTheCut(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("live.jsonl.gz");
    Recorder recorder = Recorder.open(file);
    recorder.record(JET);
    recorder.flush();
    // What a killed run leaves: the flushed data without the gzip trailer.
    List<Post> cut = posts(file);
    recorder.close();
    assertThat(cut).containsExactly(LiveLines.toPost(JET).orElseThrow());
    assertThat(posts(file)).isEqualTo(cut);
  }

  private static List<Post> posts(Path file) throws IOException {
    List<Post> out = new ArrayList<>();
    try (BufferedReader r = LiveLines.reader(file)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        LiveLines.toPost(line).ifPresent(out::add);
      }
    }
    return out;
  }
}
