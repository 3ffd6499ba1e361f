package io.trendstream.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.trendstream.source.live.Jetstream.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.broker.KafkaTestClients;
import io.trendstream.post.PostJson;
import io.trendstream.source.Vocabulary;
import io.trendstream.source.live.Jetstream;
import io.trendstream.source.live.JetstreamStub;
import io.trendstream.source.live.XSource;
import io.trendstream.testing.IntegrationTest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@IntegrationTest
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
    return produceWithEnv(Map.of(), args);
  }

  /** The same, with {@code env} as the environment the bearer token is read from. */
  private int produceWithEnv(Map<String, String> env, String... args) {
    CommandLine cl = commandLine(env);
    return cl.execute(withProduce(args));
  }

  private CommandLine commandLine(Map<String, String> env) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    produceCommand(cl).produce.environment(env::get);
    return cl;
  }

  private static ProduceCommand produceCommand(CommandLine cl) {
    return cl.getSubcommands().get("produce").getCommand();
  }

  private static String[] withProduce(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "produce";
    System.arraycopy(args, 0, full, 1, args.length);
    return full;
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
        {"--vocabulary", "huge"},
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
    assertThat(err.toString()).contains("valid forms: synthetic, file:PATH, stdin, x, bluesky");
    err.getBuffer().setLength(0);
    produce("--vocabulary", "huge");
    assertThat(err.toString()).contains("expected: small, realistic, stress");
  }

  @Test
  void liveOnlyFlagsWithAnotherSourceAreOneLineErrors() {
    assertThat(produce("--source", "synthetic", "--filter", "kafka", "--count", "1"))
        .isEqualTo(1);
    assertThat(err.toString().lines()).containsExactly("trendstream: --filter only applies to "
        + "the live sources (x, bluesky), not to 'synthetic'");
    err.getBuffer().setLength(0);
    assertThat(produce("--source", "stdin", "--cursor", "5", "--record", "r.jsonl"))
        .isEqualTo(1);
    assertThat(err.toString().lines()).containsExactly("trendstream: --cursor, --record only "
        + "apply to the live sources (x, bluesky), not to 'stdin'");
  }

  @Test
  void xWithoutATokenIsOneLineBeforeAnythingConnects() {
    // No broker at this address: the token is checked first.
    assertThat(produceWithEnv(Map.of(), "--source", "x", "--bootstrap-server", "127.0.0.1:1"))
        .isEqualTo(1);
    assertThat(err.toString().lines()).containsExactly("trendstream: the x source needs a "
        + "bearer token: set X_BEARER_TOKEN (it is never a flag)");
  }

  @Test
  void aRefusedTokenIsOneLineAndExit1() {
    String token = "AAAA-refused-token-never-printed";
    WireMockServer x = new WireMockServer(
        WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    x.start();
    try {
      broker.createTopic("cli-x-401", 1, (short) 1);
      x.stubFor(get(urlPathEqualTo(XSource.SEARCH_PATH)).willReturn(aResponse().withStatus(401)
          .withHeader("Content-Type", "application/problem+json")
          .withBody("{\"title\":\"Unauthorized\",\"type\":\"about:blank\","
              + "\"status\":401,\"detail\":\"Unauthorized\"}")));
      int code = produceWithEnv(Map.of(XSource.TOKEN_ENV, token), "--source", "x",
          "--base-url", x.baseUrl(), "--bootstrap-server", broker.bootstrapServers(),
          "--topic", "cli-x-401");
      assertThat(code).isEqualTo(1);
      assertThat(err.toString().lines()).containsExactly("trendstream: X API refused the "
          + "bearer token (HTTP 401): set X_BEARER_TOKEN to a valid app bearer token");
      assertThat(out.toString() + err).doesNotContain(token);
      assertThat(x.getAllServeEvents()).isNotEmpty();
    } finally {
      x.stop();
    }
  }

  @Test
  void ctrlCFlushesWhatWasSentThenPrintsTheResumeCursor() throws Exception {
    String did = "did:plc:eygmaihciaxprqvxpfvl6flk";
    broker.createTopic("cli-bluesky-stop", 1, (short) 1);
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try (JetstreamStub stub = new JetstreamStub()) {
      // Three posts, then a quiet but open connection: produce waits in the source's next().
      stub.then((ctx, cursor) -> JetstreamStub.send(ctx, List.of(
          Jetstream.identity(at(1), did, "alice.bsky.social"),
          Jetstream.post(at(2), did, "s1", "one", "2024-09-09T19:46:04Z", "en"),
          Jetstream.post(at(3), did, "s2", "two", "2024-09-09T19:46:05Z", "en"),
          Jetstream.post(at(4), did, "s3", "three", "2024-09-09T19:46:06Z", "en"))));
      CommandLine cl = commandLine(Map.of());
      Future<Integer> run = runner.submit(() -> cl.execute(withProduce("--source", "bluesky",
          "--base-url", stub.baseUrl(), "--bootstrap-server", broker.bootstrapServers(),
          "--topic", "cli-bluesky-stop")));
      assertThat(KafkaTestClients.consume(broker.bootstrapServers(), "cli-bluesky-stop", 3,
          Duration.ofSeconds(60))).hasSize(3);

      produceCommand(cl).shutdown();

      assertThat(run.get(60, TimeUnit.SECONDS)).as(err.toString()).isZero();
      assertThat(out.toString()).startsWith("done: sent 3, acked 3, failed 0");
      assertThat(err.toString().lines()).contains(
          "produce: bluesky: stopped after 3 posts; resume with --cursor " + (at(4) + 1));
    } finally {
      runner.shutdownNow();
    }
  }

  @Test
  void helpListsTheLiveSourcesAndTheirFlags() {
    assertThat(produce("--help")).isZero();
    assertThat(out.toString()).contains("x (X API v2 recent search", "bluesky (Bluesky",
        "--query", "--interval", "--base-url", "--filter", "--since-id", "--cursor", "--record",
        "--vocabulary=small|realistic|stress", "(default: realistic)");
  }

  @Test
  void demoSharesTheLiveSourceFlags() {
    var demo = Main.commandLine().getSubcommands().get("demo").getCommandSpec();
    for (String flag : List.of("--source", "--query", "--interval", "--base-url", "--filter",
        "--since-id", "--cursor", "--record", "--vocabulary")) {
      assertThat(demo.findOption(flag)).as(flag).isNotNull();
    }
  }

  @Test
  void liveSourcesAreNotPacedUnlessARateIsGiven() {
    ProduceOptions live = new ProduceOptions();
    new CommandLine(new Holder(live)).parseArgs("--source", "bluesky");
    assertThat(live.isLive()).isTrue();
    assertThat(live.rate()).isZero();
    assertThat(live.rateOr(2000)).isZero();
    ProduceOptions paced = new ProduceOptions();
    new CommandLine(new Holder(paced)).parseArgs("--source", "x", "--rate", "5");
    assertThat(paced.rate()).isEqualTo(5);
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
    assertThat(opts.vocabulary()).isEqualTo(Vocabulary.REALISTIC);

    ProduceOptions given = new ProduceOptions();
    new CommandLine(new Holder(given)).parseArgs("--rate", "0", "--count", "9",
        "--vocabulary", "small");
    assertThat(given.rateOr(2000)).isZero();
    assertThat(given.count()).isEqualTo(9);
    assertThat(given.vocabulary()).isEqualTo(Vocabulary.SMALL);
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
