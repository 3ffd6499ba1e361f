package io.trendstream.common;

import java.util.concurrent.ThreadFactory;

/**
 * Named daemon threads, for the helpers that run next to a command's real work (producer,
 * status ticker, watchers, log readers): a daemon never keeps the JVM alive once the command
 * has returned or Ctrl-C has stopped it, and the name says in a thread dump whose it is.
 */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A daemon thread running {@code body}, not started yet. */
  public static Thread create(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  /** A daemon thread running {@code body}, started. */
  public static Thread start(String name, Runnable body) {
    Thread t = create(name, body);
    t.start();
    return t;
  }

  /** For executors: each of their threads a daemon called {@code name}. */
  public static ThreadFactory factory(String name) {
    return body -> create(name, body);
  }
}
