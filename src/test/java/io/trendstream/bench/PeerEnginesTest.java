package io.trendstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.post.Post;
import io.trendstream.source.SyntheticSource;
import io.trendstream.source.Vocabulary;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.IntegrationTest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peer engines in their own JVM, as the bench runs them: Flink's running and windowed
 * counts with both state backends, and Kafka Streams, over a topic of synthetic posts on a real
 * embedded broker, each equal to the {@link Reference} counts computed from the source. The
 * realistic feed's long tail and the whitespace tokenizer (any character in a word) go through
 * the result files too.
 */
@IntegrationTest
class PeerEnginesTest {
  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension().partitions(2);
  @TempDir Path dir;

  @Test
  void everyPeerEngineCountsExactlyTheReference() throws Exception {
    int posts = 3_000;
    double perEventSecond = posts / (double) Bench.EVENT_SPAN_SECONDS;
    String topic = kafka.newTopic("peers", 2);
    List<Post> feed = new ArrayList<>();
    SyntheticSource source = source(perEventSecond);
    for (int i = 0; i < posts; i++) {
      feed.add(source.next());
    }
    assertThat(kafka.produce(topic, feed).acked()).isEqualTo(posts);
    StreamConfig base = new StreamConfig();
    long window = Bench.durationMillis(base.window);
    long slide = Bench.durationMillis(base.slide);
    Reference ref = Reference.compute(source(perEventSecond), posts, window, slide);

    String classpath = PeerEngines.classpath();
    assertThat(classpath).as("the build's peers (target/peers-classes)").isNotNull();
    try (PeerEngines peers = new PeerEngines(classpath, kafka.bootstrapServers(),
        dir.resolve("peers"), Duration.ofMinutes(3), Duration.ofMillis(500),
        Map.of("max.poll.records", StreamingJob.MAX_POLL_RECORDS))) {
      for (Engine e : List.of(Engine.FLINK_RUNNING, Engine.FLINK_RUNNING_ROCKSDB,
          Engine.FLINK_WINDOWED, Engine.FLINK_WINDOWED_ROCKSDB, Engine.KAFKA_STREAMS,
          Engine.KAFKA_STREAMS_WHITESPACE)) {
        PeerEngines.Counted c = peers.count(e, topic, ref.tokens(e.tokenizer), window, slide,
            Bench.durationMillis(base.watermark));
        assertThat(Reference.diff(ref.counts(e), c.counts())).as(e.key).isNull();
        assertThat(c.counts()).as(e.key).isNotEmpty();
        assertThat(c.cpuSeconds()).as(e.key).isPositive();
      }
    }
  }

  private static SyntheticSource source(double perEventSecond) {
    return new SyntheticSource(7, Bench.EVENT_START.toEpochMilli(), perEventSecond,
        Vocabulary.REALISTIC);
  }
}
