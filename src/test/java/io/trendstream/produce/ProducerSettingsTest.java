package io.trendstream.produce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ProducerSettingsTest {
  @Test
  void defaultsAreTunedAndIdempotent() {
    Properties p = new ProducerSettings("127.0.0.1:9092").toProperties();
    assertThat(p).containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("linger.ms", "20")
        .containsEntry("batch.size", "262144")
        .containsEntry("compression.type", "lz4")
        .containsEntry("bootstrap.servers", "127.0.0.1:9092");
  }

  @Test
  void overridesWinOverDefaults() {
    Properties p = new ProducerSettings("h:1", Map.of("compression.type", "zstd")).toProperties();
    assertThat(p).containsEntry("compression.type", "zstd").containsEntry("linger.ms", "20");
  }

  @Test
  void unknownKeysAndMalformedPairsAreRejected() {
    assertThatThrownBy(() -> new ProducerSettings("h:1", Map.of("lingerms", "5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown Kafka client property 'lingerms'");
    assertThat(ProducerSettings.parseOverride("linger.ms=5"))
        .isEqualTo(Map.entry("linger.ms", "5"));
    assertThat(ProducerSettings.parseOverride("client.id=a=b"))
        .isEqualTo(Map.entry("client.id", "a=b"));
    assertThatThrownBy(() -> ProducerSettings.parseOverride("linger.ms"))
        .hasMessageContaining("key=value");
    assertThatThrownBy(() -> ProducerSettings.parseOverride("=5"))
        .hasMessageContaining("key=value");
  }
}
