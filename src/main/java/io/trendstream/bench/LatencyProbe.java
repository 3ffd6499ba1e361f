package io.trendstream.bench;

import io.trendstream.common.DaemonThreads;
import io.trendstream.pipeline.StoreSink;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.source.SyntheticSource;
import io.trendstream.source.Vocabulary;
import io.trendstream.store.LiveStore;
import io.trendstream.store.StoreTables;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * End-to-end latency of the real job. Input: a fresh topic, the producer sending synthetic posts
 * at a fixed rate, and the {@link StreamingJob} (all three queries) writing into the serving
 * store ({@link LiveStore}), as {@code trendstream stream} runs it. {@value #PROBES_PER_SECOND}
 * posts a second carry a unique marker word ({@code zzprobe<n>}); the time from handing such a
 * post to the producer to the marker being readable in the store's {@code word_counts} is one
 * sample.
 * Output: samples after the warm-up, probes never seen, the time from the job's start to the
 * first non-empty {@code word_counts}, and the windowed query's state rows once a second.
 */
public final class LatencyProbe {
  public static final int PROBES_PER_SECOND = 20;
  public static final String PROBE_PREFIX = "zzprobe";
  /** How long the last probes may take to show up after the producer stops. */
  private static final Duration DRAIN = Duration.ofSeconds(30);
  /** Poll period: each poll is one small query, 5 ms keeps it well under the store's load. */
  private static final long WATCH_NANOS = 5_000_000L;

  /** The windowed query's state rows at one moment. */
  public record StateSample(double seconds, long stateRows, long inputRowsPerBatch) {}

  /** One live query's recent micro-batches: how many, and their median and p90 duration. */
  public record BatchTimes(String query, int batches, double medianMs, double p90Ms,
      double medianRows) {}

  public record Result(List<Double> latenciesMs, int missing, double firstCountsSeconds,
      List<StateSample> stateRows, long posts, List<BatchTimes> batchTimes) {}

  private final SparkSession spark;
  private final StreamConfig config;
  private final LiveStore store;

  /**
   * @param config the job's settings: address, topic, data dir, tokenizer, windows
   * @param store an empty store the job writes and the probe reads, as the SQL API would
   */
  public LatencyProbe(SparkSession spark, StreamConfig config, LiveStore store) {
    this.spark = spark;
    this.config = config;
    this.store = store;
  }

  /** @param vocabulary the synthetic posts' vocabulary ({@link BenchSettings#VOCABULARY}) */
  public Result run(double rate, Duration warmup, Duration duration, long seed,
      Vocabulary vocabulary) throws TimeoutException, InterruptedException {
    long posts = (long) Math.ceil(rate * (warmup.toMillis() + duration.toMillis()) / 1000.0);
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Map<String, Long> seenAt = new ConcurrentHashMap<>();
    int every = (int) Math.max(1, Math.round(rate / PROBES_PER_SECOND));

    List<BatchTimes> batchTimes;
    StreamingJob job = new StreamingJob(
        spark, config, StreamingJob.kafka(config), new StoreSink(store));
    List<StateSample> states = Collections.synchronizedList(new ArrayList<>());
    long jobStart = System.nanoTime();
    job.start();
    Watcher watcher = new Watcher(store, job, sentAt, seenAt, jobStart, states);
    watcher.start();
    long measureFrom = System.nanoTime() + warmup.toNanos();
    ProbingSource source = new ProbingSource(
        new SyntheticSource(seed, System.currentTimeMillis(), rate, vocabulary), every, sentAt,
        n -> PROBE_PREFIX + n, ProbingSource.Key.WORD);
    PostProducer producer = new PostProducer(new ProducerSettings(config.bootstrapServers),
        source, new PostProducer.Options(config.topic, rate, posts), s -> {});
    try {
      PostProducer.Status done = producer.run();
      if (done.acked() != posts) {
        throw new IllegalStateException("latency producer acked " + done.acked() + " of "
            + posts + " posts" + (done.lastError() != null ? ": " + done.lastError() : ""));
      }
      long deadline = System.nanoTime() + DRAIN.toNanos();
      while (seenAt.size() < sentAt.size() && System.nanoTime() < deadline) {
        LockSupport.parkNanos(10_000_000L);
      }
    } finally {
      watcher.stop();
      batchTimes = batchTimes(job);
      job.close();
    }
    List<Double> latencies = new ArrayList<>();
    int missing = 0;
    for (Map.Entry<String, Long> e : sentAt.entrySet()) {
      if (e.getValue() < measureFrom) {
        continue;
      }
      Long seen = seenAt.get(e.getKey());
      if (seen == null) {
        missing++;
      } else {
        latencies.add((seen - e.getValue()) / 1e6);
      }
    }
    Collections.sort(latencies);
    return new Result(latencies, missing, watcher.firstCountsSeconds, List.copyOf(states),
        posts, batchTimes);
  }

  /** Spark keeps the last 100 progress reports per query: the end of the measured stretch. */
  private static List<BatchTimes> batchTimes(StreamingJob job) {
    List<BatchTimes> out = new ArrayList<>();
    for (StreamingQuery q : job.queries()) {
      List<Double> ms = new ArrayList<>();
      List<Double> rows = new ArrayList<>();
      for (StreamingQueryProgress p : q.recentProgress()) {
        if (p.numInputRows() > 0) {
          ms.add(p.durationMs().getOrDefault("triggerExecution", 0L).doubleValue());
          rows.add((double) p.numInputRows());
        }
      }
      Collections.sort(ms);
      Collections.sort(rows);
      out.add(new BatchTimes(q.name(), ms.size(), percentile(ms, 50), percentile(ms, 90),
          percentile(rows, 50)));
    }
    return out;
  }

  /** Percentile by nearest rank over sorted values; NaN when empty. */
  public static double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }

  /**
   * Polls the store's word_counts every {@link #WATCH_NANOS} for the probes not seen yet (primary
   * key lookups, as cheap however large the table). Once a second notes the windowed query's
   * state rows.
   */
  private static final class Watcher implements Runnable {
    private final LiveStore store;
    private final StreamingJob job;
    private final Map<String, Long> sentAt;
    private final Map<String, Long> seenAt;
    private final long jobStart;
    private final List<StateSample> states;
    private final Thread thread = DaemonThreads.create("bench-latency-watcher", this);
    private volatile boolean running = true;
    volatile double firstCountsSeconds = Double.NaN;

    Watcher(LiveStore store, StreamingJob job, Map<String, Long> sentAt,
        Map<String, Long> seenAt, long jobStart, List<StateSample> states) {
      this.store = store;
      this.job = job;
      this.sentAt = sentAt;
      this.seenAt = seenAt;
      this.jobStart = jobStart;
      this.states = states;
    }

    void start() {
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      thread.join(5_000);
    }

    @Override
    public void run() {
      long nextState = System.nanoTime();
      long lastBatch = -1;
      try (Connection c = store.readers().getConnection();
          PreparedStatement any = c.prepareStatement(
              "SELECT EXISTS (SELECT 1 FROM " + StoreTables.WORD_COUNTS + ")");
          PreparedStatement probes = c.prepareStatement("SELECT word FROM "
              + StoreTables.WORD_COUNTS + " WHERE word = ANY (?)")) {
        while (running) {
          if (Double.isNaN(firstCountsSeconds)) {
            try (ResultSet rs = any.executeQuery()) {
              if (rs.next() && rs.getBoolean(1)) {
                firstCountsSeconds = (System.nanoTime() - jobStart) / 1e9;
              }
            }
          }
          List<String> pending = new ArrayList<>();
          for (String w : sentAt.keySet()) {
            if (!seenAt.containsKey(w)) {
              pending.add(w);
            }
          }
          if (!pending.isEmpty()) {
            probes.setArray(1, c.createArrayOf("text", pending.toArray()));
            try (ResultSet rs = probes.executeQuery()) {
              long t = System.nanoTime();
              while (rs.next()) {
                seenAt.putIfAbsent(rs.getString(1), t);
              }
            }
          }
          c.rollback();
          if (System.nanoTime() >= nextState) {
            nextState += 1_000_000_000L;
            lastBatch = sampleState(lastBatch);
          }
          LockSupport.parkNanos(WATCH_NANOS);
        }
      } catch (SQLException e) {
        throw new IllegalStateException("latency watcher lost the store: " + e.getMessage(), e);
      }
    }

    private long sampleState(long lastBatch) {
      for (StreamingQuery q : job.queries()) {
        if (!q.name().endsWith(StreamingJob.LIVE_TABLES)) {
          continue;
        }
        StreamingQueryProgress p = q.lastProgress();
        if (p == null || p.batchId() == lastBatch) {
          return lastBatch;
        }
        long rows = 0;
        for (StateOperatorProgress s : p.stateOperators()) {
          rows += s.numRowsTotal();
        }
        states.add(new StateSample((System.nanoTime() - jobStart) / 1e9, rows,
            p.numInputRows()));
        return p.batchId();
      }
      return lastBatch;
    }
  }
}
