package io.trendstream.bench;

import io.trendstream.source.Vocabulary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link Bench} runs and how big. Defaults are the issue's: 1,000,000 posts, one warm-up
 * and three timed runs per engine, latency at 5,000 posts/s for 60 s after 15 s of warm-up, a
 * topic of 2 partitions read by {@code local[2]} with 2 shuffle partitions (2 cores here).
 *
 * @param posts posts preloaded into the throughput topic
 * @param warmups untimed runs per engine before the timed ones (their counts are still checked)
 * @param runs timed runs per engine; the report gives min/median/max
 * @param latencyRate posts/s the producer sends during the latency phase
 * @param latencyWarmup probes sent before this are not counted
 * @param latencyDuration how long probes are counted, after the warm-up
 * @param partitions partitions of every bench topic
 * @param engines the throughput rows to measure
 * @param latency run the latency phase
 * @param coldStart run the cold-start phase (a child JVM)
 * @param state run the windowed state-over-time phase
 * @param master Spark master of this JVM and of the cold-start child
 * @param sparkConf Spark settings on top of {@link Bench#SPARK_DEFAULTS}
 * @param workDir broker log, checkpoints and state dirs; null = a temp dir removed at the end
 * @param feeds the synthetic vocabularies the throughput phase runs on, each in a topic of its
 *     own: {@link #VOCABULARY} with {@code posts} posts, the others with {@code feedPosts}
 * @param feedPosts posts of each feed other than {@link #VOCABULARY}, which also get one
 *     warm-up fewer ({@link #warmups(Vocabulary)}): their vocabularies make the reference and
 *     every engine's result much larger
 * @param flinkCheckpointInterval how often the Flink engines take exactly-once checkpoints
 */
public record BenchSettings(
    long posts,
    int warmups,
    int runs,
    double latencyRate,
    Duration latencyWarmup,
    Duration latencyDuration,
    int partitions,
    long seed,
    List<Engine> engines,
    boolean latency,
    boolean coldStart,
    boolean state,
    String master,
    Map<String, String> sparkConf,
    Path workDir,
    List<Vocabulary> feeds,
    long feedPosts,
    Duration flinkCheckpointInterval) {

  public static final long DEFAULT_POSTS = 1_000_000;
  public static final long QUICK_POSTS = 50_000;
  /** Two: after one, C2 was still compiling Spark's generated code (run 1 ran ~30% slower). */
  public static final int DEFAULT_WARMUPS = 2;
  public static final int DEFAULT_RUNS = 3;
  public static final int QUICK_WARMUPS = 1;
  public static final int QUICK_RUNS = 1;
  public static final double DEFAULT_LATENCY_RATE = 5_000;
  // The latency phase's lengths in whole seconds too: --help texts need compile-time constants.
  public static final int DEFAULT_LATENCY_WARMUP_S = 15;
  public static final int DEFAULT_LATENCY_DURATION_S = 60;
  public static final int QUICK_LATENCY_WARMUP_S = 3;
  public static final int QUICK_LATENCY_DURATION_S = 10;
  public static final Duration DEFAULT_LATENCY_WARMUP =
      Duration.ofSeconds(DEFAULT_LATENCY_WARMUP_S);
  public static final Duration DEFAULT_LATENCY_DURATION =
      Duration.ofSeconds(DEFAULT_LATENCY_DURATION_S);
  public static final Duration QUICK_LATENCY_WARMUP = Duration.ofSeconds(QUICK_LATENCY_WARMUP_S);
  public static final Duration QUICK_LATENCY_DURATION =
      Duration.ofSeconds(QUICK_LATENCY_DURATION_S);
  /** One per core of the 2-core machine the targets are set for. */
  public static final int DEFAULT_PARTITIONS = 2;
  public static final long DEFAULT_SEED = 42;
  /**
   * The synthetic feed of the preload, reference and latency phases: the small, fixed word set
   * their figures in docs/benchmarks.md were measured with, so runs stay comparable. The
   * cold-start phase runs the demo as a user does, with the demo's default vocabulary.
   */
  public static final Vocabulary VOCABULARY = Vocabulary.SMALL;
  public static final String DEFAULT_MASTER = "local[2]";
  /** Today's feed first (its figures stay comparable), then the long tails of issue 10. */
  public static final List<Vocabulary> DEFAULT_FEEDS =
      List.of(Vocabulary.SMALL, Vocabulary.REALISTIC, Vocabulary.STRESS);
  /**
   * A quarter of the small feed's: the realistic and stress results hold 10² to 10³ times more
   * keys, and three feeds at 1 M posts each would triple a full run on 2 cores.
   */
  public static final long DEFAULT_FEED_POSTS = 250_000;
  public static final long QUICK_FEED_POSTS = 5_000;
  /**
   * The live job's micro-batches take about 0.5-1 s here (docs/benchmarks.md, latency phase),
   * each one a state checkpoint: Flink snapshots its state as often.
   */
  public static final int DEFAULT_FLINK_CHECKPOINT_MS = 1000;

  public BenchSettings {
    if (posts < 1) {
      throw new IllegalArgumentException("posts must be >= 1, got " + posts);
    }
    if (warmups < 0 || runs < 1) {
      throw new IllegalArgumentException("need warmups >= 0 and runs >= 1");
    }
    if (!(latencyRate > 0)) {
      throw new IllegalArgumentException("latency rate must be > 0, got " + latencyRate);
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    Objects.requireNonNull(latencyWarmup, "latencyWarmup");
    Objects.requireNonNull(latencyDuration, "latencyDuration");
    engines = List.copyOf(engines);
    sparkConf = Map.copyOf(sparkConf);
    Objects.requireNonNull(master, "master");
    feeds = List.copyOf(feeds);
    if (feeds.isEmpty()) {
      throw new IllegalArgumentException("need at least one feed");
    }
    if (feedPosts < 1) {
      throw new IllegalArgumentException("feed posts must be >= 1, got " + feedPosts);
    }
    if (flinkCheckpointInterval.isNegative() || flinkCheckpointInterval.isZero()) {
      throw new IllegalArgumentException("the Flink checkpoint interval must be > 0");
    }
  }

  /** Posts preloaded for a feed. */
  public long posts(Vocabulary feed) {
    return feed == VOCABULARY ? posts : feedPosts;
  }

  /**
   * Warm-ups for a feed: one fewer beyond {@link #VOCABULARY}, which runs first, so every
   * engine's JVM has compiled its code by then; the new vocabulary's first run is still a
   * warm-up wherever there was more than one.
   */
  public int warmups(Vocabulary feed) {
    return feed == VOCABULARY ? warmups : Math.max(0, warmups - 1);
  }

  /** The full benchmark. */
  public static BenchSettings defaults() {
    return new BenchSettings(DEFAULT_POSTS, DEFAULT_WARMUPS, DEFAULT_RUNS, DEFAULT_LATENCY_RATE,
        DEFAULT_LATENCY_WARMUP, DEFAULT_LATENCY_DURATION, DEFAULT_PARTITIONS, DEFAULT_SEED,
        List.of(Engine.values()), true, true, true, DEFAULT_MASTER, Map.of(), null,
        DEFAULT_FEEDS, DEFAULT_FEED_POSTS, Duration.ofMillis(DEFAULT_FLINK_CHECKPOINT_MS));
  }

  /** The small version: every phase, fewer posts, one timed run, a short latency phase. */
  public static BenchSettings quick() {
    return new BenchSettings(QUICK_POSTS, QUICK_WARMUPS, QUICK_RUNS, DEFAULT_LATENCY_RATE,
        QUICK_LATENCY_WARMUP, QUICK_LATENCY_DURATION, DEFAULT_PARTITIONS, DEFAULT_SEED,
        List.of(Engine.values()), true, true, true, DEFAULT_MASTER, Map.of(), null,
        DEFAULT_FEEDS, QUICK_FEED_POSTS, Duration.ofMillis(DEFAULT_FLINK_CHECKPOINT_MS));
  }

  public BenchSettings withPosts(long n) {
    return new BenchSettings(n, warmups, runs, latencyRate, latencyWarmup, latencyDuration,
        partitions, seed, engines, latency, coldStart, state, master, sparkConf, workDir,
        feeds, feedPosts, flinkCheckpointInterval);
  }

  public BenchSettings withRuns(int newWarmups, int newRuns) {
    return new BenchSettings(posts, newWarmups, newRuns, latencyRate, latencyWarmup,
        latencyDuration, partitions, seed, engines, latency, coldStart, state, master, sparkConf,
        workDir,
        feeds, feedPosts, flinkCheckpointInterval);
  }

  public BenchSettings withLatency(double rate, Duration warmup, Duration duration) {
    return new BenchSettings(posts, warmups, runs, rate, warmup, duration, partitions, seed,
        engines, latency, coldStart, state, master, sparkConf, workDir,
        feeds, feedPosts, flinkCheckpointInterval);
  }

  public BenchSettings withEngines(List<Engine> list) {
    return new BenchSettings(posts, warmups, runs, latencyRate, latencyWarmup, latencyDuration,
        partitions, seed, list, latency, coldStart, state, master, sparkConf, workDir,
        feeds, feedPosts, flinkCheckpointInterval);
  }

  public BenchSettings withPhases(boolean runLatency, boolean runColdStart, boolean runState) {
    return new BenchSettings(posts, warmups, runs, latencyRate, latencyWarmup, latencyDuration,
        partitions, seed, engines, runLatency, runColdStart, runState, master, sparkConf,
        workDir,
        feeds, feedPosts, flinkCheckpointInterval);
  }

  public BenchSettings withSpark(String newMaster, Map<String, String> conf) {
    return new BenchSettings(posts, warmups, runs, latencyRate, latencyWarmup, latencyDuration,
        partitions, seed, engines, latency, coldStart, state, newMaster, conf, workDir,
        feeds, feedPosts, flinkCheckpointInterval);
  }

  public BenchSettings withSeed(long newSeed) {
    return new BenchSettings(posts, warmups, runs, latencyRate, latencyWarmup, latencyDuration,
        partitions, newSeed, engines, latency, coldStart, state, master, sparkConf, workDir,
        feeds, feedPosts, flinkCheckpointInterval);
  }

  public BenchSettings withWorkDir(Path dir) {
    return new BenchSettings(posts, warmups, runs, latencyRate, latencyWarmup, latencyDuration,
        partitions, seed, engines, latency, coldStart, state, master, sparkConf, dir,
        feeds, feedPosts, flinkCheckpointInterval);
  }

  public BenchSettings withFeeds(List<Vocabulary> list, long postsPerFeed) {
    return new BenchSettings(posts, warmups, runs, latencyRate, latencyWarmup, latencyDuration,
        partitions, seed, engines, latency, coldStart, state, master, sparkConf, workDir, list,
        postsPerFeed, flinkCheckpointInterval);
  }

  public BenchSettings withFlinkCheckpointInterval(Duration interval) {
    return new BenchSettings(posts, warmups, runs, latencyRate, latencyWarmup, latencyDuration,
        partitions, seed, engines, latency, coldStart, state, master, sparkConf, workDir, feeds,
        feedPosts, interval);
  }
}
