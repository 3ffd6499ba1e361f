package io.trendstream.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.pipeline.JobMetrics.TopicPartitionKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link JobMetrics#offsets}: the Kafka source's offsets JSON of a batch's progress, which the
 * lag and the consumer-group commits read; any other source's offsets give nothing.
 */
class JobMetricsTest {
  @Test
  void readsTheKafkaSourcesOffsetsPerTopicPartition() {
    assertThat(JobMetrics.offsets("{\"tweets\":{\"1\":17,\"0\":42},\"other\":{\"0\":5}}"))
        .containsExactlyInAnyOrderEntriesOf(Map.of(
            new TopicPartitionKey("tweets", 0), 42L,
            new TopicPartitionKey("tweets", 1), 17L,
            new TopicPartitionKey("other", 0), 5L));
  }

  @Test
  void otherSourcesOffsetsAreNotKafkas() {
    assertThat(JobMetrics.offsets(null)).isEmpty();
    assertThat(JobMetrics.offsets("")).isEmpty();
    assertThat(JobMetrics.offsets("12")).isEmpty();           // rate, memory sources
    assertThat(JobMetrics.offsets("{\"logOffset\":3}")).isEmpty();  // file source
    assertThat(JobMetrics.offsets("{\"t\":{\"zero\":1}}")).isEmpty();
    assertThat(JobMetrics.offsets("{\"t\":{\"0\":\"x\"}}")).isEmpty();
    assertThat(JobMetrics.offsets("{not json")).isEmpty();
  }
}
