package io.trendstream.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.StructType;

/**
 * The live tables SQL and the dashboard read: a {@link ResultSink} that keeps each query's
 * current result in driver memory, bounded.
 *
 * <ul>
 *   <li>{@code tweets} (append): the newest {@code keepPosts} posts.
 *   <li>{@code word_counts} (complete): each batch replaces the table.
 *   <li>{@code windowed_word_counts} (update): each batch's changed rows are upserted by
 *       (window_start, window_end, word), so there is one current row per key; windows that
 *       ended more than {@code windowRetention} before the newest are evicted.
 * </ul>
 *
 * Unlike Spark's memory sink, which appends every update-mode batch and keeps every post, this
 * stays bounded on a long run. Replaying a batch after a restart is harmless: replace and upsert
 * are idempotent.
 */
public final class LiveTables implements ResultSink {
  public static final int DEFAULT_KEEP_POSTS = 10_000;
  /** Two hours of windows: enough for the trend chart, bounded on a day-long run. */
  public static final Duration DEFAULT_WINDOW_RETENTION = Duration.ofHours(2);

  private final int keepPosts;
  private final Duration windowRetention;
  private final Map<String, StructType> schemas = new ConcurrentHashMap<>();
  private final ArrayDeque<Row> posts = new ArrayDeque<>();
  private volatile List<Row> wordCounts = List.of();
  private final Map<WindowKey, Row> windowed = new ConcurrentHashMap<>();

  private record WindowKey(Object start, Object end, String word) {}

  public LiveTables() {
    this(DEFAULT_KEEP_POSTS, DEFAULT_WINDOW_RETENTION);
  }

  public LiveTables(int keepPosts, Duration windowRetention) {
    this.keepPosts = keepPosts;
    this.windowRetention = windowRetention;
  }

  @Override
  public StreamingQuery start(String table, Dataset<Row> result, DataStreamWriter<Row> writer)
      throws TimeoutException {
    schemas.put(table, result.schema());
    VoidFunction2<Dataset<Row>, Long> handler;
    switch (table) {
      case StreamingJob.TWEETS:
        handler = (batch, id) -> appendPosts(batch);
        break;
      case StreamingJob.WORD_COUNTS:
        handler = (batch, id) -> wordCounts = List.copyOf(batch.collectAsList());
        break;
      case StreamingJob.WINDOWED_WORD_COUNTS:
        handler = (batch, id) -> upsertWindows(batch.collectAsList());
        break;
      default:
        throw new IllegalArgumentException("no live table named " + table);
    }
    return writer.foreachBatch(handler).start();
  }

  /** The tables that have a schema yet (their query was started). */
  public Map<String, StructType> schemas() {
    return Map.copyOf(schemas);
  }

  /** A consistent copy of one table's rows. */
  public List<Row> snapshot(String table) {
    switch (table) {
      case StreamingJob.TWEETS:
        synchronized (posts) {
          return new ArrayList<>(posts);
        }
      case StreamingJob.WORD_COUNTS:
        return wordCounts;
      case StreamingJob.WINDOWED_WORD_COUNTS:
        return new ArrayList<>(windowed.values());
      default:
        throw new IllegalArgumentException("no live table named " + table);
    }
  }

  /** The n most frequent words now, for status lines. */
  public List<Row> topWords(int n) {
    List<Row> rows = new ArrayList<>(wordCounts);
    rows.sort(Comparator.comparingLong((Row r) -> r.getLong(1)).reversed());
    return rows.subList(0, Math.min(n, rows.size()));
  }

  private void appendPosts(Dataset<Row> batch) {
    Row[] rows = (Row[]) batch.tail(keepPosts);
    synchronized (posts) {
      for (Row r : rows) {
        posts.addLast(r);
        if (posts.size() > keepPosts) {
          posts.removeFirst();
        }
      }
    }
  }

  private void upsertWindows(List<Row> rows) {
    Instant newestEnd = null;
    for (Row r : rows) {
      windowed.put(new WindowKey(r.get(0), r.get(1), r.getString(2)), r);
      Instant end = instant(r.get(1));
      if (newestEnd == null || end.isAfter(newestEnd)) {
        newestEnd = end;
      }
    }
    if (newestEnd != null) {
      Instant cutoff = newestEnd.minus(windowRetention);
      windowed.keySet().removeIf(k -> instant(k.end()).isBefore(cutoff));
    }
  }

  private static Instant instant(Object timestamp) {
    return timestamp instanceof Instant
        ? (Instant) timestamp
        : ((java.sql.Timestamp) timestamp).toInstant();
  }
}
