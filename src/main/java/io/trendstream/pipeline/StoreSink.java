package io.trendstream.pipeline;

import io.trendstream.store.CopyText;
import io.trendstream.store.LiveStore;
import io.trendstream.store.StoreTables;
import io.trendstream.store.TrendSettings;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * The live tables' {@link ResultSink}: each micro-batch of {@code tweets} (append),
 * {@code word_counts} and {@code windowed_word_counts} goes into the {@link LiveStore} through
 * {@code foreachBatch}, one transaction per batch. The counts are kept by the store alone
 * ({@link #keepsCounts}): each batch's tokens are counted in the batch, per word and per
 * (window, word), and added to the tables; Spark's update-mode counts (the keys that changed,
 * upserted) are written as they come.
 *
 * <p>The tasks that computed a batch also encode it as COPY text, a chunk per partition, so the
 * driver only forwards bytes to the server: no per-row objects on the driver, and on a cluster
 * the executors do the formatting.
 */
public final class StoreSink implements ResultSink {
  /** Spark's local property holding the streaming query's id on the batch's thread. */
  private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";

  private final LiveStore store;
  /** The job's windows and watermark, from {@link #scoreTrends}. */
  private volatile TrendSettings windows;

  public StoreSink(LiveStore store) {
    this.store = store;
  }

  /**
   * Scores trends over the job's windows ({@link LiveStore#scoreTrends}), which are also the
   * windows this sink counts in; the job calls this before it starts the windowed query.
   */
  public void scoreTrends(StreamConfig config) {
    windows = trendSettings(config);
    store.scoreTrends(windows);
  }

  /** The default trend parameters over the job's windows. */
  public static TrendSettings trendSettings(StreamConfig config) {
    return TrendSettings.of(StreamConfig.duration(config.window),
        StreamConfig.duration(config.slide), StreamConfig.duration(config.watermark));
  }

  /** The store adds each batch's counts to {@code word_counts} and the windows itself. */
  @Override
  public boolean keepsCounts() {
    return true;
  }

  @Override
  public StreamingQuery start(String table, Dataset<Row> result, DataStreamWriter<Row> writer)
      throws TimeoutException {
    List<String> columns = Arrays.asList(result.columns());
    VoidFunction2<Dataset<Row>, Long> write;
    if (table.equals(StoreTables.WORD_COUNTS) && columns.equals(List.of(TrendQueries.TOKENS))) {
      write = addingWriter(store);
    } else if (table.equals(StoreTables.WINDOWED_WORD_COUNTS)
        && columns.equals(List.of(TrendQueries.TOKENS, TrendQueries.EVENT_TIME))) {
      TrendSettings w = windows;
      if (w == null) {
        throw new IllegalStateException("call scoreTrends before the windowed query starts");
      }
      write = addingWindowsWriter(store, w);
    } else {
      write = batchWriter(store, table, result);
    }
    return writer.foreachBatch(write).start();
  }

  /**
   * The {@code foreachBatch} function of {@link StreamingJob#windowedCountInput}: counts each
   * batch per word per window ({@link TrendQueries#partialWindowedCounts}) and adds the counts
   * to {@code windowed_word_counts}, except windows that ended by the store's watermark.
   */
  static VoidFunction2<Dataset<Row>, Long> addingWindowsWriter(LiveStore store,
      TrendSettings windows) {
    return (batch, id) -> write(store, StoreTables.WINDOWED_WORD_COUNTS, batch,
        TrendQueries.partialWindowedCounts(batch, windows.window(), windows.slide()), id,
        true);
  }

  /**
   * The {@code foreachBatch} function of {@link StreamingJob#runningCountInput}: counts each
   * batch's tokens per word and adds them to {@code word_counts}, in the transaction that records
   * the batch id, so a replayed batch is never added twice.
   */
  static VoidFunction2<Dataset<Row>, Long> addingWriter(LiveStore store) {
    return (batch, id) -> write(store, StoreTables.WORD_COUNTS, batch,
        // The batch carries its tokens: no tokenizer needed.
        TrendQueries.partialWordCounts(batch), id, true);
  }

  /**
   * The {@code foreachBatch} function that writes each micro-batch of {@code result} into
   * {@code table} of {@code store}: the live tables' and the jdbc sink's copy of the counts.
   *
   * @throws IllegalArgumentException when {@code result}'s columns are not the table's, in order
   */
  public static VoidFunction2<Dataset<Row>, Long> batchWriter(
      LiveStore store, String table, Dataset<Row> result) {
    List<String> expected = columns(table);
    if (!Arrays.asList(result.columns()).equals(expected)) {
      throw new IllegalArgumentException("the " + table + " query yields "
          + Arrays.toString(result.columns()) + ", the store's table has " + expected);
    }
    return (batch, id) -> write(store, table, batch, batch, id, false);
  }

  /** One batch: {@code rows} (computed from {@code batch}) into {@code table}. */
  private static void write(LiveStore store, String table, Dataset<Row> batch,
      Dataset<Row> rows, long id, boolean adds) throws Exception {
    String queryId = batch.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
    store.write(table, queryId == null ? "" : queryId, id, new LiveStore.Batch() {
      @Override
      public List<byte[]> copyText() {
        return rows.mapPartitions(ENCODE, Encoders.BINARY()).collectAsList();
      }

      @Override
      public boolean adds() {
        return adds;
      }

      @Override
      public void skipped() {
        // Still run the plan, as Spark does for any replayed batch: its state and metrics.
        batch.write().format("noop").mode("overwrite").save();
      }
    });
  }

  private static final MapPartitionsFunction<Row, byte[]> ENCODE = rows -> CopyText.encode(
      rows, StoreSink::fields).iterator();

  private static Object[] fields(Row r) {
    Object[] values = new Object[r.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = r.get(i);
    }
    return values;
  }

  /** The store's columns of each live table, which the query's output must match in order. */
  static List<String> columns(String table) {
    switch (table) {
      case StoreTables.TWEETS:
        return StoreTables.TWEET_COLUMNS;
      case StoreTables.WORD_COUNTS:
        return List.of(StoreTables.WORD, StoreTables.COUNT);
      case StoreTables.WINDOWED_WORD_COUNTS:
        return List.of(StoreTables.WINDOW_START, StoreTables.WINDOW_END, StoreTables.WORD,
            StoreTables.COUNT);
      default:
        throw new IllegalArgumentException("no live table named " + table);
    }
  }
}
