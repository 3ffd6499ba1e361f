package io.trendstream.pipeline;

import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Where a streaming query's results go. The job configures the writer (query name, output mode,
 * checkpoint, trigger) and the sink chooses the format and starts it, so tests can swap the
 * live tables for Spark's memory sink.
 */
@FunctionalInterface
public interface ResultSink {
  /**
   * @param table the result's table name ({@code tweets}, {@code word_counts}, ...)
   * @param result the query's output; its schema is the table's
   * @param writer {@code result.writeStream()}, configured, not yet started
   */
  StreamingQuery start(String table, Dataset<Row> result, DataStreamWriter<Row> writer)
      throws TimeoutException;

  /**
   * Whether this sink keeps the two word counts itself. The job then starts one query,
   * {@value StreamingJob#LIVE_TABLES}: each micro-batch's posts with their tokens (append,
   * stateless, {@link StreamingJob#liveTablesInput}) instead of Spark's three queries; the sink
   * writes the posts, counts each batch's words ({@link TrendQueries.PartitionCounts}) and adds
   * the counts to its own, dropping windows past its own watermark: the counts are kept once,
   * where they are served, not also in Spark's state store.
   */
  default boolean keepsCounts() {
    return false;
  }

  /**
   * For a sink that {@link #keepsCounts}: whether it also hands the input's records that are
   * not posts to {@code writers}, from its own pass over the live query's batches (whose last
   * column is then {@link TrendQueries#REJECTED}). The default takes none: the writers' sinks
   * then run queries of their own.
   */
  default boolean takeRejects(List<RejectWriter> writers) {
    return false;
  }

  /** Spark's memory sink: one temp view per query, named after the query. For tests. */
  static ResultSink memory() {
    return (table, result, writer) -> writer.format("memory").start();
  }
}
