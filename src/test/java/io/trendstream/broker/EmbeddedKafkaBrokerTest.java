package io.trendstream.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.IntegrationTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.ConsoleProducer;
import org.apache.kafka.tools.consumer.ConsoleConsumer;
import org.apache.kafka.tools.consumer.ConsoleConsumerOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@IntegrationTest
class EmbeddedKafkaBrokerTest {
  /** A broker of the usual kind, for the tests that need no special one. */
  @RegisterExtension final BrokerExtension kafka = new BrokerExtension();
  @TempDir Path dir;

  @Test
  void roundTripWithPlainClients() throws Exception {
    EmbeddedKafkaBroker broker = kafka.broker();
    assertThat(broker.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
    broker.createTopic("round-trip", 3, (short) 1);
    broker.createTopic("round-trip", 3, (short) 1); // already exists: fine
    try (KafkaProducer<String, String> p = KafkaTestClients.producer(broker.bootstrapServers())) {
      for (int i = 0; i < 100; i++) {
        p.send(new ProducerRecord<>("round-trip", "k" + i, "v" + i)).get();
      }
    }
    List<ConsumerRecord<String, String>> got = kafka.consume("round-trip", 100);
    assertThat(got).hasSize(100);
    assertThat(got).extracting(ConsumerRecord::value).contains("v0", "v99");
    assertThat(got).extracting(ConsumerRecord::partition).contains(0, 1, 2);
  }

  /**
   * createTopic returns only when every partition takes a write: a first send that is never
   * retried lands on each one. Waiting for a leader in the metadata alone let 224 of 1,200 such
   * sends fail with NOT_LEADER_OR_FOLLOWER, which an idempotent producer can turn into lost
   * records (TopicReadiness).
   */
  @Test
  void createdTopicTakesAnUnretriedFirstWriteOnEveryPartition() throws Exception {
    EmbeddedKafkaBroker broker = kafka.broker();
    assertThat(KafkaTestClients.failedFirstWrites(broker.bootstrapServers(), 25, 4,
        topic -> broker.createTopic(topic, 4, (short) 1))).isEmpty();
  }

  /**
   * A port the broker picked itself can be taken by another process before the broker binds
   * it: it picks again instead of failing. Each case hands it a taken port once, as the client
   * port and as the controller port.
   */
  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void aPickedPortTakenBeforeTheBindIsPickedAgain(int takenCall) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      AtomicInteger calls = new AtomicInteger();
      IntSupplier ports = () -> calls.getAndIncrement() == takenCall
          ? taken.getLocalPort() : freePort();
      try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0, ports).start()) {
        assertThat(calls.get()).as("ports picked").isEqualTo(4);
        assertThat(broker.port()).isNotEqualTo(taken.getLocalPort());
        assertThat(KafkaTestClients.failedFirstWrites(broker.bootstrapServers(), 1, 1,
            topic -> broker.createTopic(topic, 1, (short) 1))).isEmpty();
      }
    }
  }

  @Test
  void pickedPortsTakenEveryTimeAreAClearError() throws Exception {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    try (ServerSocket client = new ServerSocket(0, 50, loopback);
        ServerSocket controller = new ServerSocket(0, 50, loopback)) {
      AtomicInteger calls = new AtomicInteger();
      EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0,
          () -> (calls.getAndIncrement() % 2 == 0 ? client : controller).getLocalPort());
      assertThatThrownBy(broker::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("Kafka broker failed to start");
      assertThat(calls.get()).as("ports picked: three tries").isEqualTo(6);
      assertThat(broker.isRunning()).isFalse();
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void restartOnSameDataDirKeepsTopicsAndRecords() throws Exception {
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0).start()) {
      broker.createTopic("durable", 1, (short) 1);
      try (KafkaProducer<String, String> p = KafkaTestClients.producer(broker.bootstrapServers())) {
        p.send(new ProducerRecord<>("durable", "a", "before-restart")).get();
      }
    }
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, 0).start()) {
      assertThat(broker.topics()).contains("durable", EmbeddedKafkaBroker.HEALTH_TOPIC);
      try (KafkaProducer<String, String> p = KafkaTestClients.producer(broker.bootstrapServers())) {
        p.send(new ProducerRecord<>("durable", "b", "after-restart")).get();
      }
      List<ConsumerRecord<String, String>> got =
          KafkaTestClients.consume(broker.bootstrapServers(), "durable", 2, Duration.ofSeconds(30));
      assertThat(got).extracting(ConsumerRecord::value)
          .containsExactly("before-restart", "after-restart");
    }
  }

  @Test
  void topicConfigsAreApplied() throws Exception {
    try (Admin admin = Admin.create(kafka.clientConfig())) {
      kafka.broker().createTopic("compacted", 1, (short) 1, Map.of("cleanup.policy", "compact"));
      ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, "compacted");
      Config cfg = admin.describeConfigs(List.of(res)).all().get().get(res);
      assertThat(cfg.get("cleanup.policy").value()).isEqualTo("compact");
    }
  }

  @Test
  void stopIsIdempotentAndBusyPortIsAClearError() {
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("a"), 0).start();
    try {
      assertThatThrownBy(() -> new EmbeddedKafkaBroker(dir.resolve("b"), broker.port()).start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already in use");
    } finally {
      broker.stop();
    }
    assertThat(broker.isRunning()).isFalse();
    broker.stop();
    broker.close();
  }

  @Test
  void kafkasOwnConsoleProducerAndConsumerWork() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    String topic = kafka.topic();
    List<Runnable> hooks = new ArrayList<>();
    InputStream stdin = System.in;
    PrintStream stdout = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int[] exitCode = {-1};
    // The tools end with Exit.exit and close their clients in shutdown hooks: capture both.
    Exit.setExitProcedure((code, msg) -> {
      exitCode[0] = code;
      throw new ToolExited();
    });
    Exit.setShutdownHookAdder((name, hook) -> hooks.add(hook));
    try {
      System.setIn(new ByteArrayInputStream(
          "k1\tfirst line\nk2\tsecond line\n".getBytes(StandardCharsets.UTF_8)));
      try {
        ConsoleProducer.main(new String[] {
            "--bootstrap-server", bootstrap, "--topic", topic, "--sync",
            "--property", "parse.key=true"});
      } catch (ToolExited expected) {
        // Exit.exit(0) at the end of a successful run
      }
      hooks.forEach(Runnable::run);
      hooks.clear();
      assertThat(exitCode[0]).isZero();

      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      ConsoleConsumer.run(new ConsoleConsumerOptions(new String[] {
          "--bootstrap-server", bootstrap, "--topic", topic, "--from-beginning",
          "--max-messages", "2", "--timeout-ms", "30000",
          "--property", "print.key=true"}));
    } finally {
      System.setIn(stdin);
      System.setOut(stdout);
      Exit.resetExitProcedure();
      Exit.resetShutdownHookAdder();
    }
    assertThat(captured.toString(StandardCharsets.UTF_8).lines())
        .containsExactly("k1\tfirst line", "k2\tsecond line");
    List<ConsumerRecord<String, String>> got = kafka.consume(topic, 2);
    assertThat(got).extracting(ConsumerRecord::key).containsExactly("k1", "k2");
  }

  private static final class ToolExited extends RuntimeException {}
}
