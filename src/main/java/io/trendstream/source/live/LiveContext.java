package io.trendstream.source.live;

import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger(LiveSource.class);

  public LiveContext {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(recorder, "recorder");
    Objects.requireNonNull(notices, "notices");
  }

  /** No filter, the real clock, no recording, notices logged as warnings. */
  public static LiveContext defaults() {
    return new LiveContext(WordFilter.ALL, LiveClock.system(), Recorder.NONE, LOG::warn);
  }

  public LiveContext withFilter(WordFilter f) {
    return new LiveContext(f, clock, recorder, notices);
  }

  public LiveContext withRecorder(Recorder r) {
    return new LiveContext(filter, clock, r, notices);
  }
}
