package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.broker.KafkaTestClients;
import io.trendstream.pipeline.Tokenizer;
import io.trendstream.post.PostJson;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.source.SyntheticSource;
import io.trendstream.testing.Await;
import io.trendstream.testing.ChildJvm;
import io.trendstream.testing.Http;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * The broker pre-check of {@code produce}, {@code stream} and {@code demo --bootstrap-server}
 * logs in with the client settings, against the embedded broker's SASL/PLAIN listener (the only
 * address the commands are given): each command gets past it and its producer and Spark job
 * connect; without credentials, or with a wrong password, the command fails with one line.
 */
class KafkaPreCheckTest {
  private static final String USER = "trend";
  private static final String PASSWORD = "s3cret-pw";
  private static final Duration WAIT = Duration.ofSeconds(120);
  /** stream's "query API + dashboard: URL", demo's "dashboard + query API: URL". */
  private static final Pattern URL =
      Pattern.compile("(?:dashboard|query API): +(http://\\S+)");

  @TempDir static Path dir;
  private static EmbeddedKafkaBroker broker;
  /** A client.properties with the SASL/PLAIN login, as a user would pass it. */
  private static Path clientConfig;

  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startBroker() throws IOException {
    broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0).withSaslPlain(USER, PASSWORD)
        .start();
    clientConfig = dir.resolve("client.properties");
    Files.writeString(clientConfig, EmbeddedKafkaBroker.saslPlainClientSettings(USER, PASSWORD)
        .entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("\n")));
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Test
  void produceLogsInAndItsPostsArrive() {
    String topic = topic("produce");
    assertThat(run("produce", "--bootstrap-server", broker.saslBootstrapServers(),
        "--topic", topic, "--count", "40", "--rate", "0", "--kafka-config", clientConfig.toString()))
        .as(err.toString()).isZero();
    // Read back over the PLAINTEXT listener: the records are there, sent through SASL.
    assertThat(KafkaTestClients.consume(broker.bootstrapServers(), topic, 40, WAIT)).hasSize(40);
  }

  @Test
  void streamLogsInAndCountsThePostsOnTheTopic() throws Exception {
    String topic = topic("stream");
    new PostProducer(new ProducerSettings(broker.bootstrapServers()),
        new SyntheticSource(3, 0, 1000), new PostProducer.Options(topic, 0, 60), s -> { }).run();
    long tokens = tokens(KafkaTestClients.consume(broker.bootstrapServers(), topic, 60, WAIT));

    ChildJvm child = ChildJvm.start(dir, "stream", "--bootstrap-server",
        broker.saslBootstrapServers(), "--topic", topic, "--kafka-config", clientConfig.toString(),
        "--data-dir", dir.resolve("stream-data").toString(), "--http-port", "0",
        "--store-port", "0");
    awaitCounted(child, tokens);
  }

  @Test
  void demoWithBootstrapServerLogsInProducesAndCounts() throws Exception {
    String topic = topic("demo");
    ChildJvm child = ChildJvm.start(dir, "demo", "--bootstrap-server",
        broker.saslBootstrapServers(), "--topic", topic, "--kafka-config", clientConfig.toString(),
        "--count", "50", "--rate", "0", "--data-dir", dir.resolve("demo-data").toString(),
        "--http-port", "0", "--store-port", "0");
    // The demo's producer sent its 50 posts through SASL; its job then counts them.
    long tokens = tokens(KafkaTestClients.consume(broker.bootstrapServers(), topic, 50, WAIT));
    awaitCounted(child, tokens);
  }

  @ParameterizedTest
  @ValueSource(strings = {"produce", "stream"})
  void withoutCredentialsTheCommandFailsWithOneLine(String command) {
    String address = broker.saslBootstrapServers();
    assertThat(run(command, "--bootstrap-server", address, "--topic", topic(command)))
        .isEqualTo(1);
    // A plaintext client at a SASL listener is dropped until the check's timeout.
    assertThat(err.toString().strip())
        .startsWith("trendstream: cannot reach Kafka at " + address + " within 10 s")
        .contains("--kafka-config")
        .doesNotContain("\n");
  }

  @Test
  void aWrongPasswordFailsWithOneLineNamingTheLogin() {
    String address = broker.saslBootstrapServers();
    String[] login = EmbeddedKafkaBroker.saslPlainClientSettings(USER, "wrong").entrySet()
        .stream().flatMap(e -> Stream.of("--kafka-property", e.getKey() + "=" + e.getValue()))
        .toArray(String[]::new);
    String[] args = Stream.concat(Stream.of("produce", "--bootstrap-server", address,
        "--topic", topic("wrong")), Stream.of(login)).toArray(String[]::new);
    assertThat(run(args)).isEqualTo(1);
    assertThat(err.toString().strip())
        .startsWith("trendstream: Kafka at " + address + " refused the login: ")
        .contains("Invalid username or password")
        .doesNotContain("\n", "wrong");
  }

  /** A fresh topic on the broker, created over its PLAINTEXT listener. */
  private static String topic(String prefix) {
    String name = prefix + "-" + System.nanoTime();
    broker.createTopic(name, 1, (short) 1);
    return name;
  }

  /** Runs a command in this JVM through Main's error handling; its stderr goes to err. */
  private int run(String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
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
      Await.until("the job's URL", WAIT,
          () -> child.find(URL) != null || !child.process.isAlive());
      assertThat(child.process.isAlive()).as("alive; output:\n%s", child.output()).isTrue();
      String url = child.find(URL);
      Await.until(tokens + " tokens in word_counts", WAIT, () -> {
        var r = Http.sql(url, "SELECT sum(count) FROM word_counts");
        return r != null && r.path("rows").path(0).path(0).asLong() == tokens;
      });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; output:\n" + child.output(), e);
    } finally {
      child.terminate();
      child.process.waitFor(60, TimeUnit.SECONDS);
    }
  }
}
