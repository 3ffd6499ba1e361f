package io.trendstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.testing.IntegrationTest;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The -spark.jar that spark-submit runs carries neither of the benchmark's peers (Flink, Kafka
 * Streams) nor their code. Integration tier only because the jar exists after {@code package}.
 */
@IntegrationTest
class ShadedJarHasNoPeersTest {
  @Test
  void theSparkJarHasNoFlinkKafkaStreamsOrPeerClasses() throws Exception {
    Path jar = Path.of(System.getProperty("spark.jar"));
    try (JarFile f = new JarFile(jar.toFile())) {
      List<String> names = f.stream().map(e -> e.getName()).toList();
      assertThat(names).as("the jar's own classes")
          .contains("io/trendstream/bench/Bench.class", "io/trendstream/cli/Main.class");
      assertThat(names)
          .noneMatch(n -> n.startsWith("org/apache/flink/")
              || n.startsWith("org/apache/kafka/streams/")
              || n.startsWith("io/trendstream/peers/"));
    }
  }
}
