package io.trendstream.pipeline;

import java.io.Serializable;
import org.apache.spark.sql.Row;

/**
 * Takes the Kafka records that are not posts from the pass of the query that parses them anyway,
 * so a {@link DurableSink} such as the dead letters needs no query, read and parse of its own
 * ({@link DurableSink#rejectWriter}). Input: one {@link TrendQueries#REJECTED} struct per record
 * (the record's {@link TrendQueries#REJECTED_FIELDS} and its {@value TrendQueries#REASON}).
 * Serializable: it travels to the Spark tasks, which each {@link #open} one.
 */
public interface RejectWriter extends Serializable {
  /** A writer for one Spark task's records. */
  Task open();

  /** One task's records; the task's output is handed on only after {@link #close} returned. */
  interface Task extends AutoCloseable {
    void write(Row rejected);

    /**
     * Returns once every record written is durable at its destination.
     *
     * @throws Exception when one is not: the task fails, Spark runs it again, and the records
     *     are written again (at least once)
     */
    @Override
    void close() throws Exception;
  }
}
