package io.trendstream.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.trendstream.source.live.Jetstream.at;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.trendstream.post.PostJson;
import io.trendstream.source.Vocabulary;
import io.trendstream.source.live.Jetstream;
import io.trendstream.source.live.JetstreamStub;
import io.trendstream.source.live.XSource;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.Cli;
import io.trendstream.testing.IntegrationTest;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code trendstream produce} through Main's handlers: posts into the embedded broker (the
 * tests marked {@link IntegrationTest} start it), and one-line errors for misuse (no broker).
 */
class ProduceCommandTest {
  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension();

  /** Runs {@code trendstream produce ARGS} through Main's error handling. */
  private static Cli.Result produce(String... args) {
    return produceWithEnv(Map.of(), args);
  }

  /** The same, with {@code env} as the environment the bearer token is read from. */
  private static Cli.Result produceWithEnv(Map<String, String> env, String... args) {
    return cli(env).execute(withProduce(args));
  }

  private static Cli cli(Map<String, String> env) {
    Cli cli = new Cli();
    cli.<ProduceCommand>command("produce").produce.environment(env::get);
    return cli;
  }

  private static String[] withProduce(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "produce";
    System.arraycopy(args, 0, full, 1, args.length);
    return full;
  }

  @IntegrationTest
  @Test
  void producesSyntheticPostsToTheTopic() {
    String topic = kafka.topic();
    Cli.Result run = produce("--bootstrap-server", kafka.bootstrapServers(),
        "--topic", topic, "--rate", "0", "--count", "300", "--seed", "7",
        "--kafka-property", "linger.ms=5");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("done: sent 300, acked 300, failed 0")
        .contains("to " + topic + " at " + kafka.bootstrapServers());
    List<ConsumerRecord<String, String>> got = kafka.consume(topic, 300);
    assertThat(got).hasSize(300);
    assertThat(got)
        .allSatisfy(r -> assertThat(PostJson.parse(r.value()).idStr()).isEqualTo(r.key()));
  }

  @IntegrationTest
  @Test
  void replaysAFile() throws Exception {
    String topic = kafka.topic();
    Path sample = Path.of(getClass().getResource("/twitter-v1.1-sample.jsonl").toURI());
    Cli.Result run = produce("--bootstrap-server", kafka.bootstrapServers(),
        "--topic", topic, "--source", "file:" + sample, "--rate", "1000");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out()).contains("acked 43", "source file:" + sample + " 100%");
    assertThat(kafka.consume(topic, 43)).hasSize(43);
  }

  @IntegrationTest
  @Test
  void missingFileAndMissingTopicAreOneLineErrors(@TempDir Path dir) {
    Cli.Result missingFile = produce("--bootstrap-server", kafka.bootstrapServers(),
        "--source", "file:" + dir.resolve("none.jsonl"));
    assertThat(missingFile.code()).isEqualTo(1);
    assertThat(missingFile.errLines())
        .containsExactly("trendstream: cannot read file:" + dir.resolve("none.jsonl")
            + ": no such file");

    Cli.Result missingTopic = produce("--bootstrap-server", kafka.bootstrapServers(),
        "--topic", "never-created", "--count", "1");
    assertThat(missingTopic.code()).isEqualTo(1);
    assertThat(missingTopic.errLines()).singleElement().asString()
        .startsWith("trendstream: topic 'never-created' does not exist");
  }

  @IntegrationTest  // waits out the 5 s connect timeout
  @Test
  void unreachableBrokerIsOneLineExit1() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Cli.Result run = produce("--bootstrap-server", "127.0.0.1:" + port, "--count", "1");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.errLines()).singleElement().asString()
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
      Cli.Result run = produce(args);
      assertThat(run.badFlagMessage()).as(String.join(" ", args)).isNotBlank();
      assertThat(run.errLines().get(1)).isEqualTo("Try 'trendstream produce --help'.");
    }
    assertThat(produce("--source", "twitter").badFlagMessage())
        .contains("valid forms: synthetic, file:PATH, stdin, x, bluesky");
    assertThat(produce("--vocabulary", "huge").err())
        .contains("expected: small, realistic, stress");
  }

  @Test
  void liveOnlyFlagsWithAnotherSourceAreOneLineErrors() {
    Cli.Result filter = produce("--source", "synthetic", "--filter", "kafka", "--count", "1");
    assertThat(filter.code()).isEqualTo(1);
    assertThat(filter.errLines()).containsExactly("trendstream: --filter only applies to "
        + "the live sources (x, bluesky), not to 'synthetic'");
    Cli.Result cursor = produce("--source", "stdin", "--cursor", "5", "--record", "r.jsonl");
    assertThat(cursor.code()).isEqualTo(1);
    assertThat(cursor.errLines()).containsExactly("trendstream: --cursor, --record only "
        + "apply to the live sources (x, bluesky), not to 'stdin'");
  }

  @Test
  void xWithoutATokenIsOneLineBeforeAnythingConnects() {
    // No broker at this address: the token is checked first.
    Cli.Result run = produceWithEnv(Map.of(), "--source", "x", "--bootstrap-server",
        "127.0.0.1:1");
    assertThat(run.code()).isEqualTo(1);
    assertThat(run.errLines()).containsExactly("trendstream: the x source needs a "
        + "bearer token: set X_BEARER_TOKEN (it is never a flag)");
  }

  @IntegrationTest
  @Test
  void aRefusedTokenIsOneLineAndExit1() {
    String token = "AAAA-refused-token-never-printed";
    WireMockServer x = new WireMockServer(
        WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
    x.start();
    try {
      String topic = kafka.topic();
      x.stubFor(get(urlPathEqualTo(XSource.SEARCH_PATH)).willReturn(aResponse().withStatus(401)
          .withHeader("Content-Type", "application/problem+json")
          .withBody("{\"title\":\"Unauthorized\",\"type\":\"about:blank\","
              + "\"status\":401,\"detail\":\"Unauthorized\"}")));
      Cli.Result run = produceWithEnv(Map.of(XSource.TOKEN_ENV, token), "--source", "x",
          "--base-url", x.baseUrl(), "--bootstrap-server", kafka.bootstrapServers(),
          "--topic", topic);
      assertThat(run.code()).isEqualTo(1);
      assertThat(run.errLines()).containsExactly("trendstream: X API refused the "
          + "bearer token (HTTP 401): set X_BEARER_TOKEN to a valid app bearer token");
      assertThat(run.out() + run.err()).doesNotContain(token);
      assertThat(x.getAllServeEvents()).isNotEmpty();
    } finally {
      x.stop();
    }
  }

  @IntegrationTest
  @Test
  void ctrlCFlushesWhatWasSentThenPrintsTheResumeCursor() throws Exception {
    String did = "did:plc:eygmaihciaxprqvxpfvl6flk";
    String topic = kafka.topic();
    try (JetstreamStub stub = new JetstreamStub()) {
      // Three posts, then a quiet but open connection: produce waits in the source's next().
      stub.then((ctx, cursor) -> JetstreamStub.send(ctx, List.of(
          Jetstream.identity(at(1), did, "alice.bsky.social"),
          Jetstream.post(at(2), did, "s1", "one", "2024-09-09T19:46:04Z", "en"),
          Jetstream.post(at(3), did, "s2", "two", "2024-09-09T19:46:05Z", "en"),
          Jetstream.post(at(4), did, "s3", "three", "2024-09-09T19:46:06Z", "en"))));
      Cli cli = cli(Map.of());
      CompletableFuture<Cli.Result> run = cli.start(withProduce("--source", "bluesky",
          "--base-url", stub.baseUrl(), "--bootstrap-server", kafka.bootstrapServers(),
          "--topic", topic));
      assertThat(kafka.consume(topic, 3)).hasSize(3);

      cli.<ProduceCommand>command("produce").shutdown();

      Cli.Result done = run.get(60, TimeUnit.SECONDS);
      assertThat(done.code()).as(done.err()).isZero();
      assertThat(done.out()).startsWith("done: sent 3, acked 3, failed 0");
      assertThat(done.errLines()).contains(
          "produce: bluesky: stopped after 3 posts; resume with --cursor " + (at(4) + 1));
    }
  }

  @Test
  void helpListsTheLiveSourcesAndTheirFlags() {
    Cli.Result help = produce("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("x (X API v2 recent search", "bluesky (Bluesky",
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
