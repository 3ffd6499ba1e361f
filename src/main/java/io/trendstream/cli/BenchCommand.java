package io.trendstream.cli;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.trendstream.bench.AlertLatency;
import io.trendstream.bench.Bench;
import io.trendstream.bench.BenchReport;
import io.trendstream.bench.BenchSettings;
import io.trendstream.bench.Engine;
import io.trendstream.common.UserError;
import io.trendstream.source.Vocabulary;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trendstream bench}: Trendstream against Flink, Kafka Streams and a hand-written
 * consumer on the embedded broker (see {@link Bench}). Input: flags. Output: progress on stderr, the table
 * on stdout, optionally the JSON report ({@code --json FILE}). Exit 1 with one line when an
 * engine's counts differ from the reference.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    subcommands = {BenchServingCommand.class, BenchTrendingCommand.class},
    description = {
        "Benchmark: preload posts into the embedded broker, time Trendstream's word counts, "
            + "Flink, Kafka Streams and a hand-written consumer over them on three "
            + "vocabularies (counts must agree), then latency at a fixed rate, memory, and "
            + "cold start.",
        "Takes 15-20 minutes at the defaults; --quick runs a small version in a few "
            + "minutes. Use an otherwise idle machine."})
public final class BenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--quick",
      description = "Small version: " + BenchSettings.QUICK_POSTS + " posts, "
          + BenchSettings.QUICK_WARMUPS + " warm-up and " + BenchSettings.QUICK_RUNS + " run, "
          + BenchSettings.QUICK_LATENCY_DURATION_S + " s of latency. Checks correctness; its "
          + "speeds mean little.")
  boolean quick;

  @Option(names = "--posts", paramLabel = "N",
      description = "Posts to preload (default: " + BenchSettings.DEFAULT_POSTS + "; --quick: "
          + BenchSettings.QUICK_POSTS + ").")
  Long posts;

  @Option(names = "--runs", paramLabel = "N",
      description = "Timed runs per engine (default: " + BenchSettings.DEFAULT_RUNS
          + "; --quick: " + BenchSettings.QUICK_RUNS + ").")
  Integer runs;

  @Option(names = "--warmups", paramLabel = "N",
      description = "Untimed warm-up runs per engine (default: "
          + BenchSettings.DEFAULT_WARMUPS + "; --quick: " + BenchSettings.QUICK_WARMUPS + ").")
  Integer warmups;

  @Option(names = "--engines", paramLabel = "LIST",
      description = "Comma-separated throughput rows to run (default: all): "
          + "trendstream_running, trendstream_running_whitespace, trendstream_windowed, "
          + "kafka_streams, kafka_streams_whitespace, baseline_1thread, "
          + "baseline_1thread_whitespace, baseline_per_partition, flink_running, "
          + "flink_running_rocksdb, flink_windowed, flink_windowed_rocksdb. Kafka Streams and "
          + "Flink run in a JVM of their own and need a source build.")
  String engines;

  @Option(names = "--feeds", paramLabel = "LIST", split = ",",
      description = "Synthetic vocabularies the throughput engines run on, each in its own "
          + "topic (default: small,realistic,stress): small is today's feed of 2,507 words "
          + "with --posts posts, the others get --feed-posts.")
  List<String> feeds;

  @Option(names = "--feed-posts", paramLabel = "N",
      description = "Posts of each feed other than small (default: "
          + BenchSettings.DEFAULT_FEED_POSTS + "; --quick: " + BenchSettings.QUICK_FEED_POSTS
          + "); they get one warm-up fewer than --warmups.")
  Long feedPosts;

  @Option(names = "--flink-checkpoint-ms", paramLabel = "MS",
      description = "Exactly-once checkpoint interval of the Flink engines (default: "
          + BenchSettings.DEFAULT_FLINK_CHECKPOINT_MS + ", about the live job's batch time).")
  Long flinkCheckpointMs;

  @Option(names = "--rate", paramLabel = "POSTS_PER_S",
      description = "Producer rate of the latency phase (default: "
          + (long) BenchSettings.DEFAULT_LATENCY_RATE + ").")
  Double rate;

  @Option(names = "--latency-seconds", paramLabel = "S",
      description = "Measured seconds of the latency phase (default: "
          + BenchSettings.DEFAULT_LATENCY_DURATION_S + "; --quick: "
          + BenchSettings.QUICK_LATENCY_DURATION_S + ").")
  Integer latencySeconds;

  @Option(names = "--latency-warmup-seconds", paramLabel = "S",
      description = "Unmeasured seconds before it (default: "
          + BenchSettings.DEFAULT_LATENCY_WARMUP_S + "; --quick: "
          + BenchSettings.QUICK_LATENCY_WARMUP_S + ").")
  Integer latencyWarmupSeconds;

  @Option(names = "--no-latency", description = "Skip the latency phase.")
  boolean noLatency;

  @Option(names = "--no-cold-start", description = "Skip the cold-start phase (a new JVM).")
  boolean noColdStart;

  @Option(names = "--no-state", description = "Skip the windowed state-over-time phase.")
  boolean noState;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the synthetic posts "
      + "(default: " + BenchSettings.DEFAULT_SEED + ").")
  Long seed;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: " + BenchSettings.DEFAULT_MASTER + ").")
  String master;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "Any Spark setting, e.g. --conf spark.sql.shuffle.partitions=4 "
          + "(repeatable).")
  Map<String, String> sparkConf = new LinkedHashMap<>();

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Keep the broker log and checkpoints here (default: a temp dir, removed).")
  Path workDir;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the report as JSON.")
  Path json;

  @Option(names = "--only", paramLabel = "PHASE",
      description = "Run one phase alone: alerts (the --watch path's latency in real-time, "
          + "continuous and micro-batch mode at each --alert-rates, the alert query alone in "
          + "Spark, JSON alert_latency_ms).")
  String only;

  @Option(names = "--alert-rates", paramLabel = "LIST", split = ",",
      description = "Posts/s of the alert latency phase (default: 1000,5000).")
  List<Double> alertRates;
  @Option(names = "--metrics", paramLabel = "on|off", defaultValue = "on",
      description = "Run the Spark queries with the job's per-batch metrics and consumer-group "
          + "commits, scraped every second, as the job runs (default: ${DEFAULT-VALUE}); "
          + "compare on and off to see what metrics cost.")
  String metrics;

  @Override
  public Integer call() throws Exception {
    BenchSettings s = settings();
    metricsOn();  // a bad value fails before the benchmark starts
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (only != null) {
      var figures = AlertLatency.runAlone(s.master(), s.sparkConf(), alertRates(),
          s.latencyWarmup(), s.latencyDuration(), s.seed(), s.workDir(), json, err);
      out.println();
      out.print(AlertLatency.table(figures));
      out.flush();
      if (json != null) {
        err.println("bench: wrote " + json);
        err.flush();
      }
      return 0;
    }
    BenchReport report;
    try {
      Bench bench = new Bench(s, err, Main.class);
      if (metricsOn()) {
        bench.withMetrics(new PrometheusRegistry());
      }
      report = bench.run();
    } catch (Bench.CountMismatch e) {
      throw new UserError("benchmark failed: " + e.getMessage(), e);
    } catch (Bench.PeersUnavailable e) {
      throw new UserError("bench: " + e.getMessage(), e);
    }
    out.println();
    out.print(report.table());
    out.flush();
    if (json != null) {
      report.writeJson(json);
      err.println("bench: wrote " + json);
      err.flush();
    }
    return 0;
  }

  /** The rates of the alert phase, checked. */
  List<Double> alertRates() {
    List<Double> rates = alertRates == null || alertRates.isEmpty()
        ? AlertLatency.DEFAULT_RATES : alertRates;
    for (double r : rates) {
      if (!(r > 0) || Double.isInfinite(r)) {
        throw bad("--alert-rates: " + r + " is not > 0");
      }
    }
    return rates;
  }

  private boolean metricsOn() {
    return switch (metrics.toLowerCase(java.util.Locale.ROOT)) {
      case "on" -> true;
      case "off" -> false;
      default -> throw bad("--metrics takes on or off, not " + metrics);
    };
  }

  BenchSettings settings() {
    if (only != null && !only.equals("alerts")) {
      throw bad("--only " + only + ": the only phase that runs alone is alerts");
    }
    BenchSettings s = quick ? BenchSettings.quick() : BenchSettings.defaults();
    if (posts != null) {
      if (posts < 1) {
        throw bad("--posts " + posts + " is not >= 1");
      }
      s = s.withPosts(posts);
    }
    if (runs != null || warmups != null) {
      int r = runs != null ? runs : s.runs();
      int w = warmups != null ? warmups : s.warmups();
      if (r < 1 || w < 0) {
        throw bad("need --runs >= 1 and --warmups >= 0");
      }
      s = s.withRuns(w, r);
    }
    if (engines != null) {
      List<Engine> list;
      try {
        list = Engine.parseList(engines);
      } catch (IllegalArgumentException e) {
        throw bad("--engines: " + e.getMessage());
      }
      if (list.isEmpty()) {
        throw bad("--engines is empty");
      }
      s = s.withEngines(list);
    }
    if (rate != null || latencySeconds != null || latencyWarmupSeconds != null) {
      double r = rate != null ? rate : s.latencyRate();
      if (!(r > 0) || Double.isInfinite(r)) {
        throw bad("--rate " + r + " is not > 0");
      }
      int d = latencySeconds != null ? latencySeconds : (int) s.latencyDuration().toSeconds();
      int w = latencyWarmupSeconds != null
          ? latencyWarmupSeconds : (int) s.latencyWarmup().toSeconds();
      if (d < 1 || w < 0) {
        throw bad("need --latency-seconds >= 1 and --latency-warmup-seconds >= 0");
      }
      s = s.withLatency(r, Duration.ofSeconds(w), Duration.ofSeconds(d));
    }
    if (feeds != null || feedPosts != null) {
      List<Vocabulary> list = s.feeds();
      if (feeds != null) {
        try {
          list = feeds.stream().map(String::trim).filter(f -> !f.isEmpty())
              .map(Vocabulary::of).distinct().toList();
        } catch (IllegalArgumentException e) {
          throw bad("--feeds: " + e.getMessage());
        }
        if (list.isEmpty()) {
          throw bad("--feeds is empty");
        }
      }
      long n = feedPosts != null ? feedPosts : s.feedPosts();
      if (n < 1) {
        throw bad("--feed-posts " + n + " is not >= 1");
      }
      s = s.withFeeds(list, n);
    }
    if (flinkCheckpointMs != null) {
      if (flinkCheckpointMs < 1) {
        throw bad("--flink-checkpoint-ms " + flinkCheckpointMs + " is not >= 1");
      }
      s = s.withFlinkCheckpointInterval(Duration.ofMillis(flinkCheckpointMs));
    }
    s = s.withPhases(!noLatency, !noColdStart, !noState);
    if (seed != null) {
      s = s.withSeed(seed);
    }
    s = s.withSpark(master != null ? master : s.master(), sparkConf);
    if (workDir != null) {
      s = s.withWorkDir(workDir);
    }
    return s;
  }

  private ParameterException bad(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
