package io.trendstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.cli.Main;
import io.trendstream.testing.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bench's cold-start phase runs the real demo in a new JVM and times it: the demo comes up,
 * shows counts over its HTTP API, and stops. No speed is asserted.
 */
@IntegrationTest
class ColdStartTest {
  @TempDir Path dir;

  @Test
  void timesTheDemoFromLaunchToItsFirstCounts() throws Exception {
    ColdStart.Result r = ColdStart.measure(Main.class, dir, "local[2]",
        Map.of("spark.ui.enabled", "false"));

    assertThat(r.readyS()).isPositive();
    assertThat(r.firstCountsS()).isGreaterThan(r.readyS());
    String log = Files.readString(dir.resolve("demo.log"));
    assertThat(log).contains("Trendstream demo is running", "batch 0");
  }
}
