package io.trendstream.bench;

import io.trendstream.store.CopyText;
import io.trendstream.store.EmbeddedStore;
import io.trendstream.store.LiveStore;
import io.trendstream.store.StoreSettings;
import io.trendstream.store.StoreTables;
import io.trendstream.store.TrendSettings;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The trend scores' cost in the store alone, at a vocabulary of millions: windowed batches as
 * the job would write them (the two open windows' changed rows, one slide of event time per
 * batch) go through {@link LiveStore#write} into an embedded PostgreSQL, then the newest
 * window's top 10 by score is queried as the SQL role would. Input: {@link Settings}. Output:
 * a line per ten batches (batch time, state sizes) and the query's latency percentiles.
 *
 * <p>Words: a head of {@link Settings#headWords} words counted in every window (counts falling
 * with rank), a long tail of words drawn from {@link Settings#words} seen once or twice, and one
 * hashtag, {@value #TREND}, that rises for a few windows in the middle of the run.
 */
public final class TrendingBench {
  public static final String TREND = "#benchtrend";
  private static final Duration SLIDE = Duration.ofMinutes(5);
  private static final Duration WINDOW = Duration.ofMinutes(10);
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  static final String TOP10 = "SELECT * FROM " + StoreTables.TRENDING + " WHERE window_start ="
      + " (SELECT max(window_start) FROM " + StoreTables.TRENDING + ") ORDER BY score DESC"
      + " LIMIT 10";

  /**
   * @param words distinct words the tail draws from
   * @param headWords words in every window
   * @param tailRows tail rows per window per batch
   * @param batches batches written (one slide each)
   * @param queries times the top-10 query is run
   */
  public record Settings(long words, int headWords, int tailRows, int batches, int queries) {}

  private final Settings settings;
  private final PrintStream out;

  public TrendingBench(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  public void run() throws Exception {
    Path dir = Files.createTempDirectory("trendstream-trending-bench");
    try (EmbeddedStore server = new EmbeddedStore(dir, 0).start();
        LiveStore store = new LiveStore(server.url(), server.readerUrl(),
            StoreSettings.DEFAULT)) {
      store.prepare();
      store.scoreTrends(TrendSettings.of(WINDOW, SLIDE, Duration.ofMinutes(10)));
      SplittableRandom random = new SplittableRandom(42);
      long[] batchNanos = new long[settings.batches()];
      for (int b = 0; b < settings.batches(); b++) {
        List<Object[]> rows = batch(b, random);
        long t0 = System.nanoTime();
        store.write(StoreTables.WINDOWED_WORD_COUNTS, "bench", b, new LiveStore.Batch() {
          @Override
          public List<byte[]> copyText() {
            return CopyText.encode(rows.iterator(), r -> r);
          }

          @Override
          public void skipped() {}
        });
        batchNanos[b] = System.nanoTime() - t0;
        if ((b + 1) % 10 == 0 || b + 1 == settings.batches()) {
          out.printf(Locale.ROOT, "batch %d: %,d changed rows, %.0f ms; trending_words %,d,"
              + " trending %,d rows%n", b, rows.size(), batchNanos[b] / 1e6,
              count(store, StoreTables.TRENDING_WORDS), count(store, StoreTables.TRENDING));
        }
      }
      long[] q = new long[settings.queries()];
      String top = "";
      for (int i = 0; i < q.length; i++) {
        try (Connection c = store.readers().getConnection();
            Statement s = c.createStatement()) {
          long t0 = System.nanoTime();
          try (ResultSet rs = s.executeQuery(TOP10)) {
            StringBuilder words = new StringBuilder();
            while (rs.next()) {
              words.append(words.length() == 0 ? "" : ", ").append(rs.getString("word"));
            }
            top = words.toString();
          }
          q[i] = System.nanoTime() - t0;
          c.rollback();
        }
      }
      Arrays.sort(q);
      long[] sorted = batchNanos.clone();
      Arrays.sort(sorted);
      out.printf(Locale.ROOT, "batch time (store, with trend scores): p50 %.0f ms, max %.0f ms%n",
          pct(sorted, 0.5) / 1e6, sorted[sorted.length - 1] / 1e6);
      out.printf(Locale.ROOT, "top 10 trending of the newest window, %d runs: p50 %.2f ms,"
          + " p99 %.2f ms%n", q.length, pct(q, 0.5) / 1e6, pct(q, 0.99) / 1e6);
      out.println("newest window's top 10: " + top);
    }
  }

  /** The changed rows of batch {@code b}: the current counts in its two open windows. */
  private List<Object[]> batch(int b, SplittableRandom random) {
    List<Object[]> rows = new ArrayList<>();
    for (int w = b - 1; w <= b; w++) {
      if (w < 0) {
        continue;
      }
      Instant start = START.plus(SLIDE.multipliedBy(w));
      Instant end = start.plus(WINDOW);
      // Slides of this window seen so far: 1 when it opens, 2 when it is full.
      int filled = b - w + 1;
      for (int r = 1; r <= settings.headWords(); r++) {
        long base = Math.max(5, 20_000 / r);
        long count = filled * base + random.nextLong(Math.max(1, base / 10) + 1);
        rows.add(new Object[] {start, end, "w" + r, count});
      }
      java.util.Set<Long> tail = new java.util.HashSet<>();
      for (int i = 0; i < settings.tailRows(); i++) {
        long rank = Math.min(settings.words(), settings.headWords() + 1
            + (long) Math.floor(Math.pow(settings.words(), random.nextDouble())));
        if (!tail.add(rank)) {
          continue;  // one row per word and window, as the job's upsert gets it
        }
        rows.add(new Object[] {start, end, "t" + rank,
            (long) (1 + random.nextInt(2))});
      }
      int fromPeak = Math.abs(w - settings.batches() * 2 / 3);
      if (fromPeak <= 3) {
        rows.add(new Object[] {start, end, TREND, filled * 400L / (1 + fromPeak)});
      }
    }
    return rows;
  }

  private static long count(LiveStore store, String table) throws Exception {
    try (Connection c = store.readers().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(table.equals(StoreTables.TRENDING_WORDS)
            ? "SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = '" + table + "'"
            : "SELECT count(*) FROM " + table)) {
      rs.next();
      long n = rs.getLong(1);
      c.rollback();
      return n;
    }
  }

  private static double pct(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }
}
