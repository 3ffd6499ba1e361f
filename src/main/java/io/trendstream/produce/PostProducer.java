package io.trendstream.produce;

import static io.trendstream.common.Messages.rootMessage;

import io.trendstream.common.DaemonThreads;
import io.trendstream.common.UserError;
import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import io.trendstream.source.PostSource;
import io.trendstream.source.live.LiveSource;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves posts from a {@link PostSource} into a Kafka topic. Input: posts pulled from the source.
 * Output: one record per post on {@link Options#topic()}, key {@code id_str}, value
 * {@link PostJson#toJson post JSON}. Paces to {@link Options#rate()} posts/s (0 = as fast as
 * possible), stops after {@link Options#count()} posts (0 = until the source ends or
 * {@link #stop()}), reports a {@link Status} every {@link Options#statusInterval()} and once at
 * the end. Send failures are counted and reported in the status, never thrown per post. On stop
 * or end it flushes and closes the Kafka producer, so nothing in flight is lost.
 *
 * <p>Use {@link #run()} to produce on the calling thread (CLI), or {@link #start()} /
 * {@link #stop()} to run it next to something else (demo). A {@link LiveSource} may block in
 * {@code next()} for as long as the network is quiet; {@link #stop()} interrupts that wait (and
 * only that wait), so Ctrl-C ends a quiet live run at once, still flushing what is in flight.
 */
public final class PostProducer implements AutoCloseable {
  public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofSeconds(5);

  private static final Logger LOG = LoggerFactory.getLogger(PostProducer.class);
  /** Waits longer than this are parked in slices so stop() is noticed promptly. */
  private static final long MAX_PARK_NANOS = 50_000_000L;

  /**
   * What to produce and how fast.
   *
   * @param rate posts per second, 0 = unlimited
   * @param count posts to send, 0 = until the source ends or stop()
   */
  public record Options(String topic, double rate, long count, Duration statusInterval) {
    public Options {
      Objects.requireNonNull(topic, "topic");
      if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException("rate must be >= 0, got " + rate);
      }
      if (count < 0) {
        throw new IllegalArgumentException("count must be >= 0, got " + count);
      }
      Objects.requireNonNull(statusInterval, "statusInterval");
    }

    public Options(String topic, double rate, long count) {
      this(topic, rate, count, DEFAULT_STATUS_INTERVAL);
    }
  }

  /**
   * A snapshot of progress.
   *
   * @param postsPerSecond acked posts per second since the previous status (overall rate in
   *     the final status)
   * @param sourceProgress e.g. {@code 41%} for files, empty when unknown
   * @param lastError the latest send failure, or null
   */
  public record Status(
      long sent,
      long acked,
      long failed,
      long skipped,
      double postsPerSecond,
      String source,
      String sourceProgress,
      String lastError,
      boolean finished) {

    /** One human line, e.g. {@code produced 12000 (acked 11950, failed 0), 1010 posts/s ...}. */
    public String line() {
      StringBuilder b = new StringBuilder(finished ? "done: " : "")
          .append("sent ").append(sent)
          .append(", acked ").append(acked)
          .append(", failed ").append(failed)
          .append(", ").append(Math.round(postsPerSecond)).append(" posts/s")
          .append(", source ").append(source);
      if (!sourceProgress.isEmpty()) {
        b.append(' ').append(sourceProgress);
      }
      if (skipped > 0) {
        b.append(", skipped ").append(skipped).append(" malformed");
      }
      if (lastError != null) {
        b.append(", last error: ").append(lastError);
      }
      return b.toString();
    }
  }

  private final ProducerSettings settings;
  private final PostSource source;
  private final Options options;
  private final Consumer<Status> statusListener;

  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  /** Time the producing thread waited for its turn under {@code --rate}. */
  private final AtomicLong pacedNanos = new AtomicLong();
  /** The Kafka producer while it runs, for its own metrics (retries). */
  private volatile KafkaProducer<String, String> kafka;
  private volatile long lastRetries;
  private final CountDownLatch done = new CountDownLatch(1);
  private volatile boolean stopRequested;
  /** Guards {@link #waiting} and {@link #wokenByStop}. */
  private final Object wakeLock = new Object();
  /** The thread blocked in a live source's next(), or null. */
  private Thread waiting;
  /** stop() interrupted {@link #waiting}; that interrupt is ours to clear. */
  private boolean wokenByStop;
  /** An interrupt from outside ended the loop: restored once the flush is done. */
  private boolean interruptedFromOutside;
  private volatile Throwable failure;
  private volatile Status finalStatus;
  private Thread thread;
  private boolean ran;

  // For the per-interval rate; touched only by the status thread.
  private long lastAcked;
  private long lastStatusNanos;
  private long startNanos;

  /**
   * @param statusListener gets a status every interval and the final one; called from a
   *     status thread and the producing thread, never concurrently
   */
  public PostProducer(ProducerSettings settings, PostSource source, Options options,
      Consumer<Status> statusListener) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.source = Objects.requireNonNull(source, "source");
    this.options = Objects.requireNonNull(options, "options");
    this.statusListener = Objects.requireNonNull(statusListener, "statusListener");
  }

  /**
   * Checks the broker and topic, then produces on the calling thread until the count is reached,
   * the source ends or {@link #stop()} is called; flushes and closes before returning. Closes
   * the source too.
   *
   * @return the final status
   * @throws UserError when the broker is unreachable, the topic is missing or a Kafka property
   *     is invalid
   */
  public Status run() {
    synchronized (this) {
      if (ran) {
        throw new IllegalStateException("a PostProducer runs once");
      }
      ran = true;
    }
    try {
      checkTopic();
      produce();
      return finalStatus;
    } catch (RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      closeSource();
      done.countDown();
    }
  }

  /** Runs {@link #run()} on a new daemon thread; see {@link #failure()} for how it ended. */
  public synchronized PostProducer start() {
    if (thread != null) {
      return this;
    }
    thread = DaemonThreads.start("trendstream-producer", () -> {
      try {
        run();
      } catch (RuntimeException e) {
        LOG.error("producer stopped: {}", e.getMessage());
      }
    });
    return this;
  }

  /**
   * Asks the loop to finish: it stops taking posts, flushes what is in flight and closes. Wakes
   * a loop waiting for a live source's next post.
   */
  public void stop() {
    stopRequested = true;
    synchronized (wakeLock) {
      if (waiting != null && !wokenByStop) {
        wokenByStop = true;
        waiting.interrupt();
      }
    }
  }

  /** @return true if the producer finished (flushed and closed) within the timeout */
  public boolean awaitDone(Duration timeout) throws InterruptedException {
    return done.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Stops and waits up to 30 s for in-flight posts to be flushed. */
  @Override
  public void close() throws InterruptedException {
    stop();
    synchronized (this) {
      if (thread == null && !ran) {
        closeSource();
        return;
      }
    }
    awaitDone(Duration.ofSeconds(30));
  }

  public boolean isDone() {
    return done.getCount() == 0;
  }

  /** Why {@link #run()} ended early (e.g. a UserError), or null. */
  public Throwable failure() {
    return failure;
  }

  /** The current counters. */
  public Status status() {
    Status f = finalStatus;
    return f != null ? f : snapshot(0, false);
  }

  private void produce() {
    KafkaProducer<String, String> producer;
    try {
      producer = new KafkaProducer<>(settings.toProperties());
    } catch (ConfigException e) {
      throw new UserError("invalid Kafka producer settings: " + e.getMessage(), e);
    } catch (KafkaException e) {
      throw new UserError("cannot create Kafka producer: " + rootMessage(e), e);
    }
    kafka = producer;
    startNanos = System.nanoTime();
    lastStatusNanos = startNanos;
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
        DaemonThreads.factory("trendstream-producer-status"));
    long intervalMs = Math.max(1, options.statusInterval().toMillis());
    ticker.scheduleAtFixedRate(this::reportInterval, intervalMs, intervalMs,
        TimeUnit.MILLISECONDS);
    Callback callback = (metadata, e) -> {
      if (e == null) {
        acked.incrementAndGet();
      } else {
        failed.incrementAndGet();
        lastError.set(rootMessage(e));
      }
    };
    try {
      loop(producer, callback);
    } finally {
      // flush() waits for every in-flight send (an interrupt pending here would abort that
      // wait); close() then releases sockets and threads.
      boolean interrupted = Thread.interrupted() || interruptedFromOutside;
      try {
        producer.flush();
      } catch (KafkaException e) {
        lastError.set(rootMessage(e));
      }
      lastRetries = retries();
      kafka = null;
      producer.close(Duration.ofSeconds(30));
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      ticker.shutdownNow();
      try {
        ticker.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      long elapsed = Math.max(1, System.nanoTime() - startNanos);
      finalStatus = snapshot(acked.get() * 1e9 / elapsed, true);
      statusListener.accept(finalStatus);
    }
  }

  private void loop(KafkaProducer<String, String> producer, Callback callback) {
    Pacer pacer = options.rate() > 0 ? new Pacer(options.rate(), System.nanoTime()) : null;
    String topic = options.topic();
    long limit = options.count();
    long n = 0;
    while (!stopRequested && (limit == 0 || n < limit)) {
      if (pacer != null && !awaitTurn(pacer)) {
        break;
      }
      Post post;
      try {
        post = nextPost();
      } catch (InterruptedException e) {
        if (!stopRequested) {
          interruptedFromOutside = true;
        }
        break;
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new UserError("cannot read " + source.describe() + ": " + rootMessage(e), e);
      }
      if (post == null) {
        break;
      }
      try {
        producer.send(new ProducerRecord<>(topic, post.idStr(), PostJson.toJson(post)), callback);
      } catch (KafkaException e) {
        // e.g. metadata or buffer wait past max.block.ms: count it, keep the loop alive.
        failed.incrementAndGet();
        lastError.set(rootMessage(e));
      }
      n++;
      sent.set(n);
    }
  }

  /** source.next(), interruptible by stop() when the source is live (files must not be). */
  private Post nextPost() throws Exception {
    if (!(source instanceof LiveSource)) {
      return source.next();
    }
    synchronized (wakeLock) {
      if (stopRequested) {
        return null;
      }
      waiting = Thread.currentThread();
    }
    try {
      return source.next();
    } finally {
      synchronized (wakeLock) {
        waiting = null;
        if (wokenByStop) {
          // Clears our interrupt when it landed after next() returned a post.
          Thread.interrupted();
          wokenByStop = false;
        }
      }
    }
  }

  /** @return false when stop() was called while waiting */
  private boolean awaitTurn(Pacer pacer) {
    long wait;
    long start = 0;
    while ((wait = pacer.acquire(System.nanoTime())) > 0) {
      if (stopRequested) {
        return false;
      }
      if (start == 0) {
        start = System.nanoTime();
      }
      LockSupport.parkNanos(Math.min(wait, MAX_PARK_NANOS));
    }
    if (start != 0) {
      pacedNanos.addAndGet(System.nanoTime() - start);
    }
    return true;
  }

  /** Seconds the producer waited for its turn under the rate limit so far. */
  public double pacedSeconds() {
    return pacedNanos.get() / 1e9;
  }

  /**
   * Records the Kafka producer sent again after a failed attempt (its own
   * {@code record-retry-total}), so far.
   */
  public long retries() {
    KafkaProducer<String, String> k = kafka;
    if (k == null) {
      return lastRetries;
    }
    for (var e : k.metrics().entrySet()) {
      if (e.getKey().name().equals("record-retry-total")
          && e.getKey().group().equals("producer-metrics")
          && e.getValue().metricValue() instanceof Number n) {
        return n.longValue();
      }
    }
    return lastRetries;
  }

  /** The source this producer reads. */
  public PostSource source() {
    return source;
  }

  private void reportInterval() {
    try {
      long now = System.nanoTime();
      long a = acked.get();
      double rate = (a - lastAcked) * 1e9 / Math.max(1, now - lastStatusNanos);
      lastAcked = a;
      lastStatusNanos = now;
      if (finalStatus == null) {
        statusListener.accept(snapshot(rate, false));
      }
    } catch (RuntimeException e) {
      LOG.warn("status report failed: {}", e.toString());
    }
  }

  private Status snapshot(double rate, boolean finished) {
    return new Status(sent.get(), acked.get(), failed.get(), source.skipped(), rate,
        source.describe(), source.progress(), lastError.get(), finished);
  }

  private void closeSource() {
    try {
      source.close();
    } catch (Exception e) {
      LOG.warn("closing {}: {}", source.describe(), e.toString());
    }
  }

  /**
   * Fails fast, with one line, when nothing answers at the address or the topic is missing:
   * the producer itself would block for max.block.ms and then fail each post.
   *
   * @throws UserError naming the address or topic
   */
  private void checkTopic() {
    String bootstrap = settings.bootstrapServers();
    String topic = options.topic();
    if (!KafkaPreCheck.topicExists(bootstrap, topic, settings.clientSettings())) {
      throw new UserError("topic '" + topic + "' does not exist on " + bootstrap
          + " (the 'broker' command creates '" + Post.TOPIC + "')");
    }
    KafkaPreCheck.requireInSync(bootstrap, topic, settings.clientSettings());
  }
}
