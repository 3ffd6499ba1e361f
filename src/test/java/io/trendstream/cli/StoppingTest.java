package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.testing.Await;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.ChildJvm;
import io.trendstream.testing.HoldSparkStop;
import io.trendstream.testing.Http;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.TestPosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "Stopping" promises of docs/guarantees.md that need a real process: {@code trendstream
 * stream} in a child JVM, stopped with real signals or by a failing query.
 */
@IntegrationTest
class StoppingTest {
  private static final Pattern URL = Pattern.compile("query API \\+ dashboard: (http://\\S+)");
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();
  @TempDir Path dir;

  /**
   * The first Ctrl-C starts the graceful stop, which here never ends (a Spark listener holds
   * SparkContext.stop(), as a stuck stop would); the second one ends the process at once.
   */
  @Test
  void aSecondCtrlCStopsAtOnceWhileTheFirstIsStillStopping() throws Exception {
    String signal = ctrlC();
    ChildJvm job = ChildJvm.start(dir, "stream", "--bootstrap-server", kafka.bootstrapServers(),
        "--topic", kafka.topic(), "--data-dir", dir.resolve("data").toString(),
        "--http-port", "0", "--store-port", "0", "--conf", "spark.ui.enabled=false",
        "--conf", "spark.extraListeners=" + HoldSparkStop.class.getName());
    try {
      job.awaitLine(URL, WAIT);

      job.signal(signal);
      job.awaitLine(Pattern.compile("(trendstream: stopping \\(again to force\\))"), WAIT);
      job.awaitLine(Pattern.compile("(" + Pattern.quote(HoldSparkStop.HOLDING) + ")"), WAIT);
      assertThat(job.process.isAlive()).as("still stopping after the first SIG%s", signal)
          .isTrue();

      job.signal(signal);
      assertThat(job.process.waitFor(15, TimeUnit.SECONDS))
          .as("stopped within 15 s of the second SIG%s; output:\n%s", signal, job.output())
          .isTrue();
      assertThat(job.process.exitValue()).as("exit code: 128 + SIG%s", signal)
          .isEqualTo(128 + ("INT".equals(signal) ? 2 : 15));
      assertThat(job.lines()).contains("trendstream: stopping now");
    } finally {
      job.kill();
    }
  }

  /**
   * A query that fails (here: the topic is deleted and recreated under the running job, so the
   * offsets it had reached are gone) stops the whole process with exit 1 and one line that says
   * what happened, instead of serving tables that stopped moving.
   */
  @Test
  void aFailedQueryStopsTheProcessWithExit1AndOneLine() throws Exception {
    String topic = kafka.topic();
    kafka.produce(topic, TestPosts.ofTexts(T0, 1, "one two", "three", "four"));
    ChildJvm job = ChildJvm.start(dir, "stream", "--bootstrap-server", kafka.bootstrapServers(),
        "--topic", topic, "--data-dir", dir.resolve("data").toString(), "--http-port", "0",
        "--store-port", "0", "--conf", "spark.ui.enabled=false");
    try {
      String url = job.awaitLine(URL, WAIT);
      Await.until("the 4 words counted", WAIT, () -> {
        JsonNode r = Http.sql(url, "SELECT sum(count) FROM word_counts");
        return r != null && r.path("rows").path(0).path(0).asLong() == 4;
      }, () -> "output:\n" + job.output());
      assertThat(job.process.isAlive()).isTrue();

      kafka.recreateTopic(topic, 1);
      kafka.produce(topic, TestPosts.ofTexts(T0, 4, "five"));

      assertThat(job.process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS))
          .as("stopped after its query failed; output:\n%s", job.output()).isTrue();
      assertThat(job.process.exitValue()).as("exit code; output:\n%s", job.output())
          .isEqualTo(1);
      List<String> said = job.lines().stream().filter(l -> l.startsWith("trendstream: "))
          .toList();
      assertThat(said).as("what it said on the way out").singleElement().asString()
          .startsWith("trendstream: query ")
          .contains("Kafka no longer holds records", "'" + topic + "'");
    } finally {
      job.kill();
    }
  }

  /**
   * Ctrl-C's signal, INT, unless this JVM was started with it ignored (as a background job of
   * a non-interactive shell is; the child would inherit that): then TERM, which Trendstream
   * handles the same way.
   */
  private static String ctrlC() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          long ignored = Long.parseUnsignedLong(line.substring(7).trim(), 16);
          return (ignored & (1L << (2 - 1))) != 0 ? "TERM" : "INT";
        }
      }
    } catch (IOException | RuntimeException notLinux) {
      // No /proc: assume the usual, Ctrl-C reaches the process.
    }
    return "INT";
  }
}
