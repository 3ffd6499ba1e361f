package io.trendstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.common.DaemonThreads;
import io.trendstream.pipeline.Alerts;
import io.trendstream.pipeline.Alerts.Mode;
import io.trendstream.pipeline.SinkContext;
import io.trendstream.pipeline.SparkSessions;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.pipeline.Tokenizer;
import io.trendstream.pipeline.sink.AlertSink;
import io.trendstream.post.Post;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.source.PostSource;
import io.trendstream.source.SyntheticSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * The alert path's latency in each {@link Mode}, side by side on one topic. Input: the posts
 * topic (fresh, {@link BenchSettings#DEFAULT_PARTITIONS} partitions), the producer at each rate,
 * the alert query alone in the session (no counts: real-time mode gets its core per
 * partition). {@value LatencyProbe#PROBES_PER_SECOND} posts a second carry the watched term
 * {@value #TERM}; the time from handing such a post to the producer to its alert being read from
 * the alerts topic is one sample. Output: per mode and rate, p50/p90/p99/max in ms after the
 * warm-up, the samples, the probes never alerted, and the mode the query actually ran in.
 */
public final class AlertLatency {
  public static final String TERM = "zzalert";
  public static final List<Double> DEFAULT_RATES = List.of(1_000.0, 5_000.0);
  /** How long the last probes may take to alert after the producer stops. */
  private static final Duration DRAIN = Duration.ofSeconds(20);

  /** One mode at one rate. */
  public record Figures(String ranAs, List<Double> latenciesMs, int missing) {
    public double percentile(double p) {
      return LatencyProbe.percentile(latenciesMs, p);
    }
  }

  private final SparkSession spark;
  private final String bootstrap;
  private final Path work;
  private final PrintWriter log;

  public AlertLatency(SparkSession spark, String bootstrap, Path work, PrintWriter log) {
    this.spark = spark;
    this.bootstrap = bootstrap;
    this.work = work;
    this.log = log;
  }

  /**
   * Every mode at every rate on one posts topic: mode → rate (as an integer string) → figures.
   */
  public Map<Mode, Map<String, Figures>> run(String topic, List<Double> rates, Duration warmup,
      Duration duration, long seed) throws Exception {
    Map<Mode, Map<String, Figures>> out = new LinkedHashMap<>();
    int run = 0;
    for (Mode mode : Mode.values()) {
      Map<String, Figures> byRate = new LinkedHashMap<>();
      for (double rate : rates) {
        run++;
        log(String.format(Locale.ROOT, "alerts: %s at %,.0f posts/s for %d s after %d s",
            mode.flagValue(), rate, duration.toSeconds(), warmup.toSeconds()));
        Figures f = once(topic, mode, rate, warmup, duration, seed + run, run);
        log(String.format(Locale.ROOT,
            "alerts: %s (ran as %s) at %,.0f/s: p50 %.1f ms, p99 %.1f ms, max %.1f ms, "
                + "%d samples, %d missing", mode.flagValue(), f.ranAs(), rate,
            f.percentile(50), f.percentile(99), f.percentile(100), f.latenciesMs().size(),
            f.missing()));
        byRate.put(Long.toString(Math.round(rate)), f);
      }
      out.put(mode, byRate);
    }
    return out;
  }

  /**
   * The probes' producer: the product's settings but no linger, so a probe reaches Kafka when it
   * is handed over (the issue times alerts from the post reaching Kafka); with the default 20 ms
   * linger the producer's batching, not the alert path, would be most of every sample.
   */
  private ProducerSettings probeProducer() {
    return new ProducerSettings(bootstrap, Map.of(ProducerConfig.LINGER_MS_CONFIG, "0"));
  }

  private Figures once(String topic, Mode mode, double rate, Duration warmup, Duration duration,
      long seed, int run) throws Exception {
    String alertsTopic = "bench-alerts-" + run + "-" + System.currentTimeMillis();
    StreamConfig config = new StreamConfig();
    config.bootstrapServers = bootstrap;
    config.topic = topic;
    config.dataDir = Files.createDirectories(work.resolve("alerts-" + run));
    config.queryNamePrefix = "bench_alerts_" + run + "_";
    // Only what is sent from now on: the earlier runs' posts on the same topic are not probes.
    config.sourceOptions.put("startingOffsets", "latest");
    AlertSink sink = new AlertSink(List.of(TERM), mode, alertsTopic, 0,
        line -> log("alerts: " + line));
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Map<String, Long> seenAt = new ConcurrentHashMap<>();
    SinkContext context = new SinkContext(config, StreamingJob.kafka(config).apply(spark), null);
    StreamingQuery query = sink.start(context).get(0);
    Watcher watcher = new Watcher(alertsTopic, seenAt);
    try {
      watcher.start();
      awaitFirstAlert(query, topic, seenAt);
      long posts = (long) Math.ceil(rate * (warmup.toMillis() + duration.toMillis()) / 1000.0);
      int every = (int) Math.max(1, Math.round(rate / LatencyProbe.PROBES_PER_SECOND));
      long measureFrom = System.nanoTime() + warmup.toNanos();
      PostProducer producer = new PostProducer(probeProducer(),
          new ProbingSource(new SyntheticSource(seed, System.currentTimeMillis(), rate,
              BenchSettings.VOCABULARY), every, sentAt, n -> TERM, ProbingSource.Key.POST_ID),
          new PostProducer.Options(topic, rate, posts), s -> {});
      PostProducer.Status done = producer.run();
      if (done.acked() != posts) {
        throw new IllegalStateException("alert latency producer acked " + done.acked() + " of "
            + posts);
      }
      long deadline = System.nanoTime() + DRAIN.toNanos();
      while (!seenAt.keySet().containsAll(sentAt.keySet()) && System.nanoTime() < deadline
          && query.isActive()) {
        LockSupport.parkNanos(10_000_000L);
      }
      if (!query.isActive() && query.exception().isDefined()) {
        throw new IllegalStateException("the alert query failed in " + mode.flagValue()
            + " mode: " + query.exception().get().getMessage());
      }
      List<Double> ms = new ArrayList<>();
      int missing = 0;
      for (Map.Entry<String, Long> e : sentAt.entrySet()) {
        if (e.getValue() < measureFrom) {
          continue;
        }
        Long seen = seenAt.get(e.getKey());
        if (seen == null) {
          missing++;
        } else {
          ms.add((seen - e.getValue()) / 1e6);
        }
      }
      Collections.sort(ms);
      return new Figures(sink.mode().flagValue(), ms, missing);
    } finally {
      watcher.stop();
      query.stop();
    }
  }

  /**
   * Sends one post with the term a second until its alert arrives: only then do the query's
   * tasks run (a long-running mode launches them seconds after the start, more on a loaded
   * machine), so the warm-up measures a running query, not its start.
   */
  private void awaitFirstAlert(StreamingQuery query, String topic, Map<String, Long> seenAt) {
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    for (int n = 1; query.isActive() && System.nanoTime() < deadline; n++) {
      String id = "ready-" + n;
      Post ready = new Post(io.trendstream.post.TwitterTime.format(java.time.Instant.now()),
          -n, id, "ready " + TERM, 0, 0, false, false, "en");
      PostSource one = new PostSource() {
        private boolean sent;

        @Override
        public Post next() {
          if (sent) {
            return null;
          }
          sent = true;
          return ready;
        }

        @Override
        public String describe() {
          return "one ready post";
        }
      };
      new PostProducer(probeProducer(), one,
          new PostProducer.Options(topic, 0, 1), s -> {}).run();
      long until = System.nanoTime() + 1_000_000_000L;
      while (System.nanoTime() < until) {
        if (seenAt.keySet().stream().anyMatch(k -> k.startsWith("ready-"))) {
          return;
        }
        LockSupport.parkNanos(10_000_000L);
      }
    }
    throw new IllegalStateException("the alert query sent no alert within 120 s"
        + (query.exception().isDefined() ? ": " + query.exception().get().getMessage() : ""));
  }

  /** The report's {@code alert_latency_ms}: mode → rate → {p50, p90, p99, max, ...}. */
  public static ObjectNode json(Map<Mode, Map<String, Figures>> figures) {
    ObjectNode root = new ObjectMapper().createObjectNode();
    figures.forEach((mode, byRate) -> {
      ObjectNode m = root.putObject(mode.flagValue());
      byRate.forEach((rate, f) -> {
        ObjectNode r = m.putObject(rate);
        r.put("p50", round1(f.percentile(50)));
        r.put("p90", round1(f.percentile(90)));
        r.put("p99", round1(f.percentile(99)));
        r.put("max", round1(f.percentile(100)));
        r.put("samples", f.latenciesMs().size());
        r.put("missing", f.missing());
        r.put("ran_as", f.ranAs());
      });
    });
    return root;
  }

  /**
   * {@code trendstream bench --only alerts}: its own broker and a Spark session that runs the
   * alert query alone, the figures as {@code {"alert_latency_ms": ..}} in {@code json}.
   */
  public static Map<Mode, Map<String, Figures>> runAlone(String master,
      Map<String, String> sparkConf, List<Double> rates, Duration warmup, Duration duration,
      long seed, Path workDir, Path json, PrintWriter log) throws Exception {
    Path work = workDir != null ? Files.createDirectories(workDir)
        : Files.createTempDirectory("trendstream-bench-alerts");
    Map<String, String> conf = new LinkedHashMap<>(Bench.SPARK_DEFAULTS);
    conf.putAll(sparkConf);
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(work.resolve("kafka"), 0)) {
      broker.start();
      SparkSession spark = SparkSessions.create(master, conf);
      String topic = "bench-alerts-in-" + System.currentTimeMillis();
      broker.createTopic(topic, BenchSettings.DEFAULT_PARTITIONS, (short) 1);
      Map<Mode, Map<String, Figures>> figures =
          new AlertLatency(spark, broker.bootstrapServers(), work, log)
              .run(topic, rates, warmup, duration, seed);
      if (json != null) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.set("alert_latency_ms", json(figures));
        root.put("master", master);
        root.put("partitions", BenchSettings.DEFAULT_PARTITIONS);
        root.put("warmup_s", warmup.toSeconds());
        root.put("duration_s", duration.toSeconds());
        root.put("cores", Runtime.getRuntime().availableProcessors());
        Path parent = json.toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .writeValue(json.toFile(), root);
      }
      spark.stop();
      return figures;
    } finally {
      if (workDir == null) {
        Dirs.deleteQuietly(work);
      }
    }
  }

  /** The figures as a table, one row per mode and rate. */
  public static String table(Map<Mode, Map<String, Figures>> figures) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "%-12s %-12s %8s %8s %8s %8s %8s %8s%n", "alerts", "ran as", "posts/s", "p50 ms",
        "p90 ms", "p99 ms", "max ms", "missing"));
    figures.forEach((mode, byRate) -> byRate.forEach((rate, f) -> b.append(String.format(
        Locale.ROOT, "%-12s %-12s %8s %8.1f %8.1f %8.1f %8.1f %8d%n", mode.flagValue(),
        f.ranAs(), rate, f.percentile(50), f.percentile(90), f.percentile(99),
        f.percentile(100), f.missing()))));
    return b.toString();
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  private void log(String line) {
    log.println(line);
    log.flush();
  }

  /** Reads the alerts topic as it is written and notes when each post's alert arrived. */
  private final class Watcher implements Runnable {
    private final String topic;
    private final Map<String, Long> seenAt;
    private final Thread thread = DaemonThreads.create("bench-alert-watcher", this);
    private volatile boolean running = true;
    private final KafkaConsumer<String, String> consumer;

    Watcher(String topic, Map<String, Long> seenAt) {
      this.topic = topic;
      this.seenAt = seenAt;
      Properties p = new Properties();
      p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      // A fetch returns as soon as one byte is there: the wait would be part of every sample.
      p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 1);
      p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
      consumer = new KafkaConsumer<>(p);
    }

    void start() {
      // The alert sink created the topic with its partitions before the query started.
      List<TopicPartition> parts = new ArrayList<>();
      consumer.partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      thread.start();
    }

    void stop() throws InterruptedException {
      running = false;
      if (thread.isAlive()) {
        thread.join(5_000);
      } else {
        consumer.close();
      }
    }

    @Override
    public void run() {
      try {
        while (running) {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(50))) {
            seenAt.putIfAbsent(r.key(), System.nanoTime());
          }
        }
      } finally {
        consumer.close();
      }
    }
  }
}
