package io.trendstream.pipeline;

import static io.trendstream.common.Messages.firstLine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * The status of the job's streaming queries as plain values, for the HTTP API and dashboard
 * (which never see Spark types). Input: the running {@link StreamingQuery}s. Output: one
 * {@link QueryStatus} per query with a bounded history of {@link Progress}.
 */
public final class JobStatus {
  /** Batches of history kept per query, for the throughput chart. */
  static final int HISTORY = 60;

  private final Supplier<List<StreamingQuery>> queries;
  private final ToLongFunction<StreamingQuery> malformedTotal;

  /** Over the job's queries, with their malformed-record totals. */
  public JobStatus(StreamingJob job) {
    this(job::queries, job::malformedTotal);
  }

  public JobStatus(Supplier<List<StreamingQuery>> queries) {
    this(queries, q -> -1);
  }

  private JobStatus(
      Supplier<List<StreamingQuery>> queries, ToLongFunction<StreamingQuery> malformedTotal) {
    this.queries = queries;
    this.malformedTotal = malformedTotal;
  }

  /**
   * A streaming query's state.
   *
   * @param status e.g. {@code ACTIVE}, {@code STOPPED}, {@code FAILED}
   * @param error the failure message when {@code status} is {@code FAILED}, else null
   * @param lastProgress null before the first batch completes
   * @param recentProgress oldest first, a bounded history for throughput charts
   * @param malformedTotal input records that were not posts since the query started in this
   *     process, -1 when not tracked
   */
  public record QueryStatus(
      String name,
      String status,
      String error,
      Progress lastProgress,
      List<Progress> recentProgress,
      long malformedTotal) {

    /** Status without a malformed total. */
    public QueryStatus(String name, String status, String error, Progress lastProgress,
        List<Progress> recentProgress) {
      this(name, status, error, lastProgress, recentProgress, -1);
    }
  }

  /**
   * One micro-batch's progress.
   *
   * @param timestamp ISO-8601 start of the batch
   * @param inputRowsPerSecond NaN before any input (Spark's value), as processedRowsPerSecond
   * @param malformed input records that were not posts in this batch, -1 when not tracked
   * @param consumerLag records the source is behind the latest offsets after this batch (for
   *     Kafka, the source metric {@code maxOffsetsBehindLatest}), -1 when not known
   */
  public record Progress(
      long batchId,
      String timestamp,
      long inputRows,
      double inputRowsPerSecond,
      double processedRowsPerSecond,
      long batchDurationMs,
      long malformed,
      long consumerLag) {

    /** Progress without a known consumer lag. */
    public Progress(long batchId, String timestamp, long inputRows, double inputRowsPerSecond,
        double processedRowsPerSecond, long batchDurationMs, long malformed) {
      this(batchId, timestamp, inputRows, inputRowsPerSecond, processedRowsPerSecond,
          batchDurationMs, malformed, -1);
    }
  }

  /** One entry per streaming query, in the order the job started them. */
  public List<QueryStatus> queries() {
    List<QueryStatus> out = new ArrayList<>();
    for (StreamingQuery q : queries.get()) {
      String status;
      String error = null;
      if (q.isActive()) {
        status = "ACTIVE";
      } else if (q.exception().isDefined()) {
        status = "FAILED";
        error = firstLine(q.exception().get().getMessage());
      } else {
        status = "STOPPED";
      }
      StreamingQueryProgress[] recent = q.recentProgress();
      List<Progress> history = new ArrayList<>();
      for (int i = Math.max(0, recent.length - HISTORY); i < recent.length; i++) {
        history.add(progress(recent[i]));
      }
      Progress last = history.isEmpty() ? null : history.get(history.size() - 1);
      out.add(new QueryStatus(
          q.name(), status, error, last, history, malformedTotal.applyAsLong(q)));
    }
    return out;
  }

  static Progress progress(StreamingQueryProgress p) {
    Long duration = p.durationMs().get("triggerExecution");
    return new Progress(
        p.batchId(),
        p.timestamp(),
        p.numInputRows(),
        p.inputRowsPerSecond(),
        p.processedRowsPerSecond(),
        duration == null ? 0 : duration,
        InputTotals.malformed(p),
        consumerLag(p));
  }

  /** Records the Kafka source was behind the topic's end after the batch; -1 when unknown. */
  static long consumerLag(StreamingQueryProgress p) {
    long lag = -1;
    for (var source : p.sources()) {
      String behind = source.metrics() == null
          ? null
          : source.metrics().get("maxOffsetsBehindLatest");
      if (behind != null) {
        lag = Math.max(lag, 0) + Long.parseLong(behind);
      }
    }
    return lag;
  }

  /** Rows the windowed query dropped as later than the watermark, in this batch. */
  public static long lateRows(StreamingQueryProgress p) {
    long late = 0;
    for (StateOperatorProgress s : p.stateOperators()) {
      late += s.numRowsDroppedByWatermark();
    }
    return late;
  }

}
