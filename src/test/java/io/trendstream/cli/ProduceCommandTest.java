package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.broker.KafkaTestClients;
import io.trendstream.post.PostJson;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProduceCommandTest {
  @TempDir static Path brokerDir;
  private static EmbeddedKafkaBroker broker;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startBroker() {
    broker = new EmbeddedKafkaBroker(brokerDir, 0).start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  /** Runs {@code trendstream produce ARGS} through Main's error handling. */
  private int produce(String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] full = new String[args.length + 1];
    full[0] = "produce";
    System.arraycopy(args, 0, full, 1, args.length);
    return cl.execute(full);
  }

  @Test
  void producesSyntheticPostsToTheTopic() {
    broker.createTopic("cli-synthetic", 1, (short) 1);
    int code = produce("--bootstrap-server", broker.bootstrapServers(),
        "--topic", "cli-synthetic", "--rate", "0", "--count", "300", "--seed", "7",
        "--kafka-property", "linger.ms=5");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("done: sent 300, acked 300, failed 0")
        .contains("to cli-synthetic at " + broker.bootstrapServers());
    List<ConsumerRecord<String, String>> got = KafkaTestClients.consume(
        broker.bootstrapServers(), "cli-synthetic", 300, Duration.ofSeconds(60));
    assertThat(got).hasSize(300);
    assertThat(got)
        .allSatisfy(r -> assertThat(PostJson.parse(r.value()).idStr()).isEqualTo(r.key()));
  }

  @Test
  void replaysAFile() throws Exception {
    broker.createTopic("cli-file", 1, (short) 1);
    Path sample = Path.of(getClass().getResource("/twitter-v1.1-sample.jsonl").toURI());
    int code = produce("--bootstrap-server", broker.bootstrapServers(),
        "--topic", "cli-file", "--source", "file:" + sample, "--rate", "1000");
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("acked 43", "source file:" + sample + " 100%");
    assertThat(KafkaTestClients.consume(
        broker.bootstrapServers(), "cli-file", 43, Duration.ofSeconds(60))).hasSize(43);
  }

  @Test
  void missingFileAndMissingTopicAreOneLineErrors(@TempDir Path dir) {
    assertThat(produce("--bootstrap-server", broker.bootstrapServers(),
        "--source", "file:" + dir.resolve("none.jsonl"))).isEqualTo(1);
    assertThat(err.toString().lines())
        .containsExactly("trendstream: cannot read file:" + dir.resolve("none.jsonl")
            + ": no such file");

    err.getBuffer().setLength(0);
    assertThat(produce("--bootstrap-server", broker.bootstrapServers(),
        "--topic", "never-created", "--count", "1")).isEqualTo(1);
    assertThat(err.toString().lines()).singleElement().asString()
        .startsWith("trendstream: topic 'never-created' does not exist");
  }

  @Test
  void unreachableBrokerIsOneLineExit1() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    assertThat(produce("--bootstrap-server", "127.0.0.1:" + port, "--count", "1")).isEqualTo(1);
    assertThat(err.toString().lines()).singleElement().asString()
        .startsWith("trendstream: cannot reach Kafka at 127.0.0.1:" + port);
  }

  @Test
  void badFlagsExitWith2AndOneLine() {
    String[][] cases = {
        {"--rate", "-1"},
        {"--rate", "fast"},
        {"--count", "-5"},
        {"--source", "twitter"},
        {"--source", "file:"},
        {"--kafka-property", "linger.ms"},
        {"--kafka-property", "no.such.setting=1"},
        {"--no-such-flag"}};
    for (String[] args : cases) {
      err.getBuffer().setLength(0);
      assertThat(produce(args)).as(String.join(" ", args)).isEqualTo(2);
      List<String> lines = err.toString().lines().toList();
      assertThat(lines).as(String.join(" ", args)).hasSize(2);
      assertThat(lines.get(0)).startsWith("trendstream: ");
      assertThat(lines.get(1)).isEqualTo("Try 'trendstream produce --help'.");
    }
    err.getBuffer().setLength(0);
    produce("--source", "twitter");
    assertThat(err.toString()).contains("valid forms: synthetic, file:PATH, stdin");
  }

  @Test
  void optionsDefaultsAndDemoRateOverride() {
    ProduceOptions opts = new ProduceOptions();
    new CommandLine(new Holder(opts)).parseArgs();
    assertThat(opts.bootstrapServer()).isEqualTo("127.0.0.1:9092");
    assertThat(opts.topic()).isEqualTo("tweets");
    assertThat(opts.source()).isEqualTo("synthetic");
    assertThat(opts.rate()).isEqualTo(100);
    assertThat(opts.rateOr(2000)).isEqualTo(2000);
    assertThat(opts.count()).isZero();
    assertThat(opts.seed()).isEqualTo(42);

    ProduceOptions given = new ProduceOptions();
    new CommandLine(new Holder(given)).parseArgs("--rate", "0", "--count", "9");
    assertThat(given.rateOr(2000)).isZero();
    assertThat(given.count()).isEqualTo(9);
  }

  @CommandLine.Command(name = "holder")
  static final class Holder implements Runnable {
    @CommandLine.Mixin final ProduceOptions options;

    Holder(ProduceOptions options) {
      this.options = options;
    }

    @Override
    public void run() {}
  }
}
