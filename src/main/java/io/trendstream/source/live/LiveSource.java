package io.trendstream.source.live;

import io.trendstream.source.PostSource;

/**
 * A {@link PostSource} fed by a network API that never ends by itself. Input: the network;
 * output: posts, each once per run, in the order received. {@link #next()} blocks until a post
 * arrives, is interruptible, returns null once {@link #close()} was called, and throws the
 * {@link io.trendstream.common.UserError} that stopped the source (bad token, wrong URL) after
 * the posts already received were taken.
 */
public interface LiveSource extends PostSource {
  /** Counters and the resume flag, safe to call from any thread at any time. */
  LiveStatus status();

  /** Starts the network worker; idempotent, and {@link #next()} calls it when needed. */
  void start();

  /**
   * The status summary in parentheses, e.g. {@code (received 80, duplicates 2, errors 1,
   * backoff 0s, resume --cursor 17259111)}, so a producer that prints {@code progress()} after
   * {@code describe()} needs no wiring.
   */
  @Override
  default String progress() {
    return "(" + status().summary() + ")";
  }
}
