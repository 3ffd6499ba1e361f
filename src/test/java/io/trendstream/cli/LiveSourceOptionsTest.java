package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.common.UserError;
import io.trendstream.source.live.BlueskySource;
import io.trendstream.source.live.LiveContext;
import io.trendstream.source.live.LiveSource;
import io.trendstream.source.live.XSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@link LiveSourceOptions}: flags to sources, and one-line errors for misuse. */
class LiveSourceOptionsTest {
  private static final Map<String, String> ENV = Map.of(XSource.TOKEN_ENV, "secret-token");

  @Command(name = "produce")
  static final class Cmd {
    @Mixin LiveSourceOptions live;
  }

  @Test
  void opensBothSourcesWithoutTouchingTheNetwork(@TempDir Path dir) throws Exception {
    Path rec = dir.resolve("rec.jsonl");
    LiveSourceOptions o = parse("--query", "spark OR kafka", "--interval", "30s",
        "--since-id", "1876012345678901001", "--filter", "kafka", "--record", rec.toString());
    try (LiveSource x = o.open("x", ENV::get, LiveContext.defaults())) {
      assertThat(x).isInstanceOf(XSource.class);
      assertThat(x.describe()).isEqualTo("x:spark OR kafka");
      assertThat(x.status().resume()).isEqualTo("--since-id 1876012345678901001");
    }
    assertThat(Files.exists(rec)).isTrue();
    try (LiveSource b = parse("--cursor", "1725911162000000", "--filter", "kafka")
        .open("bluesky", Map.<String, String>of()::get, LiveContext.defaults())) {
      assertThat(b).isInstanceOf(BlueskySource.class);
      assertThat(b.describe()).isEqualTo("bluesky:[kafka]");
      assertThat(b.status().resume()).isEqualTo("--cursor 1725911162000000");
    }
  }

  @Test
  void aMissingTokenIsAUserErrorNamingTheVariable() {
    assertThatThrownBy(() -> parse().open("x", Map.<String, String>of()::get,
        LiveContext.defaults()))
        .isInstanceOf(UserError.class)
        .hasMessage("the x source needs a bearer token: set X_BEARER_TOKEN (it is never a flag)");
  }

  @Test
  void flagsOfTheOtherSourceAreRejected() {
    assertThatThrownBy(() -> parse("--cursor", "5").open("x", ENV::get, LiveContext.defaults()))
        .isInstanceOf(UserError.class).hasMessage("--cursor applies to --source bluesky only");
    assertThatThrownBy(() -> parse("--since-id", "5")
        .open("bluesky", ENV::get, LiveContext.defaults()))
        .isInstanceOf(UserError.class).hasMessage("--since-id applies to --source x only");
    assertThatThrownBy(() -> parse("--filter", "a", "--record", "f")
        .rejectFor("synthetic"))
        .isInstanceOf(UserError.class)
        .hasMessage("--filter, --record only apply to the live sources (x, bluesky), not to "
            + "'synthetic'");
    assertThatThrownBy(() -> parse("--query", "a").rejectFor("stdin"))
        .isInstanceOf(UserError.class)
        .hasMessage("--query only applies to the live sources (x, bluesky), not to 'stdin'");
    parse().rejectFor("synthetic");
  }

  @Test
  void badUrlsAndNamesAreOneLineErrors() {
    assertThatThrownBy(() -> parse("--base-url", "https://jetstream.example")
        .open("bluesky", ENV::get, LiveContext.defaults()))
        .isInstanceOf(UserError.class)
        .hasMessage("--base-url for bluesky must be a ws:// or wss:// URL, not "
            + "'https://jetstream.example'");
    assertThatThrownBy(() -> parse("--base-url", "ws://x.example")
        .open("x", ENV::get, LiveContext.defaults()))
        .isInstanceOf(UserError.class)
        .hasMessage("--base-url for x must be an http(s) URL, not 'ws://x.example'");
    assertThatThrownBy(() -> parse("--base-url", "not a url")
        .open("x", ENV::get, LiveContext.defaults()))
        .isInstanceOf(UserError.class).hasMessageStartingWith("--base-url 'not a url'");
    assertThatThrownBy(() -> parse().open("mastodon", ENV::get, LiveContext.defaults()))
        .isInstanceOf(UserError.class)
        .hasMessage("'mastodon' is not a live source (live sources: x, bluesky)");
  }

  @Test
  void intervalsParseInTheUsualUnits() {
    LiveSourceOptions.DurationConverter c = new LiveSourceOptions.DurationConverter();
    assertThat(c.convert("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(c.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.convert("15")).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.convert("PT1M")).isEqualTo(Duration.ofMinutes(1));
    assertThatThrownBy(() -> parse("--interval", "soon"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("'soon' is not a duration");
    assertThatThrownBy(() -> parse("--interval", "0s"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("'0s' is not a positive duration");
  }

  @Test
  void theTokenIsNotAFlag() {
    assertThatThrownBy(() -> parse("--bearer-token", "x"))
        .isInstanceOf(CommandLine.UnmatchedArgumentException.class);
  }

  private static LiveSourceOptions parse(String... args) {
    Cmd cmd = new Cmd();
    new CommandLine(cmd).parseArgs(args);
    return cmd.live;
  }
}
