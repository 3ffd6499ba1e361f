package io.trendstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Kafka Streams and Flink are the benchmark's peers, not parts of the product: the class path
 * bin/trendstream runs the product on (target/runtime.classpath) has neither, nor do the
 * product's classes hold the peers' code; the peers' own class path, which the bench's child JVM
 * runs on, has both. The -spark.jar is checked by {@code ShadedJarHasNoPeersTest}.
 */
class PeersOutOfTheProductTest {
  private static final Path TARGET = Path.of("target");

  private static List<String> entries(String file) throws Exception {
    return Arrays.asList(Files.readString(TARGET.resolve(file)).trim().split(File.pathSeparator));
  }

  @Test
  void theRuntimeClasspathHasNeitherFlinkNorKafkaStreams() throws Exception {
    List<String> runtime = entries("runtime.classpath");
    assertThat(runtime).hasSizeGreaterThan(100)  // Spark's, so the file is the real one
        .noneMatch(PeersOutOfTheProductTest::isPeerLibrary);
    assertThat(TARGET.resolve("classes/io/trendstream/peers")).doesNotExist();
  }

  @Test
  void thePeersClasspathHasBothAndTheirCodeIsBuilt() throws Exception {
    List<String> peers = entries("peers.classpath");
    assertThat(peers).anyMatch(e -> e.contains("flink-streaming-java"))
        .anyMatch(e -> e.contains("flink-connector-kafka"))
        .anyMatch(e -> e.contains("flink-statebackend-rocksdb"))
        .anyMatch(e -> e.contains("kafka-streams"));
    // The shared part must not drag Spark or Scala into the peers' JVM.
    assertThat(entries("peers-shared.classpath"))
        .noneMatch(e -> e.contains("/org/apache/spark/") || e.contains("/org/scala-lang/"));
    assertThat(TARGET.resolve("peers-classes/io/trendstream/peers/FlinkWordCount.class"))
        .exists();
    assertThat(PeerEngines.classpath()).contains("peers-classes");
  }

  static boolean isPeerLibrary(String entry) {
    return entry.contains("/org/apache/flink/") || entry.contains("kafka-streams");
  }
}
