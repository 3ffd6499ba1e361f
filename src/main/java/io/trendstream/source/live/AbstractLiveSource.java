package io.trendstream.source.live;

import io.trendstream.common.DaemonThreads;
import io.trendstream.common.UserError;
import io.trendstream.post.Post;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The part the live sources share: a worker thread fills a bounded queue that {@link #next()}
 * drains; posts pass {@code --filter}, duplicate removal and {@code --record} on the way in;
 * counters, backoff and the first fatal error are kept for {@link #status()} and {@link #next()}.
 * Each queued post carries its position (X id or Jetstream {@code time_us}) so the resume flag
 * never skips a post that was received but not yet taken.
 */
abstract class AbstractLiveSource implements LiveSource {
  /** Backpressure: a slow producer stalls the network side instead of filling the heap. */
  static final int QUEUE_CAPACITY = 10_000;
  /** How often a blocked next() or enqueue looks at close() and fatal errors. */
  private static final long CHECK_MILLIS = 100;
  private static final long JOIN_MILLIS = 5_000;
  /** Malformed payloads are reported this many times, then only counted. */
  private static final int MALFORMED_NOTICES = 5;

  /** A post and where it sits in the stream. */
  record Item(Post post, long position) {}

  final LiveContext ctx;
  final AtomicLong events = new AtomicLong();
  final AtomicLong received = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong malformed = new AtomicLong();
  /** Waits for an API's rate limit to reset (X). */
  final AtomicLong rateLimitWaits = new AtomicLong();
  /** Connection attempts after a failed or lost one (Bluesky's WebSocket). */
  final AtomicLong reconnects = new AtomicLong();
  private final String name;
  private final RecentIds recent = new RecentIds(RecentIds.DEFAULT_CAPACITY);
  private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final AtomicLong maxDelivered = new AtomicLong(Long.MIN_VALUE);
  private volatile long backoffMillis;
  private volatile boolean closed;
  private volatile RuntimeException fatal;
  private Thread worker;

  AbstractLiveSource(String name, LiveContext ctx) {
    this.name = name;
    this.ctx = ctx;
  }

  /** Runs until interrupted or {@link #stopped()}; throws UserError for fatal conditions. */
  abstract void work() throws InterruptedException;

  /**
   * The resume flag, e.g. {@code --cursor N}, or empty.
   *
   * @param head the oldest post received but not yet taken, or null
   * @param maxDelivered the largest position taken by next(), or Long.MIN_VALUE
   */
  abstract String resume(Item head, long maxDelivered);

  /** Closes network resources; called from close() after the worker was interrupted. */
  void stopTransport() {}

  @Override
  public synchronized void start() {
    if (worker != null || closed) {
      return;
    }
    worker = DaemonThreads.start("trendstream-" + name, this::runWorker);
  }

  private void runWorker() {
    try {
      work();
    } catch (InterruptedException e) {
      // close() interrupts the worker: nothing to report.
    } catch (UserError e) {
      fatal = e;
    } catch (RuntimeException e) {
      fatal = new UserError(name + " source stopped: " + e, e);
    }
  }

  @Override
  public Post next() throws InterruptedException {
    start();
    while (!closed) {
      Item item = queue.poll(CHECK_MILLIS, TimeUnit.MILLISECONDS);
      if (item != null) {
        maxDelivered.accumulateAndGet(item.position(), Math::max);
        return item.post();
      }
      RuntimeException f = fatal;
      if (f != null) {
        throw f;
      }
    }
    return null;
  }

  /**
   * Passes a received post on unless the filter drops it or it is a duplicate; blocks while the
   * queue is full.
   *
   * @param payload the raw JSON it came from, for {@code --record}
   * @return false when the source was closed before the post could be queued
   * @throws UserError when the record file cannot be written
   */
  final boolean offer(Post post, long position, String payload) throws InterruptedException {
    if (!ctx.filter().keeps(post.text())) {
      return true;
    }
    if (!recent.add(post.id())) {
      duplicates.incrementAndGet();
      return true;
    }
    Item item = new Item(post, position);
    // Counted first, so a post that next() can return is always in the count.
    received.incrementAndGet();
    while (!queue.offer(item, CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
      if (closed) {
        received.decrementAndGet();
        return false;
      }
    }
    try {
      ctx.recorder().record(payload);
    } catch (UncheckedIOException e) {
      throw new UserError(e.getMessage() + " (" + e.getCause().getMessage() + ")", e);
    }
    return true;
  }

  /** Counts and (the first few times) reports a payload that is not what the API promised. */
  final void malformed(String reason) {
    errors.incrementAndGet();
    long n = malformed.incrementAndGet();
    if (n <= MALFORMED_NOTICES) {
      notice("skipped a malformed payload: " + reason
          + (n == MALFORMED_NOTICES ? " (further ones are only counted)" : ""));
    }
  }

  /** Waits {@code millis} after saying why; the wait shows as backoff in the status. */
  final void waitSaying(long millis, String why) throws InterruptedException {
    notice(why + "; waiting " + LiveStatus.seconds(millis));
    backoffMillis = millis;
    try {
      ctx.clock().sleep(millis);
    } finally {
      backoffMillis = 0;
    }
  }

  /** Stops the source from another thread (e.g. a WebSocket listener) with a fatal error. */
  final void fail(RuntimeException e) {
    if (fatal == null) {
      fatal = e;
    }
    Thread w;
    synchronized (this) {
      w = worker;
    }
    if (w != null) {
      w.interrupt();
    }
  }

  final void notice(String message) {
    ctx.notices().accept(name + ": " + message);
  }

  final boolean stopped() {
    return closed || fatal != null || Thread.currentThread().isInterrupted();
  }

  final boolean closed() {
    return closed;
  }

  @Override
  public LiveStatus status() {
    return new LiveStatus(
        events.get(), received.get(), duplicates.get(), errors.get(), backoffMillis,
        resume(queue.peek(), maxDelivered.get()), rateLimitWaits.get(), reconnects.get());
  }

  @Override
  public long skipped() {
    return malformed.get();
  }

  /**
   * Stops the worker and the connection, drops posts not yet taken, closes the record file and
   * reports the resume flag (not when a fatal error stopped the source before any post: that
   * error is reported on its own). Idempotent.
   */
  @Override
  public void close() throws IOException, InterruptedException {
    Thread w;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      w = worker;
    }
    if (w != null) {
      w.interrupt();
    }
    stopTransport();
    if (w != null) {
      w.join(JOIN_MILLIS);
    }
    ctx.recorder().close();
    if (fatal != null && received.get() == 0) {
      // Stopped by e.g. a refused token before any post: the error is the one line to show.
      return;
    }
    String resume = status().resume();
    notice("stopped after " + received.get() + " posts"
        + (resume.isEmpty() ? "" : "; resume with " + resume));
  }
}
