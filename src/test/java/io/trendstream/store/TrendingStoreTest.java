package io.trendstream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.TestStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Trend scores in the store without Spark: windowed batches in, {@code trending} out, checked
 * against figures worked by hand (tumbling one-minute windows, no watermark, a half-life of one
 * window: g = α = 0.5, β = 1).
 */
@IntegrationTest
class TrendingStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");
  private static final TrendSettings HAND = new TrendSettings(Duration.ofMinutes(1),
      Duration.ofMinutes(1), Duration.ZERO, Duration.ofMinutes(1), 1, 1, 1, 3);

  private static Object[] row(int window, String word, long count) {
    Instant start = T0.plus(Duration.ofMinutes(window));
    return new Object[] {start, start.plus(Duration.ofMinutes(1)), word, count};
  }

  private static boolean write(LiveStore store, String query, long batch, Object[]... rows)
      throws Exception {
    return store.write(StoreTables.WINDOWED_WORD_COUNTS, query, batch, new LiveStore.Batch() {
      @Override
      public List<byte[]> copyText() {
        return CopyText.encode(List.of(rows).iterator(), r -> r);
      }

      @Override
      public void skipped() {}
    });
  }

  @Test
  void scoresFollowTheHandWorkedFormulaAndReplaysAreSkipped() throws Exception {
    try (LiveStore store = fresh("trending_hand")) {
      store.scoreTrends(HAND);
      write(store, "q", 0, row(0, "x", 2));
      // Window 1's baseline is window 0 alone: m1 = 0.5 * 2, w = 0.5, mu = 2, sigma = 0.
      write(store, "q", 1, row(1, "x", 2));
      write(store, "q", 2, row(2, "x", 2));
      // Window 3: m1 = 0.5*2 + 0.25*2 + 0.125*2 = 1.75, w = 0.875: mu = 2; (10 - 2) / (0 + 1).
      write(store, "q", 3, row(3, "x", 10));
      assertThat(trending(store)).containsExactly(
          "1 x 2 2.000 0.000 0.000", "2 x 2 2.000 0.000 0.000", "3 x 10 2.000 0.000 8.000");

      // A replay with other rows is skipped; a later batch moves count and score, not baseline.
      assertThat(write(store, "q", 3, row(3, "x", 50))).isFalse();
      write(store, "q", 4, row(3, "x", 12));
      assertThat(trending(store)).last().isEqualTo("3 x 12 2.000 0.000 10.000");

      // A new checkpoint counts from the start: the trend tables start over with it.
      write(store, "q2", 0, row(0, "y", 3));
      assertThat(trending(store)).isEmpty();
      assertThat(rows(store, "SELECT count(*) FROM " + StoreTables.TRENDING_WORDS))
          .containsExactly("0");
    }
  }

  @Test
  void batchesJumpingManyWindowsScoreAsOneWindowAtATime() throws Exception {
    try (LiveStore stepped = fresh("trending_stepped");
        LiveStore jumped = fresh("trending_jumped")) {
      stepped.scoreTrends(HAND);
      jumped.scoreTrends(HAND);
      List<Object[]> all = new ArrayList<>();
      for (int w = 0; w < 12; w++) {
        all.add(row(w, "a", 5 + (w * 7) % 4));
        if (w % 3 != 1) {
          all.add(row(w, "b", 20 + w * w));
        }
        Object[] r = row(w, "c", 1 + w % 2);
        all.add(r);
      }
      for (int w = 0; w < 12; w++) {
        int window = w;
        write(stepped, "q", w, all.stream()
            .filter(r -> r[0].equals(T0.plus(Duration.ofMinutes(window))))
            .toArray(Object[][]::new));
      }
      write(jumped, "q", 0, all.subList(0, 5).toArray(Object[][]::new));
      write(jumped, "q", 1, all.subList(5, all.size()).toArray(Object[][]::new));
      assertThat(trending(jumped)).hasSizeGreaterThan(20).isEqualTo(trending(stepped));
    }
  }

  @Test
  void wordsUnseenPastTheirTimeToLiveLeaveTheState() throws Exception {
    try (LiveStore store = fresh("trending_ttl")) {
      store.scoreTrends(HAND);
      write(store, "q", 0, row(0, "old", 4), row(0, "kept", 4));
      write(store, "q", 1, row(5, "kept", 4));
      assertThat(rows(store, "SELECT word FROM trending_words ORDER BY word"))
          .containsExactly("kept", "old");
      // TTL: 10 half-lives = 10 minutes. Folded to window 28: "old", last folded in window 0,
      // is gone; "kept", folded in window 20, stays.
      write(store, "q", 2, row(20, "kept", 4), row(30, "kept", 4));
      assertThat(rows(store, "SELECT word FROM trending_words ORDER BY word"))
          .containsExactly("kept");
    }
  }

  @Test
  void theReaderSeesTheScoresButNotTheState() throws Exception {
    try (LiveStore store = fresh("trending_reader")) {
      store.scoreTrends(HAND);
      write(store, "q", 0, row(0, "x", 2));
      write(store, "q", 1, row(1, "x", 3));
      try (Connection c = store.readers().getConnection(); Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM trending")) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(1);
        }
        c.rollback();
        assertThatThrownBy(() -> s.executeQuery("SELECT * FROM trending_words"))
            .hasMessageContaining("permission denied");
        c.rollback();
      }
    }
  }

  /** Rows of trending: "window word count baseline deviation score", by window and word. */
  private static List<String> trending(LiveStore store) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = store.readers().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT extract(epoch from window_start - '" + T0
            + "'::timestamptz)::bigint / 60, word, count, baseline, deviation, score FROM trending"
            + " ORDER BY 1, 2")) {
      while (rs.next()) {
        out.add(String.format(Locale.ROOT, "%d %s %d %.3f %.3f %.3f", rs.getLong(1),
            rs.getString(2), rs.getLong(3), rs.getDouble(4), rs.getDouble(5), rs.getDouble(6)));
      }
      c.rollback();
    }
    return out;
  }

  private static List<String> rows(LiveStore store, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = java.sql.DriverManager.getConnection(writerUrl(store));
        Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /** The writer's URL of each store the tests opened: the state is not the reader's to see. */
  private static final java.util.Map<LiveStore, String> WRITERS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static LiveStore fresh(String name) {
    TestStore.Urls urls = TestStore.freshDatabase(name);
    LiveStore store = new LiveStore(urls.writer(), urls.reader(), StoreSettings.DEFAULT);
    store.prepare();
    WRITERS.put(store, urls.writer());
    return store;
  }

  private static String writerUrl(LiveStore store) {
    return WRITERS.get(store);
  }
}
