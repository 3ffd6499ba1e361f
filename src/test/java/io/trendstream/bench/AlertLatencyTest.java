package io.trendstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.pipeline.Alerts.Mode;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.SparkTestSupport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert latency phase, small: every mode on one 2-partition topic in the suite's
 * {@code local[2]} session (the query alone, so real-time mode gets its two cores), every probe
 * alerted, and the JSON in the shape the issue asks for. No speed is asserted.
 */
@IntegrationTest
class AlertLatencyTest {
  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension().partitions(2);
  @TempDir Path dir;

  @Test
  void everyModeAlertsEveryProbeAndTheJsonHasEveryFigure() throws Exception {
    StringWriter log = new StringWriter();
    Map<Mode, Map<String, AlertLatency.Figures>> figures = new AlertLatency(
        SparkTestSupport.spark(), kafka.bootstrapServers(), dir, new PrintWriter(log, true))
        .run(kafka.topic(), List.of(500.0), Duration.ofSeconds(1), Duration.ofSeconds(2), 1);

    assertThat(figures.keySet()).containsExactly(Mode.values());
    for (Mode mode : Mode.values()) {
      AlertLatency.Figures f = figures.get(mode).get("500");
      assertThat(f.ranAs()).as(log.toString()).isEqualTo(mode.flagValue());
      assertThat(f.missing()).as(mode + ": " + log).isZero();
      assertThat(f.latenciesMs()).as(mode.flagValue()).hasSizeGreaterThanOrEqualTo(20);
    }
    JsonNode json = AlertLatency.json(figures);
    for (String mode : List.of("realtime", "continuous", "microbatch")) {
      for (String key : List.of("p50", "p90", "p99", "max")) {
        assertThat(json.path(mode).path("500").path(key).isNumber()).as(mode + " " + key)
            .isTrue();
      }
    }
    assertThat(AlertLatency.table(figures)).contains("realtime", "continuous", "microbatch");
  }
}
