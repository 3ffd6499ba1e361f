package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.source.Vocabulary;
import io.trendstream.testing.Await;
import io.trendstream.testing.ChildJvm;
import io.trendstream.testing.ExpectedCounts;
import io.trendstream.testing.Http;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.TestPosts;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trendstream demo} as a user runs it: a child JVM with the embedded broker, producer,
 * Spark job and HTTP API. Known posts go in; the live tables must hold their exact counts, read
 * through the HTTP API; SIGTERM must stop it cleanly.
 */
@IntegrationTest
class DemoEndToEndTest {
  private static final int POSTS = 600;
  private static final Pattern URL = Pattern.compile("dashboard \\+ query API: (http://\\S+)");

  @TempDir Path dir;

  @Test
  void demoServesExactCountsOverHttpAndStopsCleanlyOnSigterm() throws Exception {
    ChildJvm child = ChildJvm.start(dir, "demo", "--data-dir", dir.resolve("data").toString(),
        "--broker-port", "0", "--http-port", "0", "--store-port", "0", "--rate", "0",
        "--count", "" + POSTS, "--seed", "11");
    Process demo = child.process;
    try {
      String url = child.awaitLine(URL, Duration.ofSeconds(120));

      // The demo's synthetic source with its default vocabulary, which the flags above leave
      // alone: the texts are a function of the seed and the index only.
      Map<String, Long> expected = ExpectedCounts.words(TestPosts.synthetic(11, Instant.EPOCH,
          1000, Vocabulary.of(ProduceOptions.DEFAULT_VOCABULARY), POSTS));
      long tokens = ExpectedCounts.total(expected);
      Await.until(tokens + " tokens in word_counts", Duration.ofSeconds(120), () -> {
        JsonNode r = Http.sql(url, "SELECT sum(count) FROM word_counts");
        return r != null && r.path("rows").path(0).path(0).asLong() == tokens;
      });
      JsonNode counts = Http.sql(url, "SELECT word, count FROM word_counts");
      Map<String, Long> actual = new HashMap<>();
      counts.path("rows").forEach(row -> actual.put(row.get(0).asText(), row.get(1).asLong()));
      assertThat(actual).isEqualTo(expected);

      // Every token lands in exactly two sliding windows (10 min, sliding 5 min).
      Await.until("windowed counts", Duration.ofSeconds(60), () -> {
        JsonNode r = Http.sql(url, "SELECT sum(count) FROM windowed_word_counts");
        return r != null && r.path("rows").path(0).path(0).asLong() == 2 * tokens;
      });
      JsonNode perKey = Http.sql(url, "SELECT count(*) FROM (SELECT window_start, word "
          + "FROM windowed_word_counts GROUP BY window_start, word HAVING count(*) > 1)");
      assertThat(perKey.path("rows").path(0).path(0).asLong()).isZero();

      JsonNode refused = Http.sql(url, "DELETE FROM word_counts");
      assertThat(refused.path("_status").asInt()).isEqualTo(400);
      assertThat(refused.path("error").asText()).contains("only a single SELECT");
    } finally {
      child.terminate();  // SIGTERM, as Ctrl-C or a service manager would
    }
    assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("demo stopped within 60 s").isTrue();
    assertThat(demo.exitValue()).as("graceful stop exits 0; output:\n%s", child.output())
        .isZero();
  }
}
