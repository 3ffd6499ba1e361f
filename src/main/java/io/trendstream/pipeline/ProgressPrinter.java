package io.trendstream.pipeline;

import static io.trendstream.common.Messages.finite;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;
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
  private final LiveTables tables;

  /** @param queryName the word-count query's name (prefix included) */
  public ProgressPrinter(PrintStream out, String queryName, LiveTables tables) {
    this.out = out;
    this.queryName = queryName;
    this.tables = tables;
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress p = event.progress();
    if (!queryName.equals(p.name()) || p.numInputRows() == 0) {
      return;
    }
    out.println(line(p, tables.topWords(5)));
  }

  static String line(StreamingQueryProgress p, List<Row> top) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "batch %d  %,d posts  %,.0f posts/s  %,d ms  top:",
        p.batchId(), p.numInputRows(), finite(p.processedRowsPerSecond()),
        p.durationMs().getOrDefault("triggerExecution", 0L)));
    for (int i = 0; i < top.size(); i++) {
      sb.append(i == 0 ? " " : ", ").append(top.get(i).getString(0)).append(' ')
          .append(top.get(i).getLong(1));
    }
    return sb.toString();
  }

  @Override
  public void onQueryIdle(QueryIdleEvent event) {}

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}
}
