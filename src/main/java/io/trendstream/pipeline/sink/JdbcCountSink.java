package io.trendstream.pipeline.sink;

import io.trendstream.pipeline.DurableSink;
import io.trendstream.pipeline.SinkContext;
import io.trendstream.pipeline.StoreSink;
import io.trendstream.store.LiveStore;
import io.trendstream.store.StoreTables;
import io.trendstream.store.StoreUnavailableException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * {@code --sink jdbc:postgresql://HOST/DB?user=…&password=…}: a second PostgreSQL copy of the
 * running and windowed word counts, as two queries ({@value #WORD_COUNTS_QUERY},
 * {@value #WINDOWED_QUERY}) into the store's tables {@value StoreTables#WORD_COUNTS} and
 * {@value StoreTables#WINDOWED_WORD_COUNTS}, written by the serving store's own batch writes
 * ({@link LiveStore#countsOnly}, {@link StoreSink#batchWriter}): one transaction per batch,
 * its id recorded in {@value StoreTables#BATCHES} under the table's name, a replayed batch
 * skipped, a fresh checkpoint starting the tables over. Unlike the store it keeps every window
 * and has no posts table and no reader role.
 *
 * <p>Its tables and batch records have the store's names, so it needs a database of its own:
 * the CLI refuses the {@code --store} database.
 */
public final class JdbcCountSink implements DurableSink {
  public static final String WORD_COUNTS_QUERY = "word_counts_jdbc";
  public static final String WINDOWED_QUERY = "windowed_word_counts_jdbc";
  /** The only JDBC URLs accepted: the upserts are PostgreSQL's {@code ON CONFLICT}. */
  public static final String URL_PREFIX = "jdbc:postgresql:";

  private final String url;
  private LiveStore store;

  /** @param url a PostgreSQL JDBC URL, credentials as {@code user}/{@code password} params */
  public JdbcCountSink(String url) {
    if (!url.startsWith(URL_PREFIX)) {
      throw new IllegalArgumentException("only PostgreSQL is supported: expected "
          + URL_PREFIX + "//HOST[:PORT]/DATABASE?user=…&password=…, got " + masked(url));
    }
    this.url = url;
  }

  @Override
  public String describe() {
    return masked(url);
  }

  /** The URL with its password replaced, fit for logs and messages. */
  static String masked(String url) {
    return LiveStore.masked(url);
  }

  @Override
  public synchronized List<StreamingQuery> start(SinkContext context) throws TimeoutException {
    LiveStore counts = prepare();
    // Update mode: each batch carries only the keys whose count changed, with their current
    // count, so an upsert per row makes the table current; complete mode would rewrite every
    // row each batch, and append cannot emit a running count.
    return List.of(
        start(context, WORD_COUNTS_QUERY, StoreTables.WORD_COUNTS, context.wordCounts(), counts),
        start(context, WINDOWED_QUERY, StoreTables.WINDOWED_WORD_COUNTS,
            context.windowedWordCounts(), counts));
  }

  private static StreamingQuery start(SinkContext context, String query, String table,
      Dataset<Row> result, LiveStore counts) throws TimeoutException {
    return context.writer(query, result, OutputMode.Update())
        .foreachBatch(StoreSink.batchWriter(counts, table, result))
        .start();
  }

  /**
   * Opens the database (once) and creates the tables if missing.
   *
   * @throws SinkUnavailableException with one line when the server cannot be reached or says no
   */
  synchronized LiveStore prepare() {
    if (store == null) {
      store = LiveStore.countsOnly(url);
    }
    try {
      store.prepare();
    } catch (StoreUnavailableException e) {
      throw new SinkUnavailableException("cannot prepare PostgreSQL tables at " + masked(url)
          + ": " + e.getCause().getMessage(), e);
    }
    return store;
  }

  @Override
  public synchronized void close() {
    if (store != null) {
      store.close();
      store = null;
    }
  }
}
