package io.trendstream.bench;

import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.store.EmbeddedStore;
import io.trendstream.store.LiveStore;
import io.trendstream.store.StoreSettings;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.trendstream.pipeline.SparkSessions;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.pipeline.sink.DeadLetterSink;
import io.trendstream.post.Post;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.source.PostSource;
import io.trendstream.source.SyntheticSource;
import io.trendstream.source.Vocabulary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * {@code trendstream bench}: Trendstream's queries against Flink, Kafka Streams and a
 * hand-written consumer, side by side, on the embedded broker; the peers (Flink, Kafka Streams)
 * in a child JVM ({@link PeerEngines}), the rest in this one. Input: {@link BenchSettings}.
 * Output: a {@link BenchReport}; progress lines on the given writer. Phases:
 *
 * <ol>
 *   <li>for each feed ({@link BenchSettings#feeds}, today's {@link BenchSettings#VOCABULARY}
 *       first): preload its synthetic posts (fixed seed) into a fresh topic with the project's
 *       producer, then count every post on it with each engine, round-robin, warm-ups first;
 *       each run's counts must equal the {@link Reference} counts computed from the source
 *       itself, or the bench fails with {@link CountMismatch};
 *   <li>the windowed query in small batches, to show its state stays bounded by the watermark;
 *   <li>latency of the live job at a fixed rate ({@link LatencyProbe});
 *   <li>latency of the alert path in each mode ({@link AlertLatency});
 *   <li>cold start of the demo in a new JVM ({@link ColdStart}).
 * </ol>
 */
public final class Bench {
  /**
   * The preload spans this much event time whatever N is, so the windowed query sees the same
   * number of windows (10,000 s: 33 five-minute slides) in --quick and full runs.
   */
  public static final long EVENT_SPAN_SECONDS = 10_000;
  /** Fixed, so the same seed gives the same posts, windows and counts on every run. */
  public static final Instant EVENT_START = Instant.parse("2026-01-01T00:00:00Z");
  /** The state phase runs the windowed query in this many batches. */
  public static final int STATE_BATCHES = 20;
  /** Settings of the bench's Spark session, under --conf: sized for 2 cores. */
  public static final Map<String, String> SPARK_DEFAULTS =
      Map.of("spark.sql.shuffle.partitions", "2");

  /** Thrown when every engine asked for is a peer and the peers are not built here. */
  public static final class PeersUnavailable extends RuntimeException {
    public PeersUnavailable(String message) {
      super(message);
    }
  }

  /** Thrown when an engine's counts differ from the reference. */
  public static final class CountMismatch extends RuntimeException {
    public CountMismatch(String message) {
      super(message);
    }
  }

  private final BenchSettings settings;
  private final PrintWriter log;
  private final Class<?> demoMain;
  private final long started = System.nanoTime();
  /** Null: the benchmark's queries run without the job's metrics ({@code --metrics off}). */
  private PrometheusRegistry metrics;
  private BenchMetrics benchMetrics;

  /**
   * @param demoMain the command line's entry point, which the cold-start phase launches as
   *     {@code demoMain demo ...}; the CLI passes its own, as the bench cannot name it
   */
  public Bench(BenchSettings settings, PrintWriter log, Class<?> demoMain) {
    this.settings = settings;
    this.log = log;
    this.demoMain = demoMain;
  }

  /**
   * Runs every Spark query of the benchmark with the job's per-batch metrics and group-offset
   * commits, scraped every second ({@link BenchMetrics}), so on and off can be compared.
   */
  public Bench withMetrics(PrometheusRegistry registry) {
    this.metrics = registry;
    return this;
  }

  public BenchReport run() throws Exception {
    List<Engine> engineList = runnable(settings.engines());
    BenchReport report = new BenchReport();
    report.posts = settings.posts();
    report.partitions = settings.partitions();
    report.master = settings.master();
    report.loadBefore = loadAverage();
    Path work = settings.workDir() != null
        ? Files.createDirectories(settings.workDir())
        : Files.createTempDirectory("trendstream-bench");
    Map<String, String> sparkConf = new LinkedHashMap<>(SPARK_DEFAULTS);
    sparkConf.putAll(settings.sparkConf());
    report.sparkConf = sparkConf;
    try (MemoryMonitor memory = new MemoryMonitor();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(work.resolve("kafka"), 0)) {
      step("starting the embedded broker and Spark (%s)", settings.master());
      broker.start();
      SparkSession spark = SparkSessions.create(settings.master(), sparkConf);
      report.phaseMemory.put("start-up", memory.resetPhase());
      report.metrics = metrics != null;
      step("the job's metrics: %s", metrics != null ? "on" : "off");
      benchMetrics = metrics == null
          ? null
          : new BenchMetrics(spark, metrics, broker.bootstrapServers());

      StreamConfig base = new StreamConfig();
      base.bootstrapServers = broker.bootstrapServers();
      String topic = null;
      Reference stateReference = null;
      Engines engines = null;
      try {
        for (Vocabulary feed : settings.feeds()) {
          long posts = settings.posts(feed);
          String feedTopic = "bench-" + feed.flagValue() + "-" + System.currentTimeMillis();
          broker.createTopic(feedTopic, settings.partitions(), (short) 1);
          double perEventSecond = posts / (double) EVENT_SPAN_SECONDS;
          BenchReport.Feed result = report.feed(feed);
          result.posts = posts;
          preload(broker.bootstrapServers(), feedTopic, feed, posts, perEventSecond, result);
          report.phaseMemory.put("preload " + feed.flagValue(), memory.resetPhase());

          step("computing the reference counts from the source (%s feed)", feed.flagValue());
          Reference ref = Reference.compute(source(feed, perEventSecond), posts,
              durationMillis(base.window), durationMillis(base.slide));
          step("reference: %,d words (%,d distinct), whitespace %,d tokens (%,d distinct), "
                  + "%,d (window, word) pairs",
              ref.wordsTokens, ref.words.size(), ref.whitespaceTokens, ref.whitespace.size(),
              ref.windowed.size());
          if (engines == null) {
            engines = new Engines(spark, base, work, settings, engineList);
          }
          throughput(engines, engineList, feed, feedTopic, ref, result, report);
          report.phaseMemory.put("throughput " + feed.flagValue(), memory.resetPhase());
          if (feed == BenchSettings.VOCABULARY) {
            topic = feedTopic;
            stateReference = ref;
          }
        }
      } finally {
        if (engines != null) {
          engines.close();
        }
      }

      if (settings.state() && topic != null
          && settings.engines().contains(Engine.TRENDSTREAM_WINDOWED)) {
        long perBatch = Math.max(1, (settings.posts() + STATE_BATCHES - 1) / STATE_BATCHES);
        step("windowed state: the windowed query in batches of %,d posts", perBatch);
        SparkWordCount.Result r = engines.spark().windowedInSparkState(topic,
            io.trendstream.pipeline.Tokenizer.WORDS,
            Map.of("maxOffsetsPerTrigger", Long.toString(perBatch)));
        check(Engine.TRENDSTREAM_WINDOWED, stateReference, r.counts(), report);
        report.stateMaxOffsetsPerTrigger = perBatch;
        report.stateBatches = r.batches();
        report.phaseMemory.put("windowed state", memory.resetPhase());
      }

      if (settings.latency()) {
        latency(spark, broker, work, report);
        report.phaseMemory.put("latency", memory.resetPhase());
        // The alert query alone in the session, as real-time mode needs its cores.
        String alertTopic = "bench-alerts-in-" + System.currentTimeMillis();
        broker.createTopic(alertTopic, settings.partitions(), (short) 1);
        report.alertLatency = new AlertLatency(spark, broker.bootstrapServers(), work, log)
            .run(alertTopic, AlertLatency.DEFAULT_RATES, settings.latencyWarmup(),
                settings.latencyDuration(), settings.seed());
        report.phaseMemory.put("alert latency", memory.resetPhase());
      }
      if (settings.coldStart()) {
        coldStart(work, sparkConf, report);
      }
      report.peakHeapBytes = memory.peakHeapBytes();
      report.peakRssBytes = memory.peakRssBytes();
    } finally {
      if (benchMetrics != null) {
        benchMetrics.close();
        benchMetrics = null;
      }
      if (settings.workDir() == null) {
        Dirs.deleteQuietly(work);
      }
    }
    report.loadAfter = loadAverage();
    return report;
  }

  private void preload(String bootstrap, String topic, Vocabulary feed, long posts,
      double perEventSecond, BenchReport.Feed result) {
    step("preloading %,d posts of the %s feed into %s", posts, feed.flagValue(), topic);
    PostProducer producer = new PostProducer(new ProducerSettings(bootstrap),
        source(feed, perEventSecond), new PostProducer.Options(topic, 0, posts), s -> {});
    long t0 = System.nanoTime();
    PostProducer.Status done = producer.run();
    result.preloadSeconds = (System.nanoTime() - t0) / 1e9;
    if (done.acked() != posts) {
      throw new IllegalStateException("preload acked " + done.acked() + " of "
          + posts + " posts" + (done.lastError() != null
              ? " (" + done.lastError() + ")" : ""));
    }
    // Bytes are known only after the reference pass; the JSON sizes are summed there.
  }

  private SyntheticSource source(Vocabulary feed, double perEventSecond) {
    return new SyntheticSource(settings.seed(), EVENT_START.toEpochMilli(), perEventSecond,
        feed);
  }

  /** The engines this build can run: without the peers' build, the others, said in one line. */
  private List<Engine> runnable(List<Engine> wanted) {
    if (wanted.stream().noneMatch(Engine::peer) || PeerEngines.classpath() != null) {
      return wanted;
    }
    List<Engine> rest = wanted.stream().filter(e -> !e.peer()).toList();
    if (rest.isEmpty()) {
      throw new PeersUnavailable("no engine left to run: " + PeerEngines.unavailable());
    }
    step("skipping %s: %s", wanted.stream().filter(Engine::peer).map(e -> e.key)
        .collect(java.util.stream.Collectors.joining(", ")), PeerEngines.unavailable());
    return rest;
  }

  private void throughput(Engines engines, List<Engine> engineList, Vocabulary feed,
      String topic, Reference ref, BenchReport.Feed result, BenchReport report)
      throws Exception {
    result.preloadBytes = ref.jsonBytes;
    step("preload: %,.0f posts/s, %.1f MB/s", result.preloadPostsPerSecond(),
        result.preloadMbPerSecond());
    for (Engine e : engineList) {
      result.runs.put(e, new ArrayList<>());
      result.cpu.put(e, new ArrayList<>());
    }
    int warmups = settings.warmups(feed);
    int rounds = warmups + settings.runs();
    for (int round = 0; round < rounds; round++) {
      boolean warm = round < warmups;
      for (Engine e : engineList) {
        System.gc();
        long cpu0 = processCpuNanos();
        long t0 = System.nanoTime();
        PeerEngines.Counted counted = engines.count(e, topic, ref.tokens(e.tokenizer));
        double seconds = (System.nanoTime() - t0) / 1e9;
        double cpu = (processCpuNanos() - cpu0) / 1e9 + counted.cpuSeconds();
        check(e, ref, counted.counts(), report);
        step("%s %-9s %-26s %-10s %6.2f s  %,10.0f posts/s  cpu %6.2f s",
            warm ? "warm-up" : "run " + (round - warmups + 1), feed.flagValue(), e.key,
            e.tokenizer.flagValue(), seconds, result.posts / seconds, cpu);
        if (!warm) {
          result.runs.get(e).add(seconds);
          result.cpu.get(e).add(cpu);
        }
      }
    }
  }

  /** CPU time of the whole process (every thread, the broker's too); 0 where unknown. */
  private static long processCpuNanos() {
    var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean
        ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : 0;
  }

  private static void check(Engine e, Reference ref, Map<String, Long> counts,
      BenchReport report) {
    String diff = Reference.diff(ref.counts(e), counts);
    if (diff != null) {
      throw new CountMismatch(e.key + " (" + e.tokenizer.flagValue()
          + ") counted differently from the reference: " + diff);
    }
    report.countChecks++;
  }

  private void latency(SparkSession spark, EmbeddedKafkaBroker broker, Path work,
      BenchReport report) throws Exception {
    StreamConfig c = new StreamConfig();
    c.bootstrapServers = broker.bootstrapServers();
    c.topic = "bench-live-" + System.currentTimeMillis();
    c.dataDir = work.resolve("live");
    c.queryNamePrefix = "bench_live_";
    // The live job as the CLI runs it, dead letters included.
    c.sinks.add(new DeadLetterSink(DeadLetterSink.TOPIC));
    broker.createTopic(c.topic, settings.partitions(), (short) 1);
    step("latency: the live job at %,.0f posts/s for %d s after %d s of warm-up",
        settings.latencyRate(), settings.latencyDuration().toSeconds(),
        settings.latencyWarmup().toSeconds());
    LatencyProbe.Result r;
    try (EmbeddedStore server = new EmbeddedStore(work.resolve("postgres"), 0).start();
        LiveStore store = new LiveStore(server.url(), server.readerUrl(), StoreSettings.DEFAULT)) {
      store.prepare();
      r = new LatencyProbe(spark, c, store).run(settings.latencyRate(),
          settings.latencyWarmup(), settings.latencyDuration(), settings.seed(),
          BenchSettings.VOCABULARY);
    }
    report.latency = r;
    report.latencyRate = settings.latencyRate();
    report.latencyWarmupS = settings.latencyWarmup().toMillis() / 1e3;
    report.latencyDurationS = settings.latencyDuration().toMillis() / 1e3;
    if (r.missing() > 0) {
      throw new IllegalStateException(r.missing() + " latency probes never appeared in "
          + "word_counts");
    }
    step("latency: p50 %.0f ms, p99 %.0f ms, max %.0f ms over %d probes",
        report.latencyPercentile(50), report.latencyPercentile(99),
        report.latencyPercentile(100), r.latenciesMs().size());
    for (LatencyProbe.BatchTimes b : r.batchTimes()) {
      step("latency: %s batches: median %.0f ms, p90 %.0f ms, median %.0f rows (%d batches)",
          b.query(), b.medianMs(), b.p90Ms(), b.medianRows(), b.batches());
    }
  }

  private void coldStart(Path work, Map<String, String> sparkConf, BenchReport report)
      throws Exception {
    step("cold start: bin/trendstream demo in a new JVM, fresh data dir, until word_counts "
        + "has rows");
    report.coldStart = ColdStart.measure(demoMain, work.resolve("cold"), settings.master(),
        sparkConf);
    step("cold start: demo running after %.1f s, first non-empty word_counts after %.1f s",
        report.coldStart.readyS(), report.coldStart.firstCountsS());
  }

  /** Spark-style durations the window settings use: {@code <n> <unit>[s]}. */
  static long durationMillis(String spec) {
    String[] parts = spec.trim().toLowerCase(Locale.ROOT).split("\\s+");
    long n = Long.parseLong(parts[0]);
    String unit = parts.length > 1 ? parts[1] : "seconds";
    if (unit.startsWith("second")) {
      return Duration.ofSeconds(n).toMillis();
    }
    if (unit.startsWith("minute")) {
      return Duration.ofMinutes(n).toMillis();
    }
    if (unit.startsWith("hour")) {
      return Duration.ofHours(n).toMillis();
    }
    if (unit.startsWith("day")) {
      return Duration.ofDays(n).toMillis();
    }
    throw new IllegalArgumentException("cannot read duration '" + spec + "'");
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private void step(String format, Object... args) {
    log.println(String.format(Locale.ROOT, "bench %6.1fs: ", (System.nanoTime() - started) / 1e9)
        + String.format(Locale.ROOT, format, args));
    log.flush();
  }

  /** One place that knows how to run each engine kind. */
  private static final class Engines implements AutoCloseable {
    private final SparkWordCount spark;
    private final BaselineWordCount baseline;
    private final PeerEngines peers;
    private final int partitions;
    private final long windowMs;
    private final long slideMs;
    private final long watermarkMs;

    Engines(SparkSession session, StreamConfig base, Path work, BenchSettings settings,
        List<Engine> engines) throws IOException, InterruptedException {
      Duration timeout = Duration.ofSeconds(120 + settings.posts() / 2_000);
      spark = new SparkWordCount(session, base,
          Files.createDirectories(work.resolve("checkpoints")));
      // The same consumer settings as the job's Kafka source: tuning one side only would
      // flatter it.
      Map<String, String> consumer = Map.of("max.poll.records", StreamingJob.MAX_POLL_RECORDS,
          "fetch.max.wait.ms", StreamingJob.FETCH_MAX_WAIT_MS);
      baseline = new BaselineWordCount(base.bootstrapServers, timeout, consumer);
      peers = engines.stream().anyMatch(Engine::peer)
          ? new PeerEngines(PeerEngines.classpath(), base.bootstrapServers,
              work.resolve("peers"), timeout, settings.flinkCheckpointInterval(), consumer)
          : null;
      this.partitions = settings.partitions();
      windowMs = durationMillis(base.window);
      slideMs = durationMillis(base.slide);
      watermarkMs = durationMillis(base.watermark);
    }

    SparkWordCount spark() {
      return spark;
    }

    PeerEngines.Counted count(Engine e, String topic, long expectedTokens) throws Exception {
      if (e.peer()) {
        return peers.count(e, topic, expectedTokens, windowMs, slideMs, watermarkMs);
      }
      return new PeerEngines.Counted(countHere(e, topic), 0);
    }

    private Map<String, Long> countHere(Engine e, String topic) throws Exception {
      switch (e.kind) {
        case SPARK_RUNNING:
          return spark.running(topic, e.tokenizer, Map.of()).counts();
        case SPARK_WINDOWED:
          return spark.windowed(topic, e.tokenizer, Map.of()).counts();
        case BASELINE_1THREAD:
          return baseline.count(topic, e.tokenizer, 1);
        case BASELINE_PER_PARTITION:
          return baseline.count(topic, e.tokenizer, partitions);
        default:
          throw new IllegalArgumentException(e.toString());
      }
    }

    @Override
    public void close() {
      if (peers != null) {
        peers.close();
      }
    }
  }
}
