package io.trendstream.source.live;

import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What every live source is given besides its own endpoint settings.
 *
 * @param filter {@code --filter}: posts kept
 * @param clock time and waits (fake in tests)
 * @param recorder {@code --record}: where received payloads go
 * @param notices one-line human messages: rate-limit waits, reconnects, skipped payloads, the
 *     resume flag at close; never the bearer token
 */
public record LiveContext(
    WordFilter filter, LiveClock clock, Recorder recorder, Consumer<String> notices) {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

  public LiveContext {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(recorder, "recorder");
    Objects.requireNonNull(notices, "notices");
  }

  /** No filter, the real clock, no recording, notices on stderr. */
  public static LiveContext defaults() {
    return new LiveContext(WordFilter.ALL, LiveClock.system(), Recorder.NONE, LiveContext::err);
  }

  /**
   * Straight to stderr rather than through Log4j: the resume flag is printed by close(), often
   * from a Ctrl-C shutdown hook, when Log4j's own hook may already have stopped logging.
   */
  private static void err(String message) {
    System.err.println(LocalTime.now().format(TIME) + " " + message);
  }

  public LiveContext withFilter(WordFilter f) {
    return new LiveContext(f, clock, recorder, notices);
  }

  public LiveContext withRecorder(Recorder r) {
    return new LiveContext(filter, clock, r, notices);
  }

  /** Notices elsewhere, e.g. a command's own error stream. */
  public LiveContext withNotices(Consumer<String> n) {
    return new LiveContext(filter, clock, recorder, n);
  }
}
