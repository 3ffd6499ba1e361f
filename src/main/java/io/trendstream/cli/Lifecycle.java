package io.trendstream.cli;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CountDownLatch;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * Owns the long-lived components a command starts (broker, Spark job, HTTP server, producer)
 * and closes them in reverse order of start, once. Ctrl-C and SIGTERM close them and let the
 * command return normally, so a graceful stop exits 0; a second Ctrl-C gives up waiting. A JVM
 * shutdown hook covers every other way the JVM can end.
 */
public final class Lifecycle implements AutoCloseable {
  private final Deque<Component> started = new ArrayDeque<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Thread hook = new Thread(this::close, "trendstream-shutdown");
  private boolean hookAdded;
  private volatile boolean stopping;
  private volatile String failure;

  private record Component(String name, AutoCloseable stop) {}

  /** Registers a started component; it is stopped before everything registered earlier. */
  public synchronized <T extends AutoCloseable> T add(String name, T component) {
    started.push(new Component(name, component));
    if (!hookAdded) {
      Runtime.getRuntime().addShutdownHook(hook);
      handle("INT");
      handle("TERM");
      hookAdded = true;
    }
    return component;
  }

  private void handle(String signal) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), sig -> {
        if (closed.getCount() == 0 || stopping) {
          System.err.println("trendstream: stopping now");
          Runtime.getRuntime().halt(128 + sig.getNumber());
        }
        stopping = true;
        System.err.println("trendstream: stopping (again to force)...");
        // Stopping interrupts running micro-batches; Spark logs each expected abort as an
        // error with a stack trace. The batch is replayed from its checkpoint on the next run.
        Configurator.setAllLevels("org.apache.spark", Level.OFF);
        Thread stopper = new Thread(this::close, "trendstream-stop");
        stopper.start();
      });
    } catch (IllegalArgumentException | UnsupportedOperationException e) {
      // No such signal here (or the JVM reserves it): the shutdown hook still runs.
    }
  }

  /**
   * Stops everything because a component failed; the command then exits 1 with this message.
   * Only the first failure is kept.
   */
  public void fail(String message) {
    if (failure == null) {
      failure = message;
    }
    // Without the caller's inheritable thread-locals: a failed query calls this on Spark's
    // listener bus, and a thread carrying that bus's marker may not stop the SparkContext.
    Thread stopper = new Thread(null, this::close, "trendstream-stop-on-failure", 0, false);
    stopper.start();
  }

  /** The first failure passed to {@link #fail}, or null. */
  public String failure() {
    return failure;
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
