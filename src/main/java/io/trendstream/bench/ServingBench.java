package io.trendstream.bench;

import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.pipeline.JobStatus;
import io.trendstream.pipeline.SparkSessions;
import io.trendstream.pipeline.StoreSink;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.pipeline.sink.DeadLetterSink;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.serve.DashboardData;
import io.trendstream.serve.QueryService.QueryRejectedException;
import io.trendstream.serve.StoreQueryService;
import io.trendstream.source.SyntheticSource;
import io.trendstream.source.Vocabulary;
import io.trendstream.store.EmbeddedStore;
import io.trendstream.store.LiveStore;
import io.trendstream.store.StoreSettings;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryListener;

/**
 * Live serving under sustained ingest, in the demo's configuration: the embedded broker, the
 * producer at a fixed rate over a {@link Vocabulary}, the streaming job (three live tables and
 * the dead letters) writing into the embedded PostgreSQL store, and the dashboard's queries plus
 * the README's two example queries once a second, as people watching would send them.
 *
 * <p>Output: every {@link Settings#sampleEvery} a {@link Sample} (posts acked and counted, the
 * backlog, the latest batch time per live table, distinct words, heap, RSS, store size), and
 * per query the SQL latency percentiles over the run.
 */
public final class ServingBench {
  /** The README's example queries and the dashboard's panels, by the name the report uses. */
  static final String TOP10 = "top-10 words";
  static final String COUNT = "count(*) words";

  /**
   * @param rate posts per second the producer sends
   * @param duration how long the producer sends (the run ends then)
   * @param sampleEvery how often a sample is printed
   */
  public record Settings(Vocabulary vocabulary, double rate, Duration duration,
      Duration sampleEvery, long seed, String master, Map<String, String> sparkConf,
      Path workDir) {}

  /**
   * @param backlog posts acked by Kafka that the running count has not counted yet
   * @param batchMs latest batch duration of the job's one query, which writes all three tables
   */
  /**
   * @param liveHeapMb the old generation right after the latest collection of it: the heap that
   *     stays, which must not grow while the vocabulary does (heapMb includes garbage)
   */
  public record Sample(double seconds, long acked, long counted, long backlog, long batchMs,
      long distinctWords, long heapMb, long liveHeapMb, long rssMb, long storeMb) {}

  public record Latency(String query, int n, double p50Ms, double p99Ms, double maxMs) {}

  /**
   * @param latencies the SQL while ingesting
   * @param idleLatencies the same SQL on the same tables after the job stopped
   */
  public record Result(Settings settings, List<Sample> samples, List<Latency> latencies,
      List<Latency> idleLatencies, double ackedPerSecond, double countedPerSecond) {}

  /** Rounds of the queries once the job stopped: enough for a p99 of the idle baseline. */
  private static final int IDLE_ROUNDS = 100;

  private final Settings settings;
  private final PrintStream out;

  public ServingBench(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  public Result run() throws Exception {
    Path work = settings.workDir() != null
        ? Files.createDirectories(settings.workDir())
        : Files.createTempDirectory("trendstream-serving");
    String topic = "serving-" + System.currentTimeMillis();
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(work.resolve("kafka"), 0);
        EmbeddedStore server = new EmbeddedStore(work.resolve("postgres"), 0)) {
      broker.start();
      broker.createTopic(topic, 2, (short) 1);
      server.start();
      SparkSession spark = SparkSessions.create(settings.master(), settings.sparkConf());
      try (LiveStore store = new LiveStore(server.url(), server.readerUrl(),
          StoreSettings.DEFAULT)) {
        store.prepare();
        StreamConfig config = new StreamConfig();
        config.bootstrapServers = broker.bootstrapServers();
        config.topic = topic;
        config.dataDir = work;
        config.sinks.add(new DeadLetterSink(DeadLetterSink.TOPIC)); // as the demo has it
        Result r = run(spark, broker, store, config);
        store.stats().forEach((table, st) -> out.printf(Locale.ROOT,
            "  %-22s %4d writes, mean: rows %5.0f ms (Spark), store %5.0f ms, %,.0f KB%n",
            table, st.batches(), st.rowsNanos() / 1e6 / st.batches(),
            st.serverNanos() / 1e6 / st.batches(), st.bytes() / 1024.0 / st.batches()));
        return r;
      } finally {
        spark.stop();
      }
    }
  }

  private Result run(SparkSession spark, EmbeddedKafkaBroker broker, LiveStore store,
      StreamConfig config) throws Exception {
    Counted counted = new Counted(StreamingJob.LIVE_TABLES);
    spark.streams().addListener(counted);
    StreamingJob job = new StreamingJob(
        spark, config, StreamingJob.kafka(config), new StoreSink(store));
    StoreQueryService sql = new StoreQueryService(store.readers(), 10_000,
        StoreSettings.DEFAULT_SQL_TIMEOUT, new JobStatus(job)::queries);
    Map<String, String> queries = new LinkedHashMap<>();
    queries.put(TOP10, "SELECT word, count FROM word_counts ORDER BY count DESC LIMIT 10");
    queries.put(COUNT, "SELECT count(*) FROM word_counts");
    queries.put("dashboard top words", DashboardData.topWordsSql(DashboardData.View.DEFAULT));
    queries.put("dashboard trends", DashboardData.trendsSql(DashboardData.View.DEFAULT));
    queries.put("dashboard languages", DashboardData.languagesSql());
    queries.put("trending top 10", TrendingBench.TOP10);
    queries.put("dashboard trending", DashboardData.trendingSql(DashboardData.View.DEFAULT));
    Map<String, List<Double>> latencies = new ConcurrentHashMap<>();
    queries.keySet().forEach(q -> latencies.put(q, Collections.synchronizedList(
        new ArrayList<>())));

    out.printf(Locale.ROOT, "serving: %s vocabulary, %,.0f posts/s for %d s, queries every "
        + "second, state store %s%n", settings.vocabulary().flagValue(), settings.rate(),
        settings.duration().toSeconds(), spark.conf().get(SparkSessions.STATE_PROVIDER));
    out.println("    s      acked    counted   backlog batch-ms   words  heapMB liveMB  rssMB "
        + " storeMB");
    List<Sample> samples = new ArrayList<>();
    job.start();
    PostProducer producer = new PostProducer(new ProducerSettings(config.bootstrapServers),
        new SyntheticSource(settings.seed(), System.currentTimeMillis(), settings.rate(),
            settings.vocabulary()),
        new PostProducer.Options(config.topic, settings.rate(), 0), s -> {});
    long start = System.nanoTime();
    long end = start + settings.duration().toNanos();
    long nextSample = start + settings.sampleEvery().toNanos();
    long words = 0;
    producer.start();
    try {
      while (System.nanoTime() < end) {
        long tick = System.nanoTime();
        for (Map.Entry<String, String> q : queries.entrySet()) {
          long t = System.nanoTime();
          try {
            List<List<Object>> rows = sql.sql(q.getValue()).rows();
            if (q.getKey().equals(COUNT)) {
              words = ((Number) rows.get(0).get(0)).longValue();
            }
          } catch (QueryRejectedException e) {
            throw new IllegalStateException(q.getKey() + " failed: " + e.getMessage(), e);
          }
          latencies.get(q.getKey()).add((System.nanoTime() - t) / 1e6);
        }
        if (System.nanoTime() >= nextSample) {
          nextSample += settings.sampleEvery().toNanos();
          Sample s = sample(start, producer, counted, job, words, sql);
          samples.add(s);
          out.printf(Locale.ROOT, "%5.0f %10d %10d %9d %8d %7d %7d %6d %6d %8d%n",
              s.seconds(), s.acked(), s.counted(), s.backlog(), s.batchMs(), s.distinctWords(),
              s.heapMb(), s.liveHeapMb(), s.rssMb(), s.storeMb());
        }
        LockSupport.parkNanos(Math.max(0, tick + 1_000_000_000L - System.nanoTime()));
      }
    } finally {
      producer.stop();
      producer.close();
      job.close();
      spark.streams().removeListener(counted);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    // The same queries on the same tables with the job stopped: the baseline that tells the
    // cost of the tables' size from the cost of sharing the cores with the ingest.
    Map<String, List<Double>> idle = new LinkedHashMap<>();
    for (int round = 0; round < IDLE_ROUNDS; round++) {
      for (Map.Entry<String, String> q : queries.entrySet()) {
        long t = System.nanoTime();
        sql.sql(q.getValue());
        idle.computeIfAbsent(q.getKey(), k -> new ArrayList<>())
            .add((System.nanoTime() - t) / 1e6);
      }
    }
    Sample last = samples.isEmpty() ? null : samples.get(samples.size() - 1);
    Result r = new Result(settings, samples, percentiles(latencies), percentiles(idle),
        last == null ? 0 : last.acked() / last.seconds(),
        last == null ? 0 : last.counted() / last.seconds());
    print(r, seconds);
    counted.phases.forEach((query, sums) -> {
      long n = counted.batches.getOrDefault(query, 1L);
      StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
          "  %-22s %4d batches, mean ms:", query, n));
      sums.entrySet().stream().sorted(Map.Entry.comparingByValue(java.util.Comparator.reverseOrder()))
          .limit(5).forEach(e -> line.append(' ').append(e.getKey()).append('=')
              .append(e.getValue() / n));
      out.println(line);
    });
    return r;
  }

  private Sample sample(long start, PostProducer producer, Counted counted, StreamingJob job,
      long words, StoreQueryService sql) throws QueryRejectedException {
    long acked = producer.status().acked();
    long batchMs = 0;
    for (var q : job.queries()) {
      var p = q.lastProgress();
      if (q.name().equals(StreamingJob.LIVE_TABLES) && p != null) {
        batchMs = p.durationMs().getOrDefault("triggerExecution", 0L);
      }
    }
    long storeBytes = ((Number) sql.sql("SELECT pg_database_size(current_database())").rows()
        .get(0).get(0)).longValue();
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long live = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      MemoryUsage afterGc = pool.getCollectionUsage();
      if (pool.getType() == MemoryType.HEAP && afterGc != null
          && pool.getName().contains("Old")) {
        live += afterGc.getUsed();
      }
    }
    return new Sample((System.nanoTime() - start) / 1e9, acked, counted.posts.get(),
        Math.max(0, acked - counted.posts.get()), batchMs, words, heap >> 20, live >> 20,
        MemoryMonitor.procStatusBytes("VmRSS:") >> 20, storeBytes >> 20);
  }

  private void print(Result r, double seconds) {
    out.printf(Locale.ROOT, "serving (%s): %,.0f posts/s acked, %,.0f posts/s counted over "
        + "%.0f s%n", settings.vocabulary().flagValue(), r.ackedPerSecond(),
        r.countedPerSecond(), seconds);
    out.println("SQL while ingesting:");
    print(r.latencies());
    out.println("SQL on the same tables, job stopped (baseline):");
    print(r.idleLatencies());
  }

  private void print(List<Latency> latencies) {
    for (Latency l : latencies) {
      out.printf(Locale.ROOT, "  %-22s n=%4d  p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms%n",
          l.query(), l.n(), l.p50Ms(), l.p99Ms(), l.maxMs());
    }
  }

  private static List<Latency> percentiles(Map<String, List<Double>> samples) {
    List<Latency> lat = new ArrayList<>();
    for (Map.Entry<String, List<Double>> e : samples.entrySet()) {
      List<Double> ms = new ArrayList<>(e.getValue());
      Collections.sort(ms);
      lat.add(new Latency(e.getKey(), ms.size(), LatencyProbe.percentile(ms, 50),
          LatencyProbe.percentile(ms, 99), LatencyProbe.percentile(ms, 100)));
    }
    return lat;
  }

  /**
   * Posts the running count's batches took in (its input rows), from Spark's progress; and per
   * query the summed duration of each batch phase, to tell where batch time goes.
   */
  private static final class Counted extends StreamingQueryListener {
    private final String query;
    final AtomicLong posts = new AtomicLong();
    final Map<String, Map<String, Long>> phases = new ConcurrentHashMap<>();
    final Map<String, Long> batches = new ConcurrentHashMap<>();

    Counted(String query) {
      this.query = query;
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
      var p = event.progress();
      if (query.equals(p.name())) {
        posts.addAndGet(p.numInputRows());
      }
      if (p.numInputRows() > 0) {
        batches.merge(p.name(), 1L, Long::sum);
        Map<String, Long> sums = phases.computeIfAbsent(p.name(), n -> new ConcurrentHashMap<>());
        p.durationMs().forEach((phase, ms) -> sums.merge(phase, ms, Long::sum));
      }
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {}

    @Override
    public void onQueryIdle(QueryIdleEvent event) {}

    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {}
  }
}
