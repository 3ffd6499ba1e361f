package io.trendstream.pipeline;

import static io.trendstream.common.Messages.firstLine;

/**
 * Turns a streaming query's failure into one line a user can act on. Input: the query name and
 * Spark's exception text (often a page long). Output: what happened and what to do.
 */
public final class QueryFailures {
  private QueryFailures() {}

  public static String explain(String query, String exception, StreamConfig config) {
    String text = exception == null ? "" : exception;
    if (text.contains("failOnDataLoss") || text.contains("KAFKA_DATA_LOSS")) {
      return "query " + query + " stopped: Kafka no longer holds records it had not read yet "
          + "(topic '" + config.topic + "' deleted or recreated, or its retention expired). "
          + "To go on from what the topic holds now, accepting the gap, restart with "
          + "--fail-on-data-loss false; to count everything again from the start, delete "
          + config.checkpointDir("") + " first.";
    }
    if (text.contains("UnknownTopicOrPartition")) {
      return "query " + query + " stopped: topic '" + config.topic + "' does not exist at "
          + config.bootstrapServers + " any more.";
    }
    return "query " + query + " failed: " + firstLine(text);
  }
}
