package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.testing.IntegrationTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The example alert rules of docs/operations.md, checked by Debian's {@code promtool} (from the
 * {@code prometheus} package that {@code .ci/run} installs): they parse, and in
 * {@code src/test/resources/prometheus/trendstream-alerts.test.yml}'s series each alert fires
 * when it should (growing lag, a failed query, a lost target, dead letters, a stalled query)
 * and stays quiet when it should (lag that shrinks, batches that keep coming).
 */
@IntegrationTest
class AlertRulesTest {
  @Test
  void theExampleRulesParse() throws Exception {
    assertThat(promtool("check", "rules", "docs/trendstream-alerts.yml")).contains("SUCCESS");
  }

  @Test
  void eachAlertFiresOnItsSeriesAndOnlyThen() throws Exception {
    assertThat(promtool("test", "rules",
        "src/test/resources/prometheus/trendstream-alerts.test.yml")).contains("SUCCESS");
  }

  /** Runs promtool in the project directory; fails with its output unless it exits 0. */
  private static String promtool(String... args) throws IOException, InterruptedException {
    String[] cmd = new String[args.length + 1];
    cmd[0] = "promtool";
    System.arraycopy(args, 0, cmd, 1, args.length);
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("Debian's promtool is not installed (.ci/run installs it: "
          + "apt-get install -y prometheus): " + e.getMessage(), e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool %s:\n%s", String.join(" ", args), out).isZero();
    return out;
  }
}
