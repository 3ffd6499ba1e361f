package io.trendstream.pipeline;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * Adds up each query run's malformed input records from the {@value TrendQueries#INPUT_METRICS}
 * metrics of its progress events, and hands each event on to the job's per-batch observers.
 * Input: Spark's progress events. Output: a total per query run since it started in this
 * process (the dead-letter topic is the durable record).
 */
final class InputTotals extends StreamingQueryListener {
  private final Map<UUID, LongAdder> malformed = new ConcurrentHashMap<>();
  private final Consumer<StreamingQueryProgress> onBatch;

  /**
   * @param onBatch also told of every progress event (the job's metrics and group offsets), on
   *     Spark's listener bus: it must be quick and must not throw
   */
  InputTotals(Consumer<StreamingQueryProgress> onBatch) {
    this.onBatch = onBatch;
  }

  /** Malformed records in the batches of this run so far; -1 when it reported none yet. */
  long malformed(UUID runId) {
    LongAdder total = malformed.get(runId);
    return total == null ? -1 : total.sum();
  }

  /** This batch's malformed records, -1 when the query does not observe its input. */
  static long malformed(StreamingQueryProgress p) {
    Row metrics = p.observedMetrics().get(TrendQueries.INPUT_METRICS);
    return metrics == null ? -1 : metrics.getLong(metrics.fieldIndex(TrendQueries.MALFORMED));
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    long n = malformed(event.progress());
    if (n >= 0) {
      malformed.computeIfAbsent(event.progress().runId(), id -> new LongAdder()).add(n);
    }
    onBatch.accept(event.progress());
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryIdle(QueryIdleEvent event) {}

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}
}
