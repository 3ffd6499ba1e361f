package io.trendstream.pipeline;

import io.trendstream.common.DaemonThreads;
import io.trendstream.store.CopyText;
import io.trendstream.store.LiveStore;
import io.trendstream.store.StoreTables;
import io.trendstream.store.TrendSettings;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import scala.Tuple2;

/**
 * The live tables' {@link ResultSink}: each micro-batch of the job's one
 * {@value StreamingJob#LIVE_TABLES} query (posts with their tokens) goes into the
 * {@link LiveStore}'s {@code tweets}, {@code word_counts} and {@code windowed_word_counts}
 * through {@code foreachBatch}, one transaction per table per batch. The counts are kept by the
 * store alone ({@link #keepsCounts}): each batch's tokens are counted in the batch, per word and
 * per (window, word), and added to the tables. Any other query ({@link #batchWriter}: the jdbc
 * sink's update-mode counts, the keys that changed) is upserted as it comes.
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
  /** Where the live query's records that are not posts go, from {@link #takeRejects}. */
  private volatile List<RejectWriter> rejects = List.of();

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

  /** The live tables' writer hands each batch's records that are not posts to these too. */
  @Override
  public boolean takeRejects(List<RejectWriter> writers) {
    rejects = List.copyOf(writers);
    return true;
  }

  @Override
  public StreamingQuery start(String table, Dataset<Row> result, DataStreamWriter<Row> writer)
      throws TimeoutException {
    VoidFunction2<Dataset<Row>, Long> write;
    if (table.equals(StreamingJob.LIVE_TABLES)) {
      List<RejectWriter> r = rejects;
      List<String> expected = new ArrayList<>(LIVE_COLUMNS);
      if (!r.isEmpty()) {
        expected.add(TrendQueries.REJECTED);
      }
      if (!Arrays.asList(result.columns()).equals(expected)) {
        throw new IllegalArgumentException("the " + table + " query yields "
            + Arrays.toString(result.columns()) + ", the live tables need " + expected);
      }
      TrendSettings w = windows;
      if (w == null) {
        throw new IllegalStateException("call scoreTrends before the live tables' query starts");
      }
      write = liveTablesWriter(store, w, r);
    } else {
      write = batchWriter(store, table, result);
    }
    return writer.foreachBatch(write).start();
  }

  /** The columns of {@link StreamingJob#liveTablesInput}: the posts table's, then the tokens. */
  private static final List<String> LIVE_COLUMNS = java.util.stream.Stream.concat(
      StoreTables.TWEET_COLUMNS.stream(), java.util.stream.Stream.of(TrendQueries.TOKENS))
      .toList();

  /**
   * The {@code foreachBatch} function of {@link StreamingJob#liveTablesInput}: each batch of
   * posts with their tokens goes into all three tables, written side by side on a connection
   * each. One pass of one Spark job per batch ({@link #encodeLiveTables}): each
   * task encodes its posts as COPY text and counts their words per word and per window
   * ({@link TrendQueries.PartitionCounts}); the store sums the tasks' partial counts, adds them
   * to its own and drops windows that ended by its watermark. Each table's write is one
   * transaction that records the batch id, so a replayed batch is never added twice. With
   * {@code rejects}, the batch's last column is {@link TrendQueries#REJECTED}: its tasks also
   * hand the records that are not posts to those writers, before the tables are written.
   */
  static VoidFunction2<Dataset<Row>, Long> liveTablesWriter(LiveStore store,
      TrendSettings windows, List<RejectWriter> rejects) {
    long window = windows.window().toSeconds();
    long slide = windows.slide().toSeconds();
    return (batch, id) -> {
      int tokens = batch.schema().fieldIndex(TrendQueries.TOKENS);
      int time = batch.schema().fieldIndex(TrendQueries.EVENT_TIME);
      int rejected = rejects.isEmpty() ? -1 : batch.schema().fieldIndex(TrendQueries.REJECTED);
      // One job, also for a replayed batch: Spark runs the plan of every batch (its metrics).
      Map<Integer, List<byte[]>> chunks = new HashMap<>();
      for (Tuple2<Integer, byte[]> t : batch.mapPartitions(
          encodeLiveTables(tokens, time, window, slide, rejected, rejects),
          Encoders.tuple(Encoders.INT(), Encoders.BINARY())).collectAsList()) {
        chunks.computeIfAbsent(t._1(), k -> new ArrayList<>()).add(t._2());
      }
      String queryId = queryId(batch);
      // The three tables in parallel, a connection each: one after the other left the cores to
      // one PostgreSQL backend at a time while Spark waited (stress vocabulary: 60 s batches).
      List<CompletableFuture<Void>> writes = new ArrayList<>();
      for (int table = 0; table < TABLES_IN_ORDER.size(); table++) {
        String name = TABLES_IN_ORDER.get(table);
        List<byte[]> rows = chunks.getOrDefault(table, List.of());
        boolean adds = !name.equals(StoreTables.TWEETS);
        writes.add(CompletableFuture.runAsync(() -> {
          try {
            store.write(name, queryId, id, new LiveStore.Batch() {
              @Override
              public List<byte[]> copyText() {
                return rows;
              }

              @Override
              public boolean adds() {
                return adds;
              }

              @Override
              public void skipped() {
                // Nothing left to run: the batch's one job ran above.
              }
            });
          } catch (Exception e) {
            throw new CompletionException(e);
          }
        }, WRITERS));
      }
      try {
        CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof Exception x ? x : e;
      }
    };
  }

  /** Runs the live tables' writes of a batch side by side: one thread per table. */
  private static final ExecutorService WRITERS = Executors.newCachedThreadPool(
      DaemonThreads.factory("store-writer"));

  private static void tag(List<Tuple2<Integer, byte[]>> out, String table, List<byte[]> chunks) {
    int index = TABLES_IN_ORDER.indexOf(table);
    chunks.forEach(c -> out.add(new Tuple2<>(index, c)));
  }

  /** The tables {@link #liveTablesWriter} writes, in order; a chunk's tag is the index. */
  private static final List<String> TABLES_IN_ORDER = List.of(StoreTables.WORD_COUNTS,
      StoreTables.WINDOWED_WORD_COUNTS, StoreTables.TWEETS);

  /**
   * One task of {@link #liveTablesWriter}: its posts as {@code tweets} COPY text while they
   * pass, then its partial counts as {@code word_counts} and {@code windowed_word_counts} COPY
   * text, each chunk tagged with its table's index in {@link #TABLES_IN_ORDER}. With a
   * {@code rejected} column (else -1), the rows where it is set go to {@code rejects} instead,
   * all of them durable before the task's output is.
   */
  private static MapPartitionsFunction<Row, Tuple2<Integer, byte[]>> encodeLiveTables(
      int tokens, int time, long window, long slide, int rejected, List<RejectWriter> rejects) {
    int fields = StoreTables.TWEET_COLUMNS.size();
    return rows -> {
      TrendQueries.PartitionCounts counts =
          new TrendQueries.PartitionCounts(tokens, time, window, slide, true);
      List<RejectWriter.Task> rejectTasks = new ArrayList<>();
      Iterator<Object[]> posts = new Iterator<>() {
        private Row next;

        @Override
        public boolean hasNext() {
          while (next == null && rows.hasNext()) {
            Row r = rows.next();
            if (rejected >= 0 && !r.isNullAt(rejected)) {
              reject(r.getStruct(rejected));
            } else {
              next = r;
            }
          }
          return next != null;
        }

        @Override
        public Object[] next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          Row r = next;
          next = null;
          counts.add(r);
          Object[] values = new Object[fields];
          for (int i = 0; i < fields; i++) {
            values[i] = r.get(i);
          }
          return values;
        }

        /** Opened at the task's first reject only: most tasks have none. */
        private void reject(Row record) {
          if (rejectTasks.isEmpty()) {
            rejects.forEach(w -> rejectTasks.add(w.open()));
          }
          rejectTasks.forEach(t -> t.write(record));
        }
      };
      List<Tuple2<Integer, byte[]>> out = new ArrayList<>();
      tag(out, StoreTables.TWEETS, CopyText.encode(posts, v -> v));
      for (RejectWriter.Task t : rejectTasks) {
        t.close();
      }
      tag(out, StoreTables.WORD_COUNTS, CopyText.encode(counts.words().iterator(), w -> w));
      tag(out, StoreTables.WINDOWED_WORD_COUNTS, CopyText.encode(counts.windows().iterator(),
          w -> new Object[] {
              w[0] == null ? null : Instant.ofEpochSecond((Long) w[0]),
              w[0] == null ? null : Instant.ofEpochSecond((Long) w[0] + window),
              w[1], w[2],
              w[3] == null ? null : Instant.EPOCH.plus((Long) w[3], ChronoUnit.MICROS)}));
      return out.iterator();
    };
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

  /** The streaming query's id, on the thread that runs its batch. */
  private static String queryId(Dataset<Row> batch) {
    String id = batch.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
    return id == null ? "" : id;
  }

  /** One batch: {@code rows} (computed from {@code batch}) into {@code table}. */
  private static void write(LiveStore store, String table, Dataset<Row> batch,
      Dataset<Row> rows, long id, boolean adds) throws Exception {
    store.write(table, queryId(batch), id, new LiveStore.Batch() {
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
