package io.trendstream.testing;

import java.time.Duration;

import java.nio.file.Path;

import io.trendstream.pipeline.StreamConfig;

import io.trendstream.pipeline.SparkSessions;
import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import io.trendstream.post.TwitterTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.runtime.MemoryStream;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One real local SparkSession for the whole test JVM (start-up is paid once), plus helpers to
 * feed Kafka-shaped records ({@code value}, {@code timestamp}) through a memory stream.
 */
public final class SparkTestSupport {
  private static final AtomicInteger IDS = new AtomicInteger();
  private static SparkSession spark;

  private SparkTestSupport() {}

  public static synchronized SparkSession spark() {
    if (spark == null) {
      spark = SparkSessions.create("local[2]", Map.of(
          "spark.ui.enabled", "false",
          "spark.sql.shuffle.partitions", "2"));
    }
    // Tests run on threads of their own (the suite's timeouts): the session must be the active
    // one there too, or Spark reads the defaults (java.sql.Timestamp instead of Instant).
    SparkSession.setActiveSession(spark);
    SparkSession.setDefaultSession(spark);
    return spark;
  }

  /** A unique name per test, for query names and temp views. */
  public static String unique(String prefix) {
    return prefix + "_" + IDS.incrementAndGet() + "_";
  }

  /**
   * A job's settings for a source that is one memory stream: every query runs back to back.
   * One MemoryStream read by queries at different paces fails ("Offsets committed out of
   * order"), as each query's commit trims the data the others still read; Kafka has no such
   * limit, so the Kafka-based tests keep the job's own side trigger.
   */
  public static StreamConfig memoryJobConfig(Path dataDir, String queryPrefix) {
    StreamConfig config = new StreamConfig();
    config.dataDir = dataDir;
    config.queryNamePrefix = unique(queryPrefix);
    config.sideTrigger = Duration.ZERO;
    return config;
  }

  /** A stream of (value, timestamp) pairs shaped like Spark's Kafka source. */
  public static final class KafkaLikeStream {
    public final MemoryStream<Tuple2<String, Instant>> stream = MemoryStream.apply(
        Encoders.tuple(Encoders.STRING(), Encoders.INSTANT()), spark());

    public org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> records() {
      return stream.toDF().toDF("value", "timestamp");
    }

    public void add(List<String> values, Instant kafkaTime) {
      stream.addData(CollectionConverters.asScala(
          values.stream().map(v -> new Tuple2<>(v, kafkaTime)).toList()).toSeq());
    }
  }

  /** A post's JSON with created_at at the given instant. */
  public static String post(long id, Instant createdAt, String text) {
    return PostJson.toJson(Post.of(TwitterTime.format(createdAt), id, text, "en"));
  }
}
