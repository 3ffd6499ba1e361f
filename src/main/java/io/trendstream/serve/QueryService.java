package io.trendstream.serve;

import java.util.List;

/**
 * What the HTTP layer may ask of the running pipeline: read-only SQL over the live tables and
 * the status of the streaming queries. Implemented over Spark in the pipeline package; the HTTP
 * handlers and the dashboard never see Spark or Kafka types.
 */
public interface QueryService {
  /**
   * Runs one read-only SELECT over the live tables.
   *
   * @throws QueryRejectedException when the statement is not allowed or does not parse/analyse
   *     (the user's mistake: HTTP 400)
   */
  TableResult sql(String query) throws QueryRejectedException;

  /** One entry per streaming query, in a stable order. */
  List<QueryStatus> queries();

  /** A query result: column names and rows of JSON-friendly values (String, Number, Boolean). */
  record TableResult(List<String> columns, List<List<Object>> rows, boolean truncated) {}

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
  record QueryStatus(
      String name,
      String status,
      String error,
      Progress lastProgress,
      List<Progress> recentProgress,
      long malformedTotal) {

    /** Status without a malformed total. */
    public QueryStatus(
        String name,
        String status,
        String error,
        Progress lastProgress,
        List<Progress> recentProgress) {
      this(name, status, error, lastProgress, recentProgress, -1);
    }
  }

  /**
   * One micro-batch's progress.
   *
   * @param timestamp ISO-8601 start of the batch
   * @param malformed input records that were not posts in this batch, -1 when not tracked
   * @param consumerLag records the source is behind the latest offsets after this batch (for
   *     Kafka, the source metric {@code maxOffsetsBehindLatest}), -1 when not known
   */
  record Progress(
      long batchId,
      String timestamp,
      long inputRows,
      double inputRowsPerSecond,
      double processedRowsPerSecond,
      long batchDurationMs,
      long malformed,
      long consumerLag) {

    /** Progress without a known consumer lag. */
    public Progress(
        long batchId,
        String timestamp,
        long inputRows,
        double inputRowsPerSecond,
        double processedRowsPerSecond,
        long batchDurationMs,
        long malformed) {
      this(batchId, timestamp, inputRows, inputRowsPerSecond, processedRowsPerSecond,
          batchDurationMs, malformed, -1);
    }
  }

  /** A statement the endpoint refuses; the message is shown to the user as is. */
  final class QueryRejectedException extends Exception {
    public QueryRejectedException(String message) {
      super(message);
    }
  }
}
