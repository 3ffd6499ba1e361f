package io.trendstream.pipeline;

import static io.trendstream.common.Messages.finite;

import io.trendstream.store.LiveStore;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * Prints one short line per micro-batch of the running word count: batch id, posts in, posts/s,
 * batch duration and the current top words, e.g.
 * {@code batch 12  1,234 posts  2,345 posts/s  850 ms  top: kafka 120, spark 98}.
 */
public final class ProgressPrinter extends StreamingQueryListener {
  private final PrintStream out;
  private final String queryName;
  private final LiveStore store;

  /**
   * @param queryName the query that writes the counts (prefix included)
   * @param store where the top words are read (an index walk, not a table scan)
   */
  public ProgressPrinter(PrintStream out, String queryName, LiveStore store) {
    this.out = out;
    this.queryName = queryName;
    this.store = store;
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress p = event.progress();
    if (!queryName.equals(p.name()) || p.numInputRows() == 0) {
      return;
    }
    List<Map.Entry<String, Long>> top;
    try {
      top = store.topWords(5);
    } catch (java.sql.SQLException e) {
      top = List.of(); // the line still tells the batch; the store's trouble shows elsewhere
    }
    out.println(line(p, top));
  }

  static String line(StreamingQueryProgress p, List<Map.Entry<String, Long>> top) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "batch %d  %,d posts  %,.0f posts/s  %,d ms  top:",
        p.batchId(), p.numInputRows(), finite(p.processedRowsPerSecond()),
        p.durationMs().getOrDefault("triggerExecution", 0L)));
    for (int i = 0; i < top.size(); i++) {
      sb.append(i == 0 ? " " : ", ").append(top.get(i).getKey()).append(' ')
          .append(top.get(i).getValue());
    }
    return sb.toString();
  }

  @Override
  public void onQueryIdle(QueryIdleEvent event) {}

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}
}
