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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.Schedulable;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The count queries' Spark jobs go to the counts pool, which takes free cores first; every
 * other query's (the tweets table, durable sinks) to the side pool.
 */
@IntegrationTest
class SchedulingTest {
  /** Spark's local property naming the streaming query a job belongs to. */
  private static final String QUERY_ID = "sql.streaming.queryId";

  @TempDir Path dataDir;

  @Test
  void poolsGiveTheCountsTheFirstFreeCore() {
    Schedulable counts = spark().sparkContext().getPoolForName(StreamingJob.COUNTS_POOL).get();
    Schedulable side = spark().sparkContext().getPoolForName(StreamingJob.SIDE_POOL).get();
    assertThat(counts.minShare()).isEqualTo(2);
    assertThat(counts.weight()).isGreaterThan(side.weight());
    assertThat(side.minShare()).isZero();
  }

  @Test
  void eachQueryRunsItsJobsInItsPool() throws Exception {
    Map<String, Set<String>> poolsByQuery = new ConcurrentHashMap<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        var p = start.properties();
        if (p != null && p.getProperty(QUERY_ID) != null) {
          poolsByQuery.computeIfAbsent(p.getProperty(QUERY_ID), k -> ConcurrentHashMap.newKeySet())
              .add(String.valueOf(p.getProperty("spark.scheduler.pool")));
        }
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
      Await.until("a job of every query", Duration.ofSeconds(30), () -> job.queries().stream()
          .allMatch(q -> poolsByQuery.containsKey(q.id().toString())));
      for (StreamingQuery q : job.queries()) {
        boolean count = q.name().endsWith(StreamingJob.WORD_COUNTS)
            || q.name().endsWith(StreamingJob.WINDOWED_WORD_COUNTS);
        assertThat(poolsByQuery.get(q.id().toString())).as(q.name())
            .containsExactly(count ? StreamingJob.COUNTS_POOL : StreamingJob.SIDE_POOL);
      }
    } finally {
      spark().sparkContext().removeSparkListener(listener);
    }
  }
}
