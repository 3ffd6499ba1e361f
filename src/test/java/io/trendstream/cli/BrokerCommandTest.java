package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.broker.KafkaTestClients;
import io.trendstream.testing.Await;
import io.trendstream.testing.Cli;
import io.trendstream.testing.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerCommandTest {
  private static final Pattern READY =
      Pattern.compile("Kafka broker ready at (127\\.0\\.0\\.1:\\d+)");
  @TempDir Path dir;

  @IntegrationTest
  @Test
  void servesTheTweetsTopicUntilStopped() throws Exception {
    Cli cli = new Cli();
    BrokerCommand cmd = cli.command("broker");
    CompletableFuture<Cli.Result> run = cli.start("broker", "--port", "0", "--data-dir",
        dir.toString());
    try {
      Await.until("broker ready line", Duration.ofSeconds(90),
          () -> READY.matcher(cli.out()).find() || run.isDone());
      Matcher m = READY.matcher(cli.out());
      assertThat(m.find()).as(cli.err()).isTrue();
      String bootstrap = m.group(1);
      assertThat(Files.exists(dir.resolve("kafka").resolve("meta.properties"))).isTrue();
      try (KafkaProducer<String, String> p = KafkaTestClients.producer(bootstrap)) {
        p.send(new ProducerRecord<>("tweets", "1", "{}")).get();
      }
      assertThat(KafkaTestClients.consume(bootstrap, "tweets", 1, Duration.ofSeconds(30)))
          .hasSize(1);
    } finally {
      cmd.stop();
    }
    assertThat(run.get(60, TimeUnit.SECONDS).code()).isZero();
  }

  @Test
  void badPortIsExit2() {
    for (String port : new String[] {"-1", "70000", "http"}) {
      assertThat(Cli.run("broker", "--port", port, "--data-dir", dir.toString())
          .badFlagMessage()).as(port).contains("--port");
    }
  }

  @Test
  void busyPortIsOneLineExit1() throws Exception {
    try (var socket = new java.net.ServerSocket(0, 50,
        java.net.InetAddress.getByName("127.0.0.1"))) {
      Cli.Result run = Cli.run("broker", "--port", Integer.toString(socket.getLocalPort()),
          "--data-dir", dir.toString());
      assertThat(run.code()).isEqualTo(1);
      assertThat(run.errLines()).singleElement().asString()
          .isEqualTo("trendstream: port " + socket.getLocalPort()
              + " on 127.0.0.1 is already in use (another broker running?)");
    }
  }
}
