package io.trendstream.pipeline;

import static io.trendstream.testing.SparkTestSupport.post;
import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.pipeline.sink.ParquetPostSink;
import io.trendstream.testing.Await;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.SparkTestSupport;
import io.trendstream.testing.SparkTestSupport.KafkaLikeStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The count queries' Spark jobs go to the counts pool, which takes free cores first; every
 * other query's (the tweets table, durable sinks) to the side pool. Observed, not read from the
 * settings: a listener records the pool each query's jobs and stages ran in, and the order in
 * which the scheduler starts tasks of both pools when they compete for the cores.
 */
@IntegrationTest
class SchedulingTest {
  /** Spark's local property naming the streaming query a job belongs to. */
  private static final String QUERY_ID = "sql.streaming.queryId";
  private static final String POOL = "spark.scheduler.pool";
  /** This test's own local property: which of its jobs a stage belongs to. */
  private static final String ROLE = "trendstream.test.role";
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** Tasks of the blocking job wait on this; static, as tasks run in this JVM (local mode). */
  private static volatile CountDownLatch release;
  private static final AtomicInteger BLOCKING = new AtomicInteger();

  @TempDir Path dataDir;

  @Test
  void eachQueryRunsItsJobsAndStagesInItsPool() throws Exception {
    Map<String, Set<String>> jobPools = new ConcurrentHashMap<>();
    Map<String, Set<String>> stagePools = new ConcurrentHashMap<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        record(jobPools, start.properties());
      }

      @Override
      public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
        record(stagePools, submitted.properties());
      }
    };
    spark().sparkContext().addSparkListener(listener);
    KafkaLikeStream in = new KafkaLikeStream();
    StreamConfig config = SparkTestSupport.memoryJobConfig(dataDir, "pools");
    config.sinks.add(new ParquetPostSink(dataDir.resolve("parquet")));
    Instant t0 = Instant.parse("2026-11-24T10:00:00Z");
    try (StreamingJob job = new StreamingJob(spark(), config, s -> in.records(),
        ResultSink.memory())) {
      job.start();
      in.add(List.of(post(1, t0, "kafka spark"), post(2, t0, "spark")), t0);
      for (StreamingQuery q : job.queries()) {
        q.processAllAvailable();
      }
      assertThat(job.queries()).hasSize(4);
      // Listener events arrive on Spark's listener bus, after the batches.
      Await.until("a job and a stage of every query", Duration.ofSeconds(30),
          () -> job.queries().stream().allMatch(q -> jobPools.containsKey(q.id().toString())
              && stagePools.containsKey(q.id().toString())));
      for (StreamingQuery q : job.queries()) {
        boolean count = q.name().endsWith(StreamingJob.WORD_COUNTS)
            || q.name().endsWith(StreamingJob.WINDOWED_WORD_COUNTS);
        String pool = count ? StreamingJob.COUNTS_POOL : StreamingJob.SIDE_POOL;
        assertThat(jobPools.get(q.id().toString())).as("pools of %s's jobs", q.name())
            .containsExactly(pool);
        assertThat(stagePools.get(q.id().toString())).as("pools of %s's stages", q.name())
            .containsExactly(pool);
      }
    } finally {
      spark().sparkContext().removeSparkListener(listener);
    }
  }

  private static void record(Map<String, Set<String>> pools, Properties p) {
    if (p != null && p.getProperty(QUERY_ID) != null) {
      pools.computeIfAbsent(p.getProperty(QUERY_ID), k -> ConcurrentHashMap.newKeySet())
          .add(String.valueOf(p.getProperty(POOL)));
    }
  }

  /**
   * The pools SparkSessions sets up, under contention: every core is busy, a side-pool job
   * queues its tasks, then a counts-pool job queues as many. When the cores free up, the
   * scheduler must start every counts task before any of the side tasks that waited longer
   * (in one pool the two jobs take turns, as tried; under FIFO the side tasks would go first).
   */
  @Test
  void underContentionTheCountsPoolStartsItsTasksFirst() throws Exception {
    SparkContext sc = spark().sparkContext();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    int cores = sc.defaultParallelism();
    int tasks = 3 * cores;
    Map<Integer, String> roleOfStage = new ConcurrentHashMap<>();
    List<String> started = new CopyOnWriteArrayList<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
        Properties p = submitted.properties();
        if (p != null && p.getProperty(ROLE) != null) {
          roleOfStage.put(submitted.stageInfo().stageId(), p.getProperty(ROLE));
        }
      }

      @Override
      public void onTaskStart(SparkListenerTaskStart start) {
        String role = roleOfStage.get(start.stageId());
        if (role != null) {
          started.add(role);
        }
      }
    };
    release = new CountDownLatch(1);
    BLOCKING.set(0);
    sc.addSparkListener(listener);
    try {
      JavaFutureAction<Void> blocking = submit(jsc, "blocking", StreamingJob.SIDE_POOL, cores,
          i -> {
            BLOCKING.incrementAndGet();
            release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
          });
      Await.until("every core busy", WAIT, () -> BLOCKING.get() == cores);
      JavaFutureAction<Void> side = submit(jsc, "side", StreamingJob.SIDE_POOL, tasks, i -> {});
      // Queued means in the scheduler's pool: the stage is submitted a moment before that.
      Await.until("the side tasks queued", WAIT, () -> taskSets(sc, StreamingJob.SIDE_POOL) == 2);
      JavaFutureAction<Void> counts =
          submit(jsc, "counts", StreamingJob.COUNTS_POOL, tasks, i -> {});
      Await.until("the counts tasks queued", WAIT,
          () -> taskSets(sc, StreamingJob.COUNTS_POOL) == 1);
      assertThat(started).as("started while every core was busy").containsOnly("blocking");

      release.countDown();
      for (JavaFutureAction<Void> job : List.of(blocking, side, counts)) {
        job.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      }
      Await.until("every task start on the listener bus", WAIT,
          () -> started.size() == cores + 2 * tasks);
      List<String> expected = new ArrayList<>(Collections.nCopies(tasks, "counts"));
      expected.addAll(Collections.nCopies(tasks, "side"));
      assertThat(started.subList(cores, started.size()))
          .as("pools of the tasks in the order they started").isEqualTo(expected);
    } finally {
      release.countDown();
      sc.removeSparkListener(listener);
      sc.setLocalProperty(ROLE, null);
      sc.setLocalProperty(POOL, null);
    }
  }

  /** Task sets (stages' pending tasks) the FAIR scheduler holds in the pool. */
  private static int taskSets(SparkContext sc, String pool) {
    return sc.getPoolForName(pool).get().schedulableQueue().size();
  }

  /** A job of {@code n} tasks in {@code pool}, submitted now, running {@code task} on each. */
  private static JavaFutureAction<Void> submit(JavaSparkContext jsc, String role, String pool,
      int n, VoidFunction<Integer> task) {
    jsc.setLocalProperty(ROLE, role);
    jsc.setLocalProperty(POOL, pool);
    return jsc.parallelize(IntStream.range(0, n).boxed().toList(), n).foreachAsync(task);
  }
}
