package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.broker.KafkaTestClients;
import io.trendstream.testing.Await;
import io.trendstream.testing.IntegrationTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BrokerCommandTest {
  private static final Pattern READY =
      Pattern.compile("Kafka broker ready at (127\\.0\\.0\\.1:\\d+)");
  @TempDir Path dir;

  private static CommandLine withMainHandlers(StringWriter out, StringWriter err) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    return cl;
  }

  @IntegrationTest
  @Test
  void servesTheTweetsTopicUntilStopped() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = withMainHandlers(out, err);
    BrokerCommand cmd = cl.getSubcommands().get("broker").getCommand();
    AtomicInteger exit = new AtomicInteger(-1);
    Thread t = new Thread(() -> exit.set(
        cl.execute("broker", "--port", "0", "--data-dir", dir.toString())));
    t.start();
    try {
      Await.until("broker ready line", Duration.ofSeconds(90),
          () -> READY.matcher(out.toString()).find() || !t.isAlive());
      Matcher m = READY.matcher(out.toString());
      assertThat(m.find()).as(err.toString()).isTrue();
      String bootstrap = m.group(1);
      assertThat(Files.exists(dir.resolve("kafka").resolve("meta.properties"))).isTrue();
      try (KafkaProducer<String, String> p = KafkaTestClients.producer(bootstrap)) {
        p.send(new ProducerRecord<>("tweets", "1", "{}")).get();
      }
      assertThat(KafkaTestClients.consume(bootstrap, "tweets", 1, Duration.ofSeconds(30)))
          .hasSize(1);
    } finally {
      cmd.stop();
      t.join(60_000);
    }
    assertThat(t.isAlive()).isFalse();
    assertThat(exit.get()).isZero();
  }

  @Test
  void badPortIsExit2() {
    for (String port : new String[] {"-1", "70000", "http"}) {
      StringWriter err = new StringWriter();
      int code = withMainHandlers(new StringWriter(), err)
          .execute("broker", "--port", port, "--data-dir", dir.toString());
      assertThat(code).as(port).isEqualTo(2);
      assertThat(err.toString().lines()).hasSize(2).first().asString()
          .startsWith("trendstream: ");
    }
  }

  @Test
  void busyPortIsOneLineExit1() throws Exception {
    try (var socket = new java.net.ServerSocket(0, 50,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      StringWriter err = new StringWriter();
      int code = withMainHandlers(new StringWriter(), err)
          .execute("broker", "--port", Integer.toString(socket.getLocalPort()),
              "--data-dir", dir.toString());
      assertThat(code).isEqualTo(1);
      assertThat(err.toString().lines()).singleElement().asString()
          .isEqualTo("trendstream: port " + socket.getLocalPort()
              + " on 127.0.0.1 is already in use (another broker running?)");
    }
  }
}
