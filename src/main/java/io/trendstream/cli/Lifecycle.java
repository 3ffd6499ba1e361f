package io.trendstream.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;

/**
 * Owns the long-lived components a command starts (broker, Spark job, HTTP server, producer)
 * and closes them in reverse order of start, once: from {@link #close()} or from the one JVM
 * shutdown hook that Ctrl-C and SIGTERM trigger.
 */
public final class Lifecycle implements AutoCloseable {
  private final Deque<Component> started = new ArrayDeque<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread hook = new Thread(this::close, "trendstream-shutdown");
  private boolean hookAdded;

  private record Component(String name, AutoCloseable stop) {}

  /** Registers a started component; it is stopped before everything registered earlier. */
  public synchronized <T extends AutoCloseable> T add(String name, T component) {
    started.push(new Component(name, component));
    if (!hookAdded) {
      Runtime.getRuntime().addShutdownHook(hook);
      hookAdded = true;
    }
    return component;
  }

  /** Blocks until {@link #close()} ran (Ctrl-C, SIGTERM, or another thread). */
  public void awaitClose() throws InterruptedException {
    closed.await();
  }

  @Override
  public void close() {
    synchronized (this) {
      while (!started.isEmpty()) {
        Component c = started.pop();
        try {
          c.stop().close();
        } catch (Exception e) {
          System.err.println("trendstream: stopping " + c.name() + " failed: " + e);
        }
      }
    }
    closed.countDown();
  }
}
