package io.trendstream.cli;

import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.common.UserError;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.testing.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Kafka client settings from {@code --kafka-config} and {@code --kafka-property} reach both the
 * producer and Spark's Kafka source (as {@code kafka.KEY}), so a secured cluster works.
 */
class KafkaPassthroughTest {
  @TempDir Path dir;

  @IntegrationTest
  @Test
  void settingsReachTheProducerAndTheSparkSource() throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "security.protocol=SASL_SSL\nsasl.mechanism=PLAIN\n"
        + "client.rack=from-file\n");
    DemoCommand demo = new DemoCommand();
    new CommandLine(demo).parseArgs("--kafka-config", file.toString(),
        "--kafka-property", "client.rack=from-flag");

    var producer = demo.produce.producerSettings().toProperties();
    assertThat(producer).containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "PLAIN")
        .doesNotContainKey("client.rack");  // a consumer setting: for Spark's source only

    StreamConfig config =
        demo.stream.toConfig("127.0.0.1:1", "tweets", demo.produce.kafkaProperties());
    Dataset<Row> source = StreamingJob.kafka(config).apply(spark());
    // The source's options as Spark will hand them to its Kafka consumer.
    Object relation = source.queryExecution().analyzed();
    var options = (org.apache.spark.sql.util.CaseInsensitiveStringMap)
        relation.getClass().getMethod("extraOptions").invoke(relation);
    assertThat(options.asCaseSensitiveMap())
        .containsEntry("kafka.security.protocol", "SASL_SSL")
        .containsEntry("kafka.sasl.mechanism", "PLAIN")
        .containsEntry("kafka.client.rack", "from-flag");
  }

  @Test
  void unreadableConfigFileIsOneLine() {
    StreamCommand cmd = new StreamCommand();
    new CommandLine(cmd).parseArgs("--kafka-config", dir.resolve("missing.properties").toString());
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> cmd.kafka.kafkaProperties())
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("cannot read --kafka-config ");
  }
}
