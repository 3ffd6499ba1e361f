package io.trendstream.serve;

import io.trendstream.pipeline.JobStatus.QueryStatus;
import java.util.List;

/**
 * What the HTTP layer may ask of the running pipeline: read-only SQL over the live tables in
 * the serving store, and the status of the streaming queries. The HTTP handlers and the
 * dashboard see only this interface and plain values, never Spark, Kafka or JDBC types.
 */
public interface QueryService {
  /**
   * Runs one read-only SELECT over the live tables.
   *
   * @throws QueryRejectedException when the statement is not allowed, does not parse, or the
   *     server cancelled it (the user's mistake: HTTP 400)
   */
  TableResult sql(String query) throws QueryRejectedException;

  /** One entry per streaming query, in a stable order. */
  List<QueryStatus> queries();

  /** A query result: column names and rows of JSON-friendly values (String, Number, Boolean). */
  record TableResult(List<String> columns, List<List<Object>> rows, boolean truncated) {}

  /** A statement the endpoint refuses; the message is shown to the user as is. */
  final class QueryRejectedException extends Exception {
    public QueryRejectedException(String message) {
      super(message);
    }
  }

  /** The store cannot answer now (unreachable, every reader busy): HTTP 503. */
  final class StoreBusyException extends RuntimeException {
    public StoreBusyException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
