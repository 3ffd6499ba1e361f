package io.trendstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.trendstream.source.Vocabulary;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one {@link Bench} run measured. Input: filled in by the bench phase by phase. Output:
 * the human table ({@link #table}) and the JSON report ({@link #toJson}), whose throughput
 * figures are medians in posts/s, e.g. {@code {"posts": 1000000, "throughput":
 * {"trendstream_running": 310000.0, ...}, "latency_ms": {"p50": ..., "p90": ..., "p99": ...,
 * "max": ...}, "cold_start_s": 8.1, "peak_rss_mb": 2300.0, ...}}.
 */
public final class BenchReport {
  public static final double TARGET_VS_BASELINE = 0.9;
  /** Issue 15: Trendstream at least as fast as Flink, running and windowed, on every feed. */
  public static final double TARGET_VS_FLINK = 1.0;
  public static final double TARGET_VS_KAFKA_STREAMS = 4.0;
  public static final double TARGET_WINDOWED_VS_RUNNING = 0.7;
  public static final double TARGET_P99_MS = 1000;
  public static final double TARGET_COLD_START_S = 10;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public long posts;
  public int partitions;
  public String master;
  public Map<String, String> sparkConf = Map.of();
  public int cores = Runtime.getRuntime().availableProcessors();
  public String loadBefore = "";
  public String loadAfter = "";
  /** Whether the Spark queries ran with the job's metrics ({@code --metrics on}). */
  public boolean metrics;

  /** One feed's throughput runs: its own topic, posts and reference. */
  public static final class Feed {
    public long posts;
    public long preloadBytes;
    public double preloadSeconds;
    /** Seconds of each timed run, per engine, in the order run. */
    public final Map<Engine, List<Double>> runs = new LinkedHashMap<>();
    /**
     * Process CPU seconds of each timed run (the bench's JVM and, for the peers, theirs): less
     * sensitive than wall time to other load on a shared machine, and it shows what a rate
     * costs.
     */
    public final Map<Engine, List<Double>> cpu = new LinkedHashMap<>();

    public double preloadPostsPerSecond() {
      return posts / preloadSeconds;
    }

    public double preloadMbPerSecond() {
      return preloadBytes / 1e6 / preloadSeconds;
    }

    /** posts/s of each timed run, sorted ascending. */
    public List<Double> rates(Engine e) {
      List<Double> out = new ArrayList<>();
      for (double s : runs.getOrDefault(e, List.of())) {
        out.add(posts / s);
      }
      Collections.sort(out);
      return out;
    }

    /** Median posts/s, or NaN when the engine was not run. */
    public double median(Engine e) {
      return BenchReport.median(rates(e));
    }

    /** Median process CPU seconds per run, or NaN. */
    public double medianCpu(Engine e) {
      List<Double> c = new ArrayList<>(cpu.getOrDefault(e, List.of()));
      Collections.sort(c);
      return BenchReport.median(c);
    }

    public double ratio(Engine a, Engine b) {
      return median(a) / median(b);
    }
  }

  /** The feeds in the order run; today's ({@link BenchSettings#VOCABULARY}) is {@link #small}. */
  public final Map<Vocabulary, Feed> feeds = new LinkedHashMap<>();
  public final Feed small = feed(BenchSettings.VOCABULARY);
  /** Today's feed's runs and CPU seconds, as before feeds existed. */
  public final Map<Engine, List<Double>> runs = small.runs;
  public final Map<Engine, List<Double>> cpu = small.cpu;
  public int countChecks;

  public long stateMaxOffsetsPerTrigger;
  public List<SparkWordCount.BatchState> stateBatches = List.of();

  public double latencyRate;
  public double latencyWarmupS;
  public double latencyDurationS;
  public LatencyProbe.Result latency;

  public ColdStart.Result coldStart;

  /** The alert path per mode and rate ({@link AlertLatency}); null when not run. */
  public Map<io.trendstream.pipeline.Alerts.Mode, Map<String, AlertLatency.Figures>>
      alertLatency;

  public long peakHeapBytes;
  public long peakRssBytes;
  public final Map<String, long[]> phaseMemory = new LinkedHashMap<>();

  /** The results of a feed, made on first use. */
  public Feed feed(Vocabulary v) {
    return feeds.computeIfAbsent(v, k -> new Feed());
  }

  public double preloadPostsPerSecond() {
    return small.preloadPostsPerSecond();
  }

  public double preloadMbPerSecond() {
    return small.preloadMbPerSecond();
  }

  /** posts/s of each timed run on today's feed, sorted ascending. */
  public List<Double> rates(Engine e) {
    return small.rates(e);
  }

  /** Median posts/s on today's feed, or NaN when the engine was not run. */
  public double median(Engine e) {
    return small.median(e);
  }

  /** Median process CPU seconds per run on today's feed, or NaN. */
  public double medianCpu(Engine e) {
    return small.medianCpu(e);
  }

  public double ratio(Engine a, Engine b) {
    return small.ratio(a, b);
  }

  static double median(List<Double> sorted) {
    int n = sorted.size();
    if (n == 0) {
      return Double.NaN;
    }
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  public double latencyPercentile(double p) {
    return latency == null ? Double.NaN : LatencyProbe.percentile(latency.latenciesMs(), p);
  }

  public String table() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT,
        "trendstream bench: %,d posts (%.1f MB of JSON), topic of %d partitions, %s, "
            + "%d cores; load average %s before, %s after%n",
        posts, small.preloadBytes / 1e6, partitions, master, cores, loadBefore, loadAfter));
    if (!sparkConf.isEmpty()) {
      b.append("spark settings: ").append(sparkConf).append('\n');
    }
    b.append("the job's metrics: ").append(metrics ? "on" : "off").append('\n');
    for (Map.Entry<Vocabulary, Feed> f : feeds.entrySet()) {
      Feed feed = f.getValue();
      if (feed.runs.isEmpty()) {
        continue;
      }
      b.append(String.format(Locale.ROOT,
          "%n%s feed, %,d posts; preload (PostProducer defaults): %,.0f posts/s, %.1f MB/s%n",
          f.getKey().flagValue(), feed.posts, feed.preloadPostsPerSecond(),
          feed.preloadMbPerSecond()));
      b.append(String.format(Locale.ROOT, "%-38s %-10s %11s %9s %9s %4s %6s%n",
          "engine", "tokenizer", "posts/s med", "min", "max", "runs", "cpu s"));
      for (Engine e : feed.runs.keySet()) {
        List<Double> r = feed.rates(e);
        b.append(String.format(Locale.ROOT, "%-38s %-10s %,11.0f %,9.0f %,9.0f %4d %6.1f%n",
            e.label, e.tokenizer.flagValue(), feed.median(e), r.get(0), r.get(r.size() - 1),
            r.size(), feed.medianCpu(e)));
      }
    }
    if (feeds.values().stream().filter(f -> !f.runs.isEmpty()).count() > 1) {
      byFeedTable(b);
    }
    if (!small.runs.isEmpty()) {
      b.append('\n').append("ratios of medians, ").append(BenchSettings.VOCABULARY.flagValue())
          .append(" feed:\n");
      ratioLine(b, small, "Trendstream running / Kafka Streams", Engine.TRENDSTREAM_RUNNING,
          Engine.KAFKA_STREAMS, TARGET_VS_KAFKA_STREAMS);
      ratioLine(b, small, "Trendstream running / hand-written 1 thread",
          Engine.TRENDSTREAM_RUNNING, Engine.BASELINE_1THREAD, TARGET_VS_BASELINE);
      ratioLine(b, small, "Trendstream running / hand-written per partition",
          Engine.TRENDSTREAM_RUNNING, Engine.BASELINE_PER_PARTITION, Double.NaN);
      ratioLine(b, small, "Trendstream windowed / running", Engine.TRENDSTREAM_WINDOWED,
          Engine.TRENDSTREAM_RUNNING, TARGET_WINDOWED_VS_RUNNING);
      ratioLine(b, small, "whitespace: Trendstream / Kafka Streams",
          Engine.TRENDSTREAM_RUNNING_WHITESPACE, Engine.KAFKA_STREAMS_WHITESPACE, Double.NaN);
      ratioLine(b, small, "whitespace: Trendstream / hand-written 1 thread",
          Engine.TRENDSTREAM_RUNNING_WHITESPACE, Engine.BASELINE_1THREAD_WHITESPACE,
          Double.NaN);
    }
    for (Map.Entry<Vocabulary, Feed> f : feeds.entrySet()) {
      Feed feed = f.getValue();
      if (feed.runs.isEmpty()) {
        continue;
      }
      StringBuilder lines = new StringBuilder();
      ratioLine(lines, feed, "Trendstream running / Flink running", Engine.TRENDSTREAM_RUNNING,
          Engine.FLINK_RUNNING, TARGET_VS_FLINK);
      ratioLine(lines, feed, "Trendstream running / Flink running, RocksDB",
          Engine.TRENDSTREAM_RUNNING, Engine.FLINK_RUNNING_ROCKSDB, TARGET_VS_FLINK);
      ratioLine(lines, feed, "Trendstream windowed / Flink windowed",
          Engine.TRENDSTREAM_WINDOWED, Engine.FLINK_WINDOWED, TARGET_VS_FLINK);
      ratioLine(lines, feed, "Trendstream windowed / Flink windowed, RocksDB",
          Engine.TRENDSTREAM_WINDOWED, Engine.FLINK_WINDOWED_ROCKSDB, TARGET_VS_FLINK);
      if (f.getKey() == Vocabulary.REALISTIC) {
        ratioLine(lines, feed, "Trendstream running / hand-written 1 thread",
            Engine.TRENDSTREAM_RUNNING, Engine.BASELINE_1THREAD, TARGET_VS_BASELINE);
      }
      if (lines.length() > 0) {
        b.append("ratios of medians against Flink, ").append(f.getKey().flagValue())
            .append(" feed:\n").append(lines);
      }
    }
    if (countChecks > 0) {
      b.append(String.format(Locale.ROOT,
          "counts: all %d runs (warm-ups included) matched the reference counts exactly%n",
          countChecks));
    }
    if (latency != null) {
      b.append(String.format(Locale.ROOT,
          "%nlatency, send to visible in word_counts, %,.0f posts/s for %.0f s after %.0f s "
              + "warm-up (%d probes, %d missing):%n  p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, "
              + "max %.0f ms%s%n",
          latencyRate, latencyDurationS, latencyWarmupS, latency.latenciesMs().size(),
          latency.missing(), latencyPercentile(50), latencyPercentile(90),
          latencyPercentile(99), latencyPercentile(100),
          target(latencyPercentile(99) <= TARGET_P99_MS, "p99 <= 1000 ms")));
      b.append(String.format(Locale.ROOT,
          "  job start to first non-empty word_counts (warm JVM): %.2f s%n",
          latency.firstCountsSeconds()));
      for (LatencyProbe.BatchTimes t : latency.batchTimes()) {
        b.append(String.format(Locale.ROOT,
            "  %-34s last %3d batches: median %4.0f ms, p90 %4.0f ms, %,6.0f posts/batch%n",
            t.query(), t.batches(), t.medianMs(), t.p90Ms(), t.medianRows()));
      }
      b.append("  windowed state rows, live job (s:rows): ")
          .append(stateSamples(latency.stateRows())).append('\n');
    }
    if (coldStart != null) {
      b.append(String.format(Locale.ROOT,
          "cold start, demo in a new JVM to first non-empty word_counts: %.1f s "
              + "(running banner at %.1f s)%s%n",
          coldStart.firstCountsS(), coldStart.readyS(),
          target(coldStart.firstCountsS() <= TARGET_COLD_START_S, "<= 10 s")));
    }
    if (alertLatency != null) {
      b.append(AlertLatency.table(alertLatency));
    }
    if (!stateBatches.isEmpty()) {
      b.append(String.format(Locale.ROOT,
          "windowed state over the preloaded topic, batches of %,d posts:%n"
              + "  state rows per batch:      %s%n  (window, word) rows so far: %s%n",
          stateMaxOffsetsPerTrigger, batchList(true), batchList(false)));
    }
    b.append(String.format(Locale.ROOT, "memory: peak heap %,.0f MB, peak RSS %,.0f MB%n",
        peakHeapBytes / 1e6, peakRssBytes / 1e6));
    for (Map.Entry<String, long[]> e : phaseMemory.entrySet()) {
      b.append(String.format(Locale.ROOT, "  %-24s heap %,6.0f MB, RSS %,6.0f MB%n",
          e.getKey(), e.getValue()[0] / 1e6, e.getValue()[1] / 1e6));
    }
    return b.toString();
  }

  /** Medians of every engine, a column per feed. */
  private void byFeedTable(StringBuilder b) {
    b.append(String.format(Locale.ROOT, "%nposts/s, medians by feed:%n%-38s %-10s",
        "engine", "tokenizer"));
    List<Engine> engines = new ArrayList<>();
    for (Map.Entry<Vocabulary, Feed> f : feeds.entrySet()) {
      if (f.getValue().runs.isEmpty()) {
        continue;
      }
      b.append(String.format(Locale.ROOT, " %11s", f.getKey().flagValue()));
      f.getValue().runs.keySet().stream().filter(e -> !engines.contains(e))
          .forEach(engines::add);
    }
    b.append('\n');
    for (Engine e : engines) {
      b.append(String.format(Locale.ROOT, "%-38s %-10s", e.label, e.tokenizer.flagValue()));
      for (Feed f : feeds.values()) {
        if (!f.runs.isEmpty()) {
          b.append(String.format(Locale.ROOT, " %,11.0f", f.median(e)));
        }
      }
      b.append('\n');
    }
  }

  private void ratioLine(StringBuilder b, Feed feed, String what, Engine a, Engine c,
      double target) {
    if (!feed.runs.containsKey(a) || !feed.runs.containsKey(c)) {
      return;
    }
    double r = feed.ratio(a, c);
    b.append(String.format(Locale.ROOT, "  %-50s %5.2fx%s%n", what, r,
        Double.isNaN(target) ? ""
            : target(r >= target, String.format(Locale.ROOT, ">= %.1fx", target)
                + (r >= target ? "" : String.format(Locale.ROOT, ", short by %.0f%%",
                    (1 - r / target) * 100)))));
  }

  private static String target(boolean met, String what) {
    return "   target " + what + ": " + (met ? "met" : "NOT met");
  }

  private String batchList(boolean state) {
    StringBuilder b = new StringBuilder();
    for (SparkWordCount.BatchState s : stateBatches) {
      long v = state ? s.stateRows() : s.distinctPairsSoFar();
      b.append(b.length() == 0 ? "" : " ").append(v);
    }
    return b.toString();
  }

  private static String stateSamples(List<LatencyProbe.StateSample> samples) {
    StringBuilder b = new StringBuilder();
    int step = Math.max(1, samples.size() / 12);
    for (int i = 0; i < samples.size(); i += step) {
      LatencyProbe.StateSample s = samples.get(i);
      b.append(String.format(Locale.ROOT, "%s%.0f:%d", b.length() == 0 ? "" : " ",
          s.seconds(), s.stateRows()));
    }
    return b.toString();
  }

  public ObjectNode toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("posts", posts);
    ObjectNode tp = root.putObject("throughput");
    for (Engine e : small.runs.keySet()) {
      tp.put(e.key, Math.round(small.median(e)));
    }
    ObjectNode byFeed = root.putObject("throughput_by_feed");
    ObjectNode feedPosts = root.putObject("feed_posts");
    for (Map.Entry<Vocabulary, Feed> f : feeds.entrySet()) {
      if (f.getValue().runs.isEmpty()) {
        continue;
      }
      feedPosts.put(f.getKey().flagValue(), f.getValue().posts);
      if (f.getValue() == small) {
        continue;
      }
      ObjectNode n = byFeed.putObject(f.getKey().flagValue());
      f.getValue().runs.keySet().forEach(e -> n.put(e.key, Math.round(f.getValue().median(e))));
    }
    ObjectNode detail = root.putObject("throughput_runs");
    for (Engine e : small.runs.keySet()) {
      ArrayNode a = detail.putArray(e.key);
      small.rates(e).forEach(r -> a.add(Math.round(r)));
    }
    ObjectNode cpuNode = root.putObject("cpu_s");
    for (Engine e : small.runs.keySet()) {
      cpuNode.put(e.key, round2(small.medianCpu(e)));
    }
    ObjectNode ratios = root.putObject("ratios");
    putRatio(ratios, small, "running_vs_kafka_streams", Engine.TRENDSTREAM_RUNNING,
        Engine.KAFKA_STREAMS);
    putRatio(ratios, small, "running_vs_baseline_1thread", Engine.TRENDSTREAM_RUNNING,
        Engine.BASELINE_1THREAD);
    putRatio(ratios, small, "running_vs_baseline_per_partition", Engine.TRENDSTREAM_RUNNING,
        Engine.BASELINE_PER_PARTITION);
    putRatio(ratios, small, "windowed_vs_running", Engine.TRENDSTREAM_WINDOWED,
        Engine.TRENDSTREAM_RUNNING);
    ObjectNode flinkRatios = root.putObject("ratios_vs_flink");
    for (Map.Entry<Vocabulary, Feed> f : feeds.entrySet()) {
      if (f.getValue().runs.isEmpty()) {
        continue;
      }
      ObjectNode n = flinkRatios.putObject(f.getKey().flagValue());
      putRatio(n, f.getValue(), "running_vs_flink_running", Engine.TRENDSTREAM_RUNNING,
          Engine.FLINK_RUNNING);
      putRatio(n, f.getValue(), "running_vs_flink_running_rocksdb", Engine.TRENDSTREAM_RUNNING,
          Engine.FLINK_RUNNING_ROCKSDB);
      putRatio(n, f.getValue(), "windowed_vs_flink_windowed", Engine.TRENDSTREAM_WINDOWED,
          Engine.FLINK_WINDOWED);
      putRatio(n, f.getValue(), "windowed_vs_flink_windowed_rocksdb",
          Engine.TRENDSTREAM_WINDOWED, Engine.FLINK_WINDOWED_ROCKSDB);
      putRatio(n, f.getValue(), "running_vs_baseline_1thread", Engine.TRENDSTREAM_RUNNING,
          Engine.BASELINE_1THREAD);
    }
    ObjectNode pre = root.putObject("preload");
    pre.put("posts_per_s", Math.round(preloadPostsPerSecond()));
    pre.put("mb_per_s", round1(preloadMbPerSecond()));
    pre.put("bytes", small.preloadBytes);
    if (latency != null) {
      ObjectNode l = root.putObject("latency_ms");
      l.put("p50", round1(latencyPercentile(50)));
      l.put("p90", round1(latencyPercentile(90)));
      l.put("p99", round1(latencyPercentile(99)));
      l.put("max", round1(latencyPercentile(100)));
      l.put("samples", latency.latenciesMs().size());
      l.put("missing", latency.missing());
      l.put("rate", latencyRate);
      root.put("warm_first_counts_s", round2(latency.firstCountsSeconds()));
    }
    if (alertLatency != null) {
      root.set("alert_latency_ms", AlertLatency.json(alertLatency));
    }
    if (coldStart != null) {
      root.put("cold_start_s", round2(coldStart.firstCountsS()));
      root.put("cold_start_ready_s", round2(coldStart.readyS()));
    }
    root.put("peak_rss_mb", Math.round(peakRssBytes / 1e6));
    root.put("peak_heap_mb", Math.round(peakHeapBytes / 1e6));
    if (!stateBatches.isEmpty()) {
      ArrayNode s = root.putArray("windowed_state_rows");
      stateBatches.forEach(x -> s.add(x.stateRows()));
    }
    root.put("count_checks", countChecks);
    root.put("load_before", loadBefore);
    root.put("load_after", loadAfter);
    root.put("metrics", metrics);
    root.put("cores", cores);
    return root;
  }

  private static void putRatio(ObjectNode n, Feed feed, String key, Engine a, Engine b) {
    if (feed.runs.containsKey(a) && feed.runs.containsKey(b)) {
      n.put(key, Math.round(feed.ratio(a, b) * 1000) / 1000.0);
    }
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }

  public void writeJson(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(file.toFile(), toJson());
  }
}
