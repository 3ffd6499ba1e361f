package io.trendstream.pipeline;

import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trendstream.post.PostJson;
import io.trendstream.serve.StopWords;
import io.trendstream.source.SyntheticSource;
import io.trendstream.store.LiveStore;
import io.trendstream.store.StoreSettings;
import io.trendstream.store.TrendSettings;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.SparkTestSupport;
import io.trendstream.testing.SparkTestSupport.KafkaLikeStream;
import io.trendstream.testing.TestStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trend scores against the synthetic feed's known schedule: the job (real Spark over a memory
 * stream) writes the serving store (a real PostgreSQL) in batches of uneven sizes; the trending
 * table must equal a recomputation from the final window counts, the scheduled trend's hashtag
 * must lead each window near its peak, and no stop word may ever be in a window's top 10.
 * Prints the precision and recall of "a scheduled trend is in the top 3" over the run
 * (docs/trending.md).
 */
@IntegrationTest
class TrendingTest {
  /** Aligned to the windows, so the first window is whole. */
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  /** One post per event-time second: a 5-minute slide holds 300 posts, a trend's sigma 700. */
  private static final double POSTS_PER_SECOND = 1;
  /** A whole cycle of the six trends and the first one's return. */
  private static final int POSTS = SyntheticSource.TREND_CYCLE + SyntheticSource.FIRST_PEAK
      + 1500;
  /**
   * Batches of uneven sizes, some within a slide of the last, some many windows on: the scores
   * must not depend on where batches end. Few of them: a batch costs seconds on a busy machine.
   */
  private static final int[] CHUNKS = {1500, 6000, 200, 2500, 7000, 3300};
  /** Near its peak: the trend's share of posts at the window's middle is at least this. */
  private static final double NEAR_PEAK = 0.5 * SyntheticSource.TREND_PEAK;
  /**
   * Under way: a hashtag in the top 3 is right when its trend's share is at least this (2 % of
   * the peak, about 2.3 sigma from it: early in the rise, or late in the fall).
   */
  private static final double ACTIVE = 0.02 * SyntheticSource.TREND_PEAK;

  @TempDir static Path dataDir;
  private static StreamingJob job;
  private static LiveStore store;
  private static TrendSettings settings;
  private static StreamConfig config;

  @BeforeAll
  @Timeout(value = 20, unit = TimeUnit.MINUTES)
  static void run() throws Exception {
    KafkaLikeStream in = new KafkaLikeStream();
    config = SparkTestSupport.memoryJobConfig(dataDir, "trending");
    settings = StoreSink.trendSettings(config);
    // Every window kept: the checks read the whole run.
    store = TestStore.fresh("trending", new StoreSettings(StoreSettings.DEFAULT_RETAIN, 1_000,
        Duration.ofDays(30), Duration.ofSeconds(20), 2));
    job = new StreamingJob(spark(), config, s -> in.records(), new StoreSink(store));
    job.start();
    SyntheticSource feed = new SyntheticSource(7, START.toEpochMilli(), POSTS_PER_SECOND);
    int sent = 0;
    for (int k = 0; sent < POSTS; k++) {
      int n = Math.min(CHUNKS[k % CHUNKS.length], POSTS - sent);
      List<String> values = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        values.add(PostJson.toJson(feed.next()));
      }
      sent += n;
      in.add(values, START);
      for (StreamingQuery q : job.queries()) {
        q.processAllAvailable();
      }
    }
  }

  @AfterAll
  static void stop() {
    if (job != null) {
      job.close();
    }
    if (store != null) {
      store.close();
    }
  }

  /** A trending row: the table's columns. */
  record Row(long count, double baseline, double deviation, double score) {}

  @Test
  void trendingEqualsARecomputationFromTheFinalWindowCounts() throws Exception {
    Map<String, Row> actual = new HashMap<>();
    for (var e : query("SELECT window_start, word, count, baseline, deviation, score FROM "
        + "trending")) {
      actual.put(e.get(0) + " " + e.get(1), new Row((Long) e.get(2), (Double) e.get(3),
          (Double) e.get(4), (Double) e.get(5)));
    }
    Map<String, Row> expected = recompute(query(
        "SELECT window_start, word, count FROM windowed_word_counts ORDER BY window_start"));
    assertThat(expected).hasSizeGreaterThan(1000);
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    for (var e : expected.entrySet()) {
      Row a = actual.get(e.getKey());
      Row x = e.getValue();
      assertThat(a.count()).as(e.getKey()).isEqualTo(x.count());
      assertThat(a.baseline()).as(e.getKey()).isCloseTo(x.baseline(), within(1e-6));
      assertThat(a.deviation()).as(e.getKey()).isCloseTo(x.deviation(), within(1e-6));
      assertThat(a.score()).as(e.getKey()).isCloseTo(x.score(), within(1e-6));
    }
  }

  @Test
  void eachTrendNearItsPeakIsInTheTopThreeAndNoStopWordTrends() throws Exception {
    Map<OffsetDateTime, List<String>> ranked = topByWindow(10, Double.NEGATIVE_INFINITY);
    Map<OffsetDateTime, List<String>> trending = topByWindow(10, settings.threshold());
    Instant lastPost = START.plusMillis((long) (POSTS * 1000 / POSTS_PER_SECOND));
    Figures all = new Figures();
    Figures judged = new Figures();
    Figures listed = new Figures();
    List<String> missed = new ArrayList<>();
    for (var e : ranked.entrySet()) {
      Instant start = e.getKey().toInstant();
      if (start.plus(Duration.ofMinutes(10)).isAfter(lastPost)) {
        continue;  // the last windows are not whole
      }
      List<String> list = trending.getOrDefault(e.getKey(), List.of());
      assertThat(list).as("trending words of " + start)
          .noneMatch(w -> StopWords.WORDS.contains(w.toLowerCase(java.util.Locale.ROOT)));
      for (int t = 0; t < SyntheticSource.TRENDS.size(); t++) {
        double share = SyntheticSource.trendShare(t, middlePost(start));
        // The tokenizer lower-cases words.
        String tag = SyntheticSource.TRENDS.get(t).hashtag().toLowerCase(java.util.Locale.ROOT);
        boolean inTop = top3(e.getValue()).contains(tag);
        all.add(share, inTop);
        listed.add(share, top3(list).contains(tag));
        // The stream begins in the first trend's rise: it has no usual level to rise from.
        boolean risingAtStart = t == 0 && middlePost(start) < SyntheticSource.TREND_CYCLE / 2;
        if (!risingAtStart) {
          judged.add(share, inTop);
          if (share >= NEAR_PEAK && !inTop) {
            missed.add(start + " " + tag + " " + e.getValue());
          }
        }
      }
    }
    System.out.println("trending vs the feed's schedule, " + ranked.size() + " windows scored:");
    System.out.println("  top 3 by score, every window:           " + all);
    System.out.println("  top 3 by score, but the trend the stream starts in: " + judged);
    System.out.println("  top 3 of the words at or above the threshold " + settings.threshold()
        + ": " + listed);
    assertThat(judged.nearPeak).as("windows near a peak").isGreaterThan(20);
    assertThat(missed).isEmpty();
    assertThat(judged.correct).as("precision").isGreaterThanOrEqualTo(judged.predicted * 9 / 10);
  }

  private static List<String> top3(List<String> words) {
    return words.subList(0, Math.min(3, words.size()));
  }

  /**
   * Recall: windows where a trend is near its peak (share at least half the peak) with its
   * hashtag in the top 3. Precision: top-3 hashtags whose trend is under way there
   * ({@link #ACTIVE}).
   */
  static final class Figures {
    int nearPeak;
    int found;
    int predicted;
    int correct;

    void add(double share, boolean inTop) {
      if (share >= NEAR_PEAK) {
        nearPeak++;
        found += inTop ? 1 : 0;
      }
      if (inTop) {
        predicted++;
        correct += share >= ACTIVE ? 1 : 0;
      }
    }

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "recall %d/%d = %.3f, precision %d/%d = %.3f",
          found, nearPeak, found / (double) Math.max(1, nearPeak), correct, predicted,
          correct / (double) Math.max(1, predicted));
    }
  }

  @Test
  void theTopTenOfTheNewestWindowIsAnIndexWalk() throws Exception {
    List<List<Object>> plan = query("EXPLAIN SELECT * FROM trending WHERE window_start ="
        + " (SELECT max(window_start) FROM trending) ORDER BY score DESC LIMIT 10");
    String text = plan.stream().map(r -> r.get(0).toString()).reduce("", (a, b) -> a + b + "\n");
    assertThat(text).contains("Index Scan Backward using trending_score").doesNotContain("Sort");
  }

  /** Post index in the middle of the window starting at {@code start}. */
  private static long middlePost(Instant start) {
    double seconds = Duration.between(START, start.plus(Duration.ofMinutes(5))).toSeconds();
    return (long) (seconds * POSTS_PER_SECOND);
  }

  /** Per window, its {@code n} highest-scoring words of at least {@code minScore}. */
  private static Map<OffsetDateTime, List<String>> topByWindow(int n, double minScore)
      throws Exception {
    Map<OffsetDateTime, List<String>> top = new TreeMap<>();
    String where = Double.isInfinite(minScore) ? "" : " WHERE score >= " + minScore;
    for (var r : query("SELECT window_start, word FROM (SELECT window_start, word, row_number()"
        + " OVER (PARTITION BY window_start ORDER BY score DESC, word) AS k FROM trending"
        + where + ") x WHERE k <= " + n + " ORDER BY window_start, k")) {
      top.computeIfAbsent((OffsetDateTime) r.get(0), k -> new ArrayList<>()).add((String) r.get(1));
    }
    return top;
  }

  /**
   * The trend scores as docs/trending.md defines them, from the final window counts alone, in
   * the plainest way: each word's windows in order, its exponentially weighted sums folded one
   * window at a time.
   */
  private static Map<String, Row> recompute(List<List<Object>> windowed) {
    long slide = settings.slide().toSeconds();
    long lag = (settings.window().toSeconds() + settings.watermark().toSeconds() + slide - 1)
        / slide * slide;
    double g = Math.pow(0.5, slide / (double) settings.halfLife().toSeconds());
    long ttl = Math.max(TrendSettings.TTL_HALF_LIVES * settings.halfLife().toSeconds(), 4 * lag);
    long first = Long.MAX_VALUE;
    Map<String, TreeMap<Long, Long>> byWord = new LinkedHashMap<>();
    Map<String, OffsetDateTime> starts = new HashMap<>();
    for (var r : windowed) {
      OffsetDateTime ws = (OffsetDateTime) r.get(0);
      long s = ws.toEpochSecond();
      first = Math.min(first, s);
      starts.put(Long.toString(s), ws);
      long count = (Long) r.get(2);
      if (count >= settings.minCount()) {
        byWord.computeIfAbsent((String) r.get(1), w -> new TreeMap<>()).put(s, count);
      }
    }
    Map<String, Row> out = new HashMap<>();
    for (var e : byWord.entrySet()) {
      for (var row : e.getValue().entrySet()) {
        long p = row.getKey() - lag;
        if (p < first + (settings.warmupWindows() - 1) * slide) {
          continue;
        }
        double mean = 0;
        double m2 = 0;
        Long through = null;
        for (var h : e.getValue().headMap(p, true).entrySet()) {
          double d = through != null && h.getKey() - through <= ttl
              ? Math.pow(g, (h.getKey() - through) / (double) slide) : 0;
          mean = d * mean + (1 - g) * h.getValue();
          m2 = d * m2 + (1 - g) * h.getValue() * (double) h.getValue();
          through = h.getKey();
        }
        double d = through != null && p - through <= ttl
            ? Math.pow(g, (p - through) / (double) slide) : 0;
        double w = 1 - Math.pow(g, (p - first) / (double) slide + 1);
        double mu = d * mean / w;
        double sd = Math.sqrt(Math.max(d * m2 / w - mu * mu, 0));
        double score = (row.getValue() - Math.max(mu, settings.beta()))
            / (sd + settings.beta());
        out.put(starts.get(Long.toString(row.getKey())) + " " + e.getKey(),
            new Row(row.getValue(), mu, sd, score));
      }
    }
    return out;
  }

  private static List<List<Object>> query(String sql) throws Exception {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection c = store.readers().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          Object v = rs.getObject(i);
          if (rs.getMetaData().getColumnTypeName(i).equals("timestamptz")) {
            v = rs.getObject(i, OffsetDateTime.class);
          }
          row.add(v);
        }
        rows.add(row);
      }
      c.rollback();
    }
    return rows;
  }
}
