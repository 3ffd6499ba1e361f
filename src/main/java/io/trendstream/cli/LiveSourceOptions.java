package io.trendstream.cli;

import io.trendstream.common.UserError;
import io.trendstream.source.Sources;
import io.trendstream.source.live.BlueskySource;
import io.trendstream.source.live.LiveContext;
import io.trendstream.source.live.LiveSource;
import io.trendstream.source.live.Recorder;
import io.trendstream.source.live.WordFilter;
import io.trendstream.source.live.XSource;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * The live-source flags, a picocli {@code @Mixin} for commands that take {@code --source}. Input:
 * {@code --query --interval --base-url --filter --since-id --cursor --record} and the
 * {@code X_BEARER_TOKEN} environment variable; output: a started-on-demand {@link LiveSource}
 * from {@link #open(String)} for {@code x} or {@code bluesky}. The bearer token is read from the
 * environment only, never from a flag, so it cannot leak through shell history or {@code ps}.
 */
public final class LiveSourceOptions {
  /** Source names {@link #open(String)} accepts. */
  public static final Set<String> SOURCES = Sources.LIVE;

  @Option(names = "--query", paramLabel = "QUERY",
      description = "x: recent-search query (default: " + XSource.DEFAULT_QUERY + ").")
  String query;

  @Option(names = "--interval", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "x: time between polls, e.g. 10s, 500ms, 2m (default: 10s).")
  Duration interval;

  @Option(names = "--base-url", paramLabel = "URL",
      description = "x, bluesky: API root, for proxies and tests (x default: " + XSource.DEFAULT_BASE_URL
          + "; bluesky default: " + BlueskySource.DEFAULT_BASE_URL + ").")
  String baseUrl;

  @Option(names = "--filter", paramLabel = "WORD",
      description = "x, bluesky: keep only posts containing this word (whole word, any case); "
          + "repeatable: any of the words.")
  List<String> filter = new ArrayList<>();

  @Option(names = "--since-id", paramLabel = "ID",
      description = "x: resume after this post id (printed when a run stops).")
  Long sinceId;

  @Option(names = "--cursor", paramLabel = "TIME_US",
      description = "bluesky: resume at this Jetstream time in microseconds (printed when a run "
          + "stops).")
  Long cursor;

  @Option(names = "--record", paramLabel = "FILE",
      description = "x, bluesky: also write each received post's payload as a JSON line, for "
          + "replay with --source file:FILE (gzip when FILE ends in .gz).")
  Path record;

  /** Whether {@code name} is a live source this class can open. */
  public static boolean isLive(String name) {
    return SOURCES.contains(name);
  }

  /** Opens {@code x} or {@code bluesky}, reading the token from the process environment. */
  public LiveSource open(String sourceName) {
    return open(sourceName, System::getenv, LiveContext.defaults());
  }

  /**
   * Opens a live source; nothing touches the network until its first {@code next()}.
   *
   * @param env environment lookup (tests pass a map)
   * @param base clock and notices; the filter and recorder come from the flags
   * @throws UserError for a missing token, a flag that does not fit the source, or an unusable
   *     record file
   */
  public LiveSource open(String sourceName, Function<String, String> env, LiveContext base) {
    WordFilter words;
    try {
      words = new WordFilter(filter);
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage());
    }
    LiveSource source;
    switch (sourceName) {
      case XSource.NAME -> {
        rejectIfSet(cursor != null, "--cursor", "bluesky");
        XSource.Config config = new XSource.Config(
            uri(baseUrl == null ? XSource.DEFAULT_BASE_URL : baseUrl),
            query == null ? XSource.DEFAULT_QUERY : query,
            interval == null ? XSource.DEFAULT_INTERVAL : interval,
            env.apply(XSource.TOKEN_ENV),
            sinceId);
        source = new XSource(config, withRecorder(base.withFilter(words)));
      }
      case BlueskySource.NAME -> {
        rejectIfSet(sinceId != null, "--since-id", "x");
        rejectIfSet(query != null, "--query", "x");
        rejectIfSet(interval != null, "--interval", "x");
        BlueskySource.Config config = new BlueskySource.Config(
            uri(baseUrl == null ? BlueskySource.DEFAULT_BASE_URL : baseUrl), cursor);
        source = new BlueskySource(config, withRecorder(base.withFilter(words)));
      }
      default -> throw new UserError(
          "'" + sourceName + "' is not a live source (live sources: x, bluesky)");
    }
    return source;
  }

  /**
   * For commands whose source is not live: fails when any live-only flag was given, so a
   * mistyped source name is not silently ignored.
   */
  public void rejectFor(String sourceName) {
    List<String> given = new ArrayList<>();
    addIf(given, query != null, "--query");
    addIf(given, interval != null, "--interval");
    addIf(given, baseUrl != null, "--base-url");
    addIf(given, !filter.isEmpty(), "--filter");
    addIf(given, sinceId != null, "--since-id");
    addIf(given, cursor != null, "--cursor");
    addIf(given, record != null, "--record");
    if (!given.isEmpty()) {
      throw new UserError(String.join(", ", given)
          + (given.size() == 1 ? " only applies" : " only apply")
          + " to the live sources (x, bluesky), not to '" + sourceName + "'");
    }
  }

  private LiveContext withRecorder(LiveContext ctx) {
    return record == null ? ctx : ctx.withRecorder(Recorder.open(record));
  }

  private static void addIf(List<String> list, boolean cond, String flag) {
    if (cond) {
      list.add(flag);
    }
  }

  private static void rejectIfSet(boolean set, String flag, String owner) {
    if (set) {
      throw new UserError(flag + " applies to --source " + owner + " only");
    }
  }

  private static URI uri(String text) {
    try {
      URI u = new URI(text);
      if (u.getScheme() == null || u.getHost() == null) {
        throw new UserError("--base-url '" + text + "' needs a scheme and a host");
      }
      return u;
    } catch (java.net.URISyntaxException e) {
      throw new UserError("--base-url '" + text + "' is not a URL: " + e.getReason());
    }
  }

  /** {@code 10s}, {@code 500ms}, {@code 2m}, {@code 1h}, a bare number of seconds, or ISO. */
  public static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      try {
        Duration d;
        if (v.startsWith("pt")) {
          d = Duration.parse(v);
        } else if (v.endsWith("ms")) {
          d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        } else if (v.endsWith("s")) {
          d = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
        } else if (v.endsWith("m")) {
          d = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        } else if (v.endsWith("h")) {
          d = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
        } else {
          d = Duration.ofSeconds(Long.parseLong(v));
        }
        if (d.isNegative() || d.isZero()) {
          throw new TypeConversionException("'" + value + "' is not a positive duration");
        }
        return d;
      } catch (NumberFormatException | DateTimeParseException e) {
        throw new TypeConversionException(
            "'" + value + "' is not a duration (e.g. 10s, 500ms, 2m)");
      }
    }
  }
}
