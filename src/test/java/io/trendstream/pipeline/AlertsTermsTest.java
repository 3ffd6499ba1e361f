package io.trendstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Watched terms are read as the tokenizer reads posts, so they match what the counts count. */
class AlertsTermsTest {
  @Test
  void termsAreTheTokenizersTokens() {
    assertThat(Alerts.normalize(List.of("Kafka", " #Spark ", "@Flink", "kafka", "Kafka!"),
        Tokenizer.WORDS)).containsExactly("kafka", "#spark", "@flink");
    // The original demo's tokenizer keeps case and punctuation.
    assertThat(Alerts.normalize(List.of("Kafka!", "kafka"), Tokenizer.WHITESPACE))
        .containsExactly("Kafka!", "kafka");
  }

  @Test
  void aTermThatIsNotOneTokenIsRefused() {
    assertThatThrownBy(() -> Alerts.normalize(List.of("two words"), Tokenizer.WORDS))
        .hasMessageContaining("'two words' is not one words token");
    assertThatThrownBy(() -> Alerts.normalize(List.of("!!"), Tokenizer.WORDS))
        .hasMessageContaining("is not one words token");
    assertThatThrownBy(() -> Alerts.normalize(List.of(), Tokenizer.WORDS))
        .hasMessageContaining("no term");
  }

  @Test
  void matchedTermsComeInWatchOrderOnceEach() {
    String[] tokens = Tokenizer.WORDS.tokenArray("#spark and Kafka, kafka again #spark");
    assertThat(Alerts.matched(tokens, List.of("kafka", "@flink", "#spark")))
        .containsExactly("kafka", "#spark");
    assertThat(Alerts.matched(Tokenizer.WORDS.tokenArray("kafkaesque"), List.of("kafka")))
        .isEmpty();
  }

  @Test
  void modesParseAndSayWhichHoldCores() {
    assertThat(Alerts.Mode.of(" RealTime ")).isEqualTo(Alerts.Mode.REALTIME);
    assertThat(Alerts.Mode.REALTIME.holdsCores()).isTrue();
    assertThat(Alerts.Mode.CONTINUOUS.holdsCores()).isTrue();
    assertThat(Alerts.Mode.MICROBATCH.holdsCores()).isFalse();
    assertThatThrownBy(() -> Alerts.Mode.of("fast"))
        .hasMessage("unknown watch mode 'fast' (expected: realtime, continuous, microbatch)");
  }
}
