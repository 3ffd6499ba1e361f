package io.trendstream.produce;

import io.trendstream.testing.Await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.common.UserError;
import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import io.trendstream.source.JsonLinesSource;
import io.trendstream.source.PostSource;
import io.trendstream.source.SyntheticSource;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.IntegrationTest;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@IntegrationTest
class PostProducerTest {
  private static final long START = 1_700_000_000_000L;
  private static final Duration WAIT = Duration.ofSeconds(60);
  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();

  private static ProducerSettings settings() {
    return new ProducerSettings(kafka.bootstrapServers());
  }

  private static List<ConsumerRecord<String, String>> consume(String topic, int n) {
    return kafka.consume(topic, n);
  }

  @Test
  void syntheticPostsArriveExactlyOnceAndInOrder() {
    String topic = kafka.topic();
    List<PostProducer.Status> statuses = new CopyOnWriteArrayList<>();
    PostProducer.Status done = new PostProducer(settings(), new SyntheticSource(5, START, 100),
        new PostProducer.Options(topic, 0, 5000), statuses::add).run();
    assertThat(done.finished()).isTrue();
    assertThat(done.sent()).isEqualTo(5000);
    assertThat(done.acked()).isEqualTo(5000);
    assertThat(done.failed()).isZero();
    assertThat(statuses).last().isEqualTo(done);
    assertThat(done.line()).startsWith("done: sent 5000, acked 5000, failed 0");

    List<ConsumerRecord<String, String>> got = consume(topic, 5000);
    SyntheticSource again = new SyntheticSource(5, START, 100);
    assertThat(got).hasSize(5000);
    for (ConsumerRecord<String, String> r : got) {
      Post expected = again.next();
      assertThat(r.key()).isEqualTo(expected.idStr());
      assertThat(PostJson.parse(r.value())).isEqualTo(expected);
    }
  }

  @Test
  void fileReplaySendsTheTweetsKeyedByIdStr() throws Exception {
    String topic = kafka.newTopic("replay", 3);
    Path sample = Path.of(getClass().getResource("/twitter-v1.1-sample.jsonl").toURI());
    List<Post> expected = new ArrayList<>();
    try (JsonLinesSource s = JsonLinesSource.ofFile(sample)) {
      for (Post p = s.next(); p != null; p = s.next()) {
        expected.add(p);
      }
    }
    PostProducer.Status done = new PostProducer(settings(), JsonLinesSource.ofFile(sample),
        new PostProducer.Options(topic, 0, 0), s -> { }).run();
    assertThat(done.acked()).isEqualTo(43);
    assertThat(done.sourceProgress()).isEqualTo("100%");

    List<ConsumerRecord<String, String>> got = consume(topic, 43);
    assertThat(got).hasSize(43);
    assertThat(got)
        .allSatisfy(r -> assertThat(PostJson.parse(r.value()).idStr()).isEqualTo(r.key()));
    assertThat(got).extracting(r -> PostJson.parse(r.value()))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  /**
   * 300 posts at 100/s: the producer asks the source for exactly 300, and the pacer spaces the
   * asks 10 ms apart, so the first and the last are about 3 s apart. The bounds are wide for a
   * loaded machine (after a stall the pacer may catch up a second's worth at once) but far from
   * what no pacing (milliseconds) or a third of the rate (9 s) would give.
   */
  @Test
  void countLimitAndRateAreHonoured() {
    String topic = kafka.topic();
    SyntheticSource synthetic = new SyntheticSource(9, START, 100);
    List<Long> asked = new CopyOnWriteArrayList<>();
    PostSource timed = new PostSource() {
      @Override
      public Post next() {
        asked.add(System.nanoTime());
        return synthetic.next();
      }

      @Override
      public String describe() {
        return synthetic.describe();
      }
    };
    PostProducer.Status done = new PostProducer(settings(), timed,
        new PostProducer.Options(topic, 100, 300), s -> { }).run();
    assertThat(done.sent()).isEqualTo(300);
    assertThat(asked).as("posts taken from the source").hasSize(300);
    Duration span = Duration.ofNanos(asked.get(asked.size() - 1) - asked.get(0));
    assertThat(span).as("from the first post to the 300th at 100/s")
        .isBetween(Duration.ofMillis(1_990), Duration.ofSeconds(6));
    assertThat(consume(topic, 300)).hasSize(300);
  }

  @Test
  void stopFromAnotherThreadFlushesEverythingInFlight() throws Exception {
    String topic = kafka.newTopic("stopped", 2);
    PostProducer producer = new PostProducer(settings(), new SyntheticSource(1, START, 100),
        new PostProducer.Options(topic, 0, 0, Duration.ofMillis(100)), s -> { });
    producer.start();
    Await.until("2000 acked posts", WAIT, () -> producer.status().acked() >= 2000);
    producer.stop();
    assertThat(producer.awaitDone(WAIT)).isTrue();
    assertThat(producer.failure()).isNull();
    PostProducer.Status done = producer.status();
    assertThat(done.finished()).isTrue();
    assertThat(done.acked()).isGreaterThanOrEqualTo(2000).isEqualTo(done.sent());
    assertThat(consume(topic, (int) done.sent())).hasSize((int) done.sent());
  }

  @Test
  void statusIsReportedPeriodicallyWhileProducing() throws Exception {
    String topic = kafka.topic();
    List<PostProducer.Status> statuses = new CopyOnWriteArrayList<>();
    PostProducer producer = new PostProducer(settings(), new SyntheticSource(1, START, 100),
        new PostProducer.Options(topic, 200, 0, Duration.ofMillis(50)), statuses::add);
    producer.start();
    Await.until("3 status reports", WAIT, () -> statuses.size() >= 3);
    producer.close();
    assertThat(statuses.size()).isGreaterThanOrEqualTo(4);
    assertThat(statuses.get(0).finished()).isFalse();
    assertThat(statuses.get(0).line())
        .contains("posts/s", "source synthetic(seed=1, vocabulary=small)");
    assertThat(statuses).last().matches(PostProducer.Status::finished);
  }

  @Test
  void sendFailuresAreCountedNotThrown() {
    String topic = kafka.topic();
    ProducerSettings tiny = new ProducerSettings(kafka.bootstrapServers(),
        Map.of("max.request.size", "64"));
    PostProducer.Status done = new PostProducer(tiny, new SyntheticSource(1, START, 100),
        new PostProducer.Options(topic, 0, 10), s -> { }).run();
    assertThat(done.sent()).isEqualTo(10);
    assertThat(done.failed()).isEqualTo(10);
    assertThat(done.acked()).isZero();
    assertThat(done.lastError()).contains("larger than");
    assertThat(done.line()).contains("failed 10", "last error:");
  }

  @Test
  void missingTopicIsAOneLineUserError() {
    assertThatThrownBy(() -> new PostProducer(settings(), new SyntheticSource(1, START, 100),
        new PostProducer.Options("no-such-topic", 0, 1), s -> { }).run())
        .isInstanceOf(UserError.class)
        .hasMessage("topic 'no-such-topic' does not exist on " + kafka.bootstrapServers()
            + " (the 'broker' command creates 'tweets')");
  }

  @Test
  void unreachableBrokerIsAOneLineUserError() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String address = "127.0.0.1:" + port;
    assertThatThrownBy(() -> new PostProducer(new ProducerSettings(address),
        new SyntheticSource(1, START, 100), new PostProducer.Options("tweets", 0, 1), s -> { })
        .run())
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("cannot reach Kafka at " + address + " within 10 s");
  }

  @Test
  void invalidProducerSettingsAreAUserError(@TempDir Path dir) throws Exception {
    String topic = kafka.topic();
    ProducerSettings bad = new ProducerSettings(kafka.bootstrapServers(),
        Map.of("acks", "0")); // idempotence needs acks=all
    Path file = Files.writeString(dir.resolve("empty.jsonl"), "");
    assertThatThrownBy(() -> new PostProducer(bad, JsonLinesSource.ofFile(file),
        new PostProducer.Options(topic, 0, 0), s -> { }).run())
        .isInstanceOf(UserError.class)
        .hasMessageStartingWith("invalid Kafka producer settings:");
  }
}
