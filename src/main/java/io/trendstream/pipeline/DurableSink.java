package io.trendstream.pipeline;

import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * A destination that outlives the process: it starts its own streaming queries, each with its
 * own checkpoint, next to the live tables. Input: the job's {@link SinkContext} (posts, counts,
 * writers). Output: the started queries, which the job stops with its own.
 *
 * <p>Declared here, next to the job, so that the implementations in {@code pipeline.sink}
 * depend on the job and never the other way round: the job starts whatever sinks its
 * {@link StreamConfig#sinks} hold, the CLI chooses them.
 */
public interface DurableSink {
  /**
   * Creates what the destination needs (topics, tables) and starts the queries.
   *
   * @throws io.trendstream.pipeline.sink.SinkUnavailableException when the destination cannot
   *     be reached or prepared
   */
  List<StreamingQuery> start(SinkContext context) throws TimeoutException;

  /**
   * For a sink of the records that are not posts: a writer the job's one live query
   * ({@link StreamingJob#LIVE_TABLES}) hands them to from its own parse, instead of a query of
   * this sink's own; null (the default) when the sink needs its own query or has nothing to do
   * for this source. The job asks before it would {@link #start} the sink and, given a writer,
   * does not start it; {@link #close} is still called.
   *
   * @throws io.trendstream.pipeline.sink.SinkUnavailableException as {@link #start}
   */
  default RejectWriter rejectWriter(SinkContext context) {
    return null;
  }

  /** What {@code --sink} said, for messages. */
  String describe();

  /**
   * Releases what {@link #start} opened for its queries (a connection pool), once the job has
   * stopped them; a later {@link #start} opens it again.
   */
  default void close() {}

  /**
   * Whether its queries' tasks run for the whole query (real-time or continuous mode): their
   * batch never ends on its own, so the job stops them without waiting for it.
   */
  default boolean longRunningTasks() {
    return false;
  }
}
