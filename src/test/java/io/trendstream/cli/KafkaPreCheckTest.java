package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.pipeline.Tokenizer;
import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import io.trendstream.testing.Await;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.ChildJvm;
import io.trendstream.testing.Cli;
import io.trendstream.testing.ExpectedCounts;
import io.trendstream.testing.Http;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.TestPosts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The broker pre-check of {@code produce}, {@code stream} and {@code demo --bootstrap-server}
 * logs in with the client settings, against the embedded broker's SASL/PLAIN listener (the only
 * address the commands are given): each command gets past it and its producer and Spark job
 * connect; without credentials, or with a wrong password, the command fails with one line.
 */
@IntegrationTest
class KafkaPreCheckTest {
  private static final String USER = "trend";
  private static final String PASSWORD = "s3cret-pw";
  private static final Duration WAIT = Duration.ofSeconds(120);
  /** stream's "query API + dashboard: URL", demo's "dashboard + query API: URL". */
  private static final Pattern URL =
      Pattern.compile("(?:dashboard|query API): +(http://\\S+)");

  @RegisterExtension
  static final BrokerExtension kafka = new BrokerExtension().withSaslPlain(USER, PASSWORD);
  @TempDir static Path dir;
  /** A client.properties with the SASL/PLAIN login, as a user would pass it. */
  private static Path clientConfig;

  @BeforeAll
  static void writeClientConfig() throws IOException {
    clientConfig = dir.resolve("client.properties");
    Files.writeString(clientConfig, EmbeddedKafkaBroker.saslPlainClientSettings(USER, PASSWORD)
        .entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("\n")));
  }

  @Test
  void produceLogsInAndItsPostsArrive() {
    String topic = kafka.topic();
    Cli.Result run = Cli.run("produce", "--bootstrap-server", sasl(), "--topic", topic,
        "--count", "40", "--rate", "0", "--kafka-config", clientConfig.toString());
    assertThat(run.code()).as(run.err()).isZero();
    // Read back over the PLAINTEXT listener: the records are there, sent through SASL.
    assertThat(kafka.consume(topic, 40)).hasSize(40);
  }

  /** Fewer in-sync copies than min.insync.replicas: every acks=all send would be refused. */
  @Test
  void produceRefusesATopicWithFewerInSyncReplicasThanItsMinimum() {
    String topic = BrokerExtension.uniqueName("short-isr");
    kafka.broker().createTopic(topic, 1, (short) 1, java.util.Map.of("min.insync.replicas", "2"));
    Cli.Result run = Cli.run("produce", "--bootstrap-server", sasl(), "--topic", topic,
        "--count", "5", "--rate", "0", "--kafka-config", clientConfig.toString());
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err().strip()).doesNotContain("\n").contains("partition 0 has 1 in-sync",
        "min.insync.replicas=2", "start the missing brokers");
  }

  @Test
  void streamLogsInAndCountsThePostsOnTheTopic() throws Exception {
    String topic = kafka.topic();
    List<Post> posts = TestPosts.synthetic(3, Instant.EPOCH, 1000, 60);
    kafka.produce(topic, posts);
    long tokens = ExpectedCounts.total(ExpectedCounts.words(posts));

    ChildJvm child = ChildJvm.start(dir, "stream", "--bootstrap-server", sasl(),
        "--topic", topic, "--kafka-config", clientConfig.toString(),
        "--data-dir", dir.resolve("stream-data").toString(), "--http-port", "0",
        "--store-port", "0");
    awaitCounted(child, tokens);
  }

  @Test
  void demoWithBootstrapServerLogsInProducesAndCounts() throws Exception {
    String topic = kafka.topic();
    ChildJvm child = ChildJvm.start(dir, "demo", "--bootstrap-server", sasl(),
        "--topic", topic, "--kafka-config", clientConfig.toString(),
        "--count", "50", "--rate", "0", "--data-dir", dir.resolve("demo-data").toString(),
        "--http-port", "0", "--store-port", "0");
    // The demo's producer sent its 50 posts through SASL; its job then counts them.
    long tokens = tokens(kafka.consume(topic, 50));
    awaitCounted(child, tokens);
  }

  @ParameterizedTest
  @ValueSource(strings = {"produce", "stream"})
  void withoutCredentialsTheCommandFailsWithOneLine(String command) {
    String address = sasl();
    Cli.Result run = Cli.run(command, "--bootstrap-server", address, "--topic", kafka.topic());
    assertThat(run.code()).isEqualTo(1);
    // A plaintext client at a SASL listener is dropped until the check's timeout.
    assertThat(run.err().strip())
        .startsWith("trendstream: cannot reach Kafka at " + address + " within 10 s")
        .contains("--kafka-config")
        .doesNotContain("\n");
  }

  @Test
  void aWrongPasswordFailsWithOneLineNamingTheLogin() {
    String address = sasl();
    String[] login = EmbeddedKafkaBroker.saslPlainClientSettings(USER, "wrong").entrySet()
        .stream().flatMap(e -> Stream.of("--kafka-property", e.getKey() + "=" + e.getValue()))
        .toArray(String[]::new);
    String[] args = Stream.concat(Stream.of("produce", "--bootstrap-server", address,
        "--topic", kafka.topic()), Stream.of(login)).toArray(String[]::new);
    Cli.Result run = Cli.run(args);
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err().strip())
        .startsWith("trendstream: Kafka at " + address + " refused the login: ")
        .contains("Invalid username or password")
        .doesNotContain("\n", "wrong");
  }

  /** The broker's SASL/PLAIN address: the only one the commands are given. */
  private static String sasl() {
    return kafka.broker().saslBootstrapServers();
  }

  /** Tokens of the posts as the job's default tokenizer counts them. */
  private static long tokens(List<ConsumerRecord<String, String>> records) {
    return records.stream()
        .mapToLong(r -> Tokenizer.WORDS.tokenize(PostJson.parse(r.value()).text()).size())
        .sum();
  }

  /**
   * Waits until the child's job has counted {@code tokens} tokens, read over the HTTP API: its
   * Spark source logged in at the SASL listener, the only one it knows. Then stops it.
   */
  private static void awaitCounted(ChildJvm child, long tokens) throws InterruptedException {
    try {
      String url = child.awaitLine(URL, WAIT);
      Await.until(tokens + " tokens in word_counts", WAIT, () -> {
        var r = Http.sql(url, "SELECT sum(count) FROM word_counts");
        return r != null && r.path("rows").path(0).path(0).asLong() == tokens;
      }, () -> "output:\n" + child.output());
    } finally {
      child.terminate();
      child.process.waitFor(60, TimeUnit.SECONDS);
    }
  }
}
