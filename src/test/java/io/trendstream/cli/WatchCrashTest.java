package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.broker.KafkaTestClients;
import io.trendstream.pipeline.Alerts;
import io.trendstream.pipeline.PostFields;
import io.trendstream.pipeline.Tokenizer;
import io.trendstream.post.Post;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.source.PostSource;
import io.trendstream.source.SyntheticSource;
import io.trendstream.testing.Await;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.ChildJvm;
import io.trendstream.testing.Http;
import io.trendstream.testing.IntegrationTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stream --watch} as a user runs it, in a child JVM with a core per partition, so in
 * real-time mode: posts keep arriving while the job is killed with SIGKILL after its first
 * alerts and restarted from the same checkpoints; in the end every post with the watched term
 * has an alert in the topic (at least once), no other post has one, and the restarted job's
 * {@code GET /api/alerts} serves the newest, each post once.
 */
@IntegrationTest
class WatchCrashTest {
  private static final Pattern URL = Pattern.compile("query API \\+ dashboard: (http://\\S+)");
  private static final String TERM = "#watched";
  private static final int RATE = 50;
  /** Every n-th post carries the term. */
  private static final int EVERY = 4;
  private static final Duration WAIT = Duration.ofSeconds(180);

  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension().partitions(2);
  @TempDir Path dir;

  @Test
  @Timeout(value = 12, unit = TimeUnit.MINUTES)  // two job starts in a child JVM
  void noAlertIsLostAcrossAKill() throws Exception {
    String topic = kafka.topic();
    String alerts = BrokerExtension.uniqueName("alerts");
    String bootstrap = kafka.bootstrapServers();
    String[] job = {"stream", "--bootstrap-server", bootstrap, "--topic", topic,
        "--data-dir", dir.resolve("data").toString(), "--http-port", "0", "--store-port", "0",
        // Two partitions need two cores of their own, one more for the counts.
        "--master", "local[3]", "--watch", TERM, "--watch-mode", "realtime",
        "--alerts-topic", alerts};
    PostProducer producer = new PostProducer(new ProducerSettings(bootstrap),
        new Tagging(new SyntheticSource(7, Instant.parse("2026-12-01T10:00:00Z").toEpochMilli(),
            RATE)), new PostProducer.Options(topic, RATE, 0), s -> {}).start();

    ChildJvm first = ChildJvm.start(dir, job);
    try {
      first.awaitLine(URL, WAIT);
      assertThat(first.output()).doesNotContain("alerts: ");
      Await.until("the first alerts", WAIT,
          () -> !KafkaTestClients.readAll(bootstrap, alerts).isEmpty() || !first.process.isAlive(),
          first::output);
      assertThat(first.process.isAlive()).as(first.output()).isTrue();
    } finally {
      first.kill();
    }
    long ackedAtKill = producer.status().acked();
    assertThat(first.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

    ChildJvm second = ChildJvm.start(dir, job);
    try {
      String api = second.awaitLine(URL, WAIT);
      Await.until("posts after the restart", WAIT,
          () -> producer.status().acked() > ackedAtKill + 5L * RATE);
      producer.stop();
      assertThat(producer.awaitDone(WAIT)).isTrue();
      assertThat(producer.status().failed()).isZero();

      Set<String> expected = matchingIds(bootstrap, topic);
      assertThat(expected).hasSizeGreaterThan(10);
      Set<String> alerted = new HashSet<>();
      Await.until("an alert for every post with " + TERM, WAIT, () -> {
        alerted.clear();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTestClients.readAll(bootstrap, alerts)) {
          alerted.add(new String(r.key(), StandardCharsets.UTF_8));
        }
        return alerted.containsAll(expected);
      }, () -> "missing " + missing(expected, alerted) + "; output:\n" + second.output());
      assertThat(alerted).as("alerts only for posts with the term").isEqualTo(expected);

      // The API: newest first, each post once, all of them matching.
      Await.until("GET /api/alerts to serve 20", WAIT, () -> {
        JsonNode r = Http.get(api + "api/alerts?n=20");
        return r != null && r.path("alerts").size() == 20;
      });
      JsonNode served = Http.get(api + "api/alerts?n=20").path("alerts");
      Set<String> ids = new HashSet<>();
      for (JsonNode a : served) {
        assertThat(ids.add(a.path(Alerts.ID_STR).asText())).isTrue();
        assertThat(expected).contains(a.path(Alerts.ID_STR).asText());
        assertThat(a.path(Alerts.TERMS).toString()).isEqualTo("[\"" + TERM + "\"]");
      }
      assertThat(Http.get(api + "api/alerts?n=0").path("_status").asInt()).isEqualTo(400);
    } finally {
      second.kill();
      producer.stop();
    }
  }

  private static Set<String> missing(Set<String> expected, Set<String> alerted) {
    Set<String> m = new HashSet<>(expected);
    m.removeAll(alerted);
    return m;
  }

  /** The oracle: the posts of the topic whose tokens hold the term. */
  private static Set<String> matchingIds(String bootstrap, String topic) {
    Set<String> ids = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : KafkaTestClients.readAll(bootstrap, topic)) {
      PostFields.Parsed p = PostFields.read(r.value(), Integer.MAX_VALUE, true, true);
      if (p.reason == null && Arrays.asList(Tokenizer.WORDS.tokenArray(p.text)).contains(TERM)) {
        ids.add(p.idStr);
      }
    }
    return ids;
  }

  /** Puts the term into every {@value #EVERY}-th post, in varying case. */
  private static final class Tagging implements PostSource {
    private final PostSource inner;
    private long n;

    Tagging(PostSource inner) {
      this.inner = inner;
    }

    @Override
    public Post next() throws Exception {
      Post p = inner.next();
      if (p == null || n++ % EVERY != 0) {
        return p;
      }
      String tag = n % 2 == 0 ? TERM : TERM.toUpperCase(java.util.Locale.ROOT);
      return new Post(p.createdAt(), p.id(), p.idStr(), p.text() + " " + tag + "!",
          p.retweetCount(), p.favoriteCount(), p.favorited(), p.retweeted(), p.lang());
    }

    @Override
    public String describe() {
      return inner.describe() + " tagged " + TERM;
    }
  }
}
