package io.trendstream.bench;

import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.pipeline.TrendQueries;
import io.trendstream.pipeline.Tokenizer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;

/**
 * Trendstream's own queries over a topic, run to the end with {@code Trigger.AvailableNow}.
 * Input: every record of the topic, through the job's Kafka source ({@link StreamingJob#kafka})
 * and the job's counting as it runs it into the store, one count at a time
 * ({@link StreamingJob#runningCountInput}, {@link StreamingJob#windowedCountInput}, counted per
 * Spark task). Output: the final result, kept by a
 * {@code foreachBatch} sink on the driver that adds each batch's counts up as the store does:
 * word counts, or windowed counts keyed {@link Reference#windowKey}; plus each batch's progress.
 */
public final class SparkWordCount {
  private static final AtomicInteger RUNS = new AtomicInteger();

  /** One batch's progress, for the state-over-time report. */
  public record BatchState(long batchId, long inputRows, long stateRows, long droppedRows,
      String watermark, int distinctPairsSoFar) {}

  /** A finished run: its counts and per-batch state figures. */
  public record Result(Map<String, Long> counts, List<BatchState> batches) {}

  private final SparkSession spark;
  private final StreamConfig base;
  private final Path checkpointRoot;

  /**
   * @param base the job's config (address, topic is replaced per run, tokenizer per run,
   *     window settings and source options as given)
   */
  public SparkWordCount(SparkSession spark, StreamConfig base, Path checkpointRoot) {
    this.spark = spark;
    this.base = base;
    this.checkpointRoot = checkpointRoot;
  }

  public Result running(String topic, Tokenizer tokenizer, Map<String, String> sourceOptions)
      throws TimeoutException, StreamingQueryException {
    StreamConfig c = config(topic, tokenizer, sourceOptions);
    // As the job runs it into the store: each batch's tokens, counted in the batch and added up
    // (here in a map on the driver, there by the store's upsert).
    Dataset<Row> tokens = StreamingJob.runningCountInput(StreamingJob.kafka(c).apply(spark), c);
    Map<String, Long> out = new java.util.concurrent.ConcurrentHashMap<>();
    StreamingQuery q = start(tokens, "running", OutputMode.Append(), (batch, id) -> {
      for (Row r : TrendQueries.partialWordCounts(batch).collectAsList()) {
        out.merge(r.getString(0), r.getLong(1), Long::sum);
      }
    });
    List<BatchState> batches = await(q, null);
    return new Result(out, batches);
  }

  /**
   * The windowed count as the job runs it into the store: each batch counted per window
   * ({@link TrendQueries#partialWindowedCounts}) and added up here, dropping windows that ended
   * by the watermark (the latest event time of the earlier batches minus the delay), as the
   * store does.
   */
  public Result windowed(String topic, Tokenizer tokenizer, Map<String, String> sourceOptions)
      throws TimeoutException, StreamingQueryException {
    StreamConfig c = config(topic, tokenizer, sourceOptions);
    Dataset<Row> input = StreamingJob.windowedCountInput(StreamingJob.kafka(c).apply(spark), c);
    java.time.Duration window = StreamConfig.duration(c.window);
    java.time.Duration slide = StreamConfig.duration(c.slide);
    long delay = StreamConfig.duration(c.watermark).toSeconds();
    Map<String, Long> table = new java.util.concurrent.ConcurrentHashMap<>();
    long[] maxEventTime = {Long.MIN_VALUE};
    StreamingQuery q = start(input, "windowed", OutputMode.Append(), (batch, id) -> {
      long before = maxEventTime[0];
      for (Row r : TrendQueries.partialWindowedCounts(batch, window, slide).collectAsList()) {
        if (r.get(4) != null) {
          maxEventTime[0] = Math.max(maxEventTime[0], epochSecond(r.get(4)));
        }
        if (r.get(2) != null
            && (before == Long.MIN_VALUE || epochSecond(r.get(1)) > before - delay)) {
          table.merge(Reference.windowKey(epochSecond(r.get(0)), r.getString(2)),
              r.getLong(3), Long::sum);
        }
      }
    });
    return new Result(table, await(q, null));
  }

  /**
   * Spark's own stateful windowed count ({@link StreamingJob#windowedWordCounts}, update mode),
   * as the durable count sinks run it: for the state-over-time phase.
   */
  public Result windowedInSparkState(String topic, Tokenizer tokenizer,
      Map<String, String> sourceOptions) throws TimeoutException, StreamingQueryException {
    StreamConfig c = config(topic, tokenizer, sourceOptions);
    Dataset<Row> counts = StreamingJob.windowedWordCounts(StreamingJob.kafka(c).apply(spark), c);
    Map<String, Long> table = new HashMap<>();
    Map<Long, Integer> sizes = new java.util.concurrent.ConcurrentHashMap<>();
    StreamingQuery q = start(counts, "windowed", OutputMode.Update(), (batch, id) -> {
      for (Row r : batch.collectAsList()) {
        table.put(Reference.windowKey(epochSecond(r.get(0)), r.getString(2)),
            r.getLong(3));
      }
      sizes.put(id, table.size());
    });
    List<BatchState> batches = await(q, sizes);
    return new Result(table, batches);
  }

  private StreamConfig config(String topic, Tokenizer tokenizer,
      Map<String, String> sourceOptions) {
    StreamConfig c = new StreamConfig();
    c.bootstrapServers = base.bootstrapServers;
    c.topic = topic;
    c.tokenizer = tokenizer;
    c.window = base.window;
    c.slide = base.slide;
    c.watermark = base.watermark;
    c.eventTime = base.eventTime;
    c.kafkaProperties.putAll(base.kafkaProperties);
    c.sourceOptions.putAll(base.sourceOptions);
    c.sourceOptions.putAll(sourceOptions);
    return c;
  }

  private StreamingQuery start(Dataset<Row> result, String what, OutputMode mode,
      VoidFunction2<Dataset<Row>, Long> sink) throws TimeoutException {
    String name = "bench_" + what + "_" + RUNS.incrementAndGet();
    return result.writeStream()
        .queryName(name)
        .outputMode(mode)
        .trigger(Trigger.AvailableNow())
        .option("checkpointLocation", checkpointRoot.resolve(name).toString())
        .foreachBatch(sink)
        .start();
  }

  /** Waits for the query to drain the topic and stop; returns its batches' state figures. */
  private List<BatchState> await(StreamingQuery q, Map<Long, Integer> sinkSizes)
      throws StreamingQueryException {
    try {
      q.awaitTermination();
    } finally {
      if (q.isActive()) {
        try {
          q.stop();
        } catch (TimeoutException e) {
          // Already failing; the original exception says more.
        }
      }
    }
    List<BatchState> out = new ArrayList<>();
    StreamingQueryProgress[] progress = q.recentProgress();
    for (StreamingQueryProgress p : progress) {
      long stateRows = 0;
      long dropped = 0;
      for (StateOperatorProgress s : p.stateOperators()) {
        stateRows += s.numRowsTotal();
        dropped += s.numRowsDroppedByWatermark();
      }
      int pairs = sinkSizes == null ? -1 : sinkSizes.getOrDefault(p.batchId(), -1);
      out.add(new BatchState(p.batchId(), p.numInputRows(), stateRows, dropped,
          p.eventTime().getOrDefault("watermark", ""), pairs));
    }
    Dirs.deleteQuietly(checkpointRoot.resolve(q.name()));
    return out;
  }

  /**
   * A window bound as Spark hands it out: an Instant, or a java.sql.Timestamp on a thread whose
   * session conf does not carry the java8 datetime setting.
   */
  private static long epochSecond(Object bound) {
    return bound instanceof Instant i ? i.getEpochSecond() : ((java.sql.Timestamp) bound)
        .toInstant().getEpochSecond();
  }
}
