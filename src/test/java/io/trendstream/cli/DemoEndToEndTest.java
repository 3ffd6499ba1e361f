package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.pipeline.Tokenizer;
import io.trendstream.post.Post;
import io.trendstream.source.SyntheticSource;
import io.trendstream.testing.Await;
import io.trendstream.testing.Http;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trendstream demo} as a user runs it: a child JVM with the embedded broker, producer,
 * Spark job and HTTP API. Known posts go in; the live tables must hold their exact counts, read
 * through the HTTP API; SIGTERM must stop it cleanly.
 */
class DemoEndToEndTest {
  private static final int POSTS = 600;
  private static final Pattern URL = Pattern.compile("dashboard \\+ query API: (http://\\S+)");

  @TempDir Path dir;

  @Test
  void demoServesExactCountsOverHttpAndStopsCleanlyOnSigterm() throws Exception {
    List<String> output = new ArrayList<>();
    Process demo = start(dir, output, "demo", "--data-dir", dir.resolve("data").toString(),
        "--broker-port", "0", "--http-port", "0", "--rate", "0", "--count", "" + POSTS,
        "--seed", "11");
    try {
      Await.until("the demo to print its URL", Duration.ofSeconds(120),
          () -> urlIn(output) != null || !demo.isAlive());
      assertThat(demo.isAlive()).as("demo alive; output:\n%s", String.join("\n", output))
          .isTrue();
      String url = urlIn(output);

      Map<String, Long> expected = expectedCounts(11, POSTS);
      long tokens = expected.values().stream().mapToLong(Long::longValue).sum();
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
      demo.destroy();  // SIGTERM, as Ctrl-C or a service manager would
    }
    assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("demo stopped within 60 s").isTrue();
  }

  private static String urlIn(List<String> output) {
    synchronized (output) {
      for (String line : output) {
        Matcher m = URL.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    return null;
  }

  static Map<String, Long> expectedCounts(long seed, int n) {
    SyntheticSource source = new SyntheticSource(seed, 0, 1000);
    Map<String, Long> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Post p = source.next();
      for (String w : Tokenizer.WORDS.tokenize(p.text())) {
        counts.merge(w, 1L, Long::sum);
      }
    }
    return counts;
  }

  /** Starts {@code trendstream ARGS} in a child JVM with the test's classpath and JVM flags. */
  static Process start(Path dir, List<String> output, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    String flags = Files.readString(Path.of("target/classes/trendstream/jvm.flags")).trim();
    cmd.addAll(List.of(flags.split("\\s+")));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          synchronized (output) {
            output.add(line);
          }
        }
      } catch (java.io.IOException ignored) {
        // The process ended.
      }
    }, "demo-output");
    reader.setDaemon(true);
    reader.start();
    return p;
  }
}
