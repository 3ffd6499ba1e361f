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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The store's batch writes against a real PostgreSQL, without Spark: rows in, tables out. */
@IntegrationTest
class LiveStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  /** A batch of fixed rows that counts how often its rows were asked for and skipped. */
  private static final class Rows implements LiveStore.Batch {
    final List<Object[]> rows;
    final AtomicInteger encoded = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    boolean adds;

    Rows(Object[]... rows) {
      this.rows = Arrays.asList(rows);
    }

    /** The rows are this batch's own counts, to be added. */
    Rows adding() {
      adds = true;
      return this;
    }

    @Override
    public boolean adds() {
      return adds;
    }

    @Override
    public List<byte[]> copyText() {
      encoded.incrementAndGet();
      return CopyText.encode(rows.iterator(), r -> r);
    }

    @Override
    public void skipped() {
      skipped.incrementAndGet();
    }
  }

  @Test
  void aReplayedBatchIsSkippedAndALaterOneUpserts() throws Exception {
    try (LiveStore store = TestStore.fresh("upserts")) {
      assertThat(store.write(StoreTables.WORD_COUNTS, "q1", 0,
          new Rows(new Object[] {"a", 1L}, new Object[] {"b", 2L}))).isTrue();
      Rows replay = new Rows(new Object[] {"a", 99L});
      assertThat(store.write(StoreTables.WORD_COUNTS, "q1", 0, replay)).isFalse();
      assertThat(replay.encoded).hasValue(0);
      assertThat(replay.skipped).hasValue(1);
      assertThat(store.write(StoreTables.WORD_COUNTS, "q1", 1,
          new Rows(new Object[] {"a", 3L}))).isTrue();
      assertThat(rows(store, "SELECT word, count FROM word_counts ORDER BY word"))
          .containsExactly("a 3", "b 2");
    }
  }

  @Test
  void batchCountsAreAddedOnceEvenWhenABatchIsReplayed() throws Exception {
    try (LiveStore store = TestStore.fresh("adds")) {
      store.write(StoreTables.WORD_COUNTS, "q1", 0,
          new Rows(new Object[] {"a", 1L}, new Object[] {"b", 2L}).adding());
      assertThat(store.write(StoreTables.WORD_COUNTS, "q1", 0,
          new Rows(new Object[] {"a", 1L}, new Object[] {"b", 2L}).adding())).isFalse();
      // Partial counts, a word once per Spark task: summed, as one upsert may not touch a row
      // twice.
      store.write(StoreTables.WORD_COUNTS, "q1", 1, new Rows(new Object[] {"a", 2L},
          new Object[] {"c", 1L}, new Object[] {"a", 1L}).adding());
      assertThat(rows(store, "SELECT word, count FROM word_counts ORDER BY word"))
          .containsExactly("a 4", "b 2", "c 1");
      // A new checkpoint counts from the start of the topic again: nothing of the old is added.
      store.write(StoreTables.WORD_COUNTS, "q2", 0, new Rows(new Object[] {"a", 1L}).adding());
      assertThat(rows(store, "SELECT word, count FROM word_counts")).containsExactly("a 1");
    }
  }

  @Test
  void windowCountsAreAddedAndWindowsPastTheWatermarkDroppedAcrossARestart() throws Exception {
    TrendSettings windows = TrendSettings.of(Duration.ofMinutes(10), Duration.ofMinutes(5),
        Duration.ofMinutes(10));
    TestStore.Urls urls = TestStore.freshDatabase("window_adds");
    try (LiveStore store = new LiveStore(urls.writer(), urls.reader(), StoreSettings.DEFAULT)) {
      store.prepare();
      store.scoreTrends(windows);
      store.write(StoreTables.WINDOWED_WORD_COUNTS, "q", 0, new Rows(
          delta(T0, "kafka", 2, T0.plusSeconds(60)),
          // A post without words still moves the watermark: to 11:00 - 10 min.
          delta(T0, null, 0, T0.plusSeconds(3600))).adding());
      store.write(StoreTables.WINDOWED_WORD_COUNTS, "q", 1, new Rows(
          delta(T0, "kafka", 1, T0.plusSeconds(3600))).adding());
      assertThat(rows(store, "SELECT word, count FROM windowed_word_counts"))
          .as("[10:00, 10:10) ended before the watermark 10:50: late, not added")
          .containsExactly("kafka 2");
    }
    // The watermark is the store's: a restarted job drops by the same one.
    try (LiveStore store = new LiveStore(urls.writer(), urls.reader(), StoreSettings.DEFAULT)) {
      store.scoreTrends(windows);
      Rows replay = new Rows(delta(T0, "kafka", 1, T0.plusSeconds(3600))).adding();
      assertThat(store.write(StoreTables.WINDOWED_WORD_COUNTS, "q", 1, replay)).isFalse();
      store.write(StoreTables.WINDOWED_WORD_COUNTS, "q", 2, new Rows(
          delta(T0.plusSeconds(2700), "spark", 1, T0.plusSeconds(2700)),
          delta(T0, "kafka", 5, T0.plusSeconds(2700))).adding());
      assertThat(rows(store, "SELECT word, count FROM windowed_word_counts ORDER BY word"))
          .containsExactly("kafka 2", "spark 1");
      // Partial rows, as each Spark task counts its own posts: summed per (window, word).
      store.write(StoreTables.WINDOWED_WORD_COUNTS, "q", 3, new Rows(
          delta(T0.plusSeconds(2700), "spark", 2, null),
          delta(T0.plusSeconds(2700), "spark", 1, null),
          delta(T0, null, 0, T0.plusSeconds(2700))).adding());
      assertThat(rows(store, "SELECT word, count FROM windowed_word_counts ORDER BY word"))
          .containsExactly("kafka 2", "spark 4");
    }
  }

  /** A batch's own count of one word in the window starting at {@code start}. */
  private static Object[] delta(Instant start, String word, long count, Instant maxEventTime) {
    return new Object[] {start, start.plusSeconds(600), word, count, maxEventTime};
  }

  @Test
  void aNewCheckpointStartsTheTableOverAndALostStoreIsRefused() throws Exception {
    try (LiveStore store = TestStore.fresh("checkpoints")) {
      store.write(StoreTables.WORD_COUNTS, "old", 0, new Rows(new Object[] {"stale", 5L}));
      store.write(StoreTables.WORD_COUNTS, "new", 0, new Rows(new Object[] {"fresh", 1L}));
      assertThat(rows(store, "SELECT word, count FROM word_counts")).containsExactly("fresh 1");
    }
    try (LiveStore empty = TestStore.fresh("lost")) {
      assertThatThrownBy(() -> empty.write(StoreTables.WORD_COUNTS, "q", 7,
          new Rows(new Object[] {"x", 1L})))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("checkpoint is at batch 7");
    }
  }

  @Test
  void textWithTabsNewlinesBackslashesAndNulArrivesIntact() throws Exception {
    try (LiveStore store = TestStore.fresh("escapes")) {
      String word = "a\tb\nc\\d\re\0f é 日本";
      store.write(StoreTables.WORD_COUNTS, "q", 0, new Rows(new Object[] {word, 1L}));
      assertThat(rows(store, "SELECT word FROM word_counts"))
          .containsExactly(word.replace('\0', '\uFFFD'));
    }
  }

  @Test
  void postsAreCutToTheRetentionAndTheCap() throws Exception {
    StoreSettings settings = new StoreSettings(Duration.ofMinutes(10), 3,
        StoreSettings.DEFAULT_WINDOW_RETENTION, Duration.ofSeconds(10), 2);
    try (LiveStore store = TestStore.fresh("retention", settings)) {
      List<Object[]> posts = new ArrayList<>();
      // Ids 1..6 a minute apart, and id 0 an hour before the newest.
      posts.add(post(0, T0.minusSeconds(3600)));
      for (int i = 1; i <= 6; i++) {
        posts.add(post(i, T0.plusSeconds(60L * i)));
      }
      store.write(StoreTables.TWEETS, "q", 0, new Rows(posts.toArray(Object[][]::new)));
      assertThat(rows(store, "SELECT id FROM tweets ORDER BY id")).containsExactly("4", "5", "6");
    }
  }

  @Test
  void windowsPastTheRetentionAreEvicted() throws Exception {
    StoreSettings settings = new StoreSettings(StoreSettings.DEFAULT_RETAIN, 1000,
        Duration.ofMinutes(30), Duration.ofSeconds(10), 2);
    try (LiveStore store = TestStore.fresh("windows", settings)) {
      store.write(StoreTables.WINDOWED_WORD_COUNTS, "q", 0, new Rows(
          window(T0, "old"), window(T0.plusSeconds(2400), "kept"),
          window(T0.plusSeconds(3600), "new")));
      assertThat(rows(store, "SELECT word FROM windowed_word_counts ORDER BY window_start"))
          .containsExactly("kept", "new");
    }
  }

  private static Object[] post(long id, Instant time) {
    return new Object[] {"created", id, Long.toString(id), "text " + id, 0L, 0L, false, false,
        "en", time};
  }

  private static Object[] window(Instant start, String word) {
    return new Object[] {start, start.plusSeconds(600), word, 1L};
  }

  /** Rows as space-joined strings, read as the SQL API's role reads them. */
  private static List<String> rows(LiveStore store, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = store.readers().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> fields = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          fields.add(rs.getString(i));
        }
        out.add(String.join(" ", fields));
      }
      c.rollback();
    }
    return out;
  }
}
