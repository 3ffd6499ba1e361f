package io.trendstream.store;

import static io.trendstream.store.StoreTables.TRENDING;
import static io.trendstream.store.StoreTables.TRENDING_STREAM;
import static io.trendstream.store.StoreTables.TRENDING_WORDS;
import static io.trendstream.store.StoreTables.WINDOWED_WORD_COUNTS;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Locale;

/**
 * Trend scores, computed inside the store in the transaction of each
 * {@value StoreTables#WINDOWED_WORD_COUNTS} batch, so a replayed batch is skipped for them too.
 * Input: the batch's changed (window, word, count) rows (the upsert's staging table) and the
 * count table. Output: {@value StoreTables#TRENDING} rows (window_start, window_end, word, count,
 * baseline, deviation, score) and the per-word state in {@value StoreTables#TRENDING_WORDS}.
 *
 * <p>The score (SigniTrend, Schubert et al., KDD 2014) of a word's count x in window W:
 * {@code (x - max(mu, beta)) / (sigma + beta)}, where mu and sigma are the exponentially
 * weighted mean and deviation of the word's counts in the windows up to W minus a lag (counts
 * under the minimum count taken as 0, bias-corrected for a young stream). The lag covers the
 * window and the watermark, so the baseline holds only windows Spark will never change: it is a
 * function of the final counts alone, whatever the batches were, and is computed once per row;
 * later batches only update the row's count and score.
 *
 * <p>Cost per batch follows the rows the batch changed, not the vocabulary: each word's state is
 * folded forward when a window passes twice the lag (the windows' rows with at least the minimum
 * count, read by the (window, count) index), decayed lazily over the windows it was absent from,
 * and a new row's baseline adds the at most lag/slide windows since, by primary-key probes.
 * Words unseen for {@link TrendSettings#ttlSeconds} count as new and their state is deleted.
 */
final class Trending {
  private static final String STAGE = "stage_" + WINDOWED_WORD_COUNTS;
  private static final String WINDOWED = WINDOWED_WORD_COUNTS;

  private final TrendSettings t;
  private final long slide;
  private final long lag;

  Trending(TrendSettings settings) {
    this.t = settings;
    this.slide = settings.slideSeconds();
    this.lag = settings.lagSeconds();
  }

  /** Empties the trend tables: the count table they are computed from starts over. */
  static void reset(Statement s) throws SQLException {
    s.execute("TRUNCATE " + TRENDING + ", " + TRENDING_WORDS + ", " + TRENDING_STREAM);
  }

  /**
   * Scores the batch staged in the windowed upsert's staging table; runs after that upsert and
   * before the windowed table's eviction, in the same transaction.
   *
   * @param stageMin the first window the batch upserted a row of (null: none), also when the
   *     staging table holds only the rows that can be scored
   */
  void apply(Connection c, Duration retention, OffsetDateTime stageMin) throws SQLException {
    OffsetDateTime newest = time(c, "SELECT max(window_start) FROM " + WINDOWED);
    if (newest == null || stageMin == null) {
      return;
    }
    OffsetDateTime first;
    OffsetDateTime folded;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT first_window, folded FROM " + TRENDING_STREAM
            + " WHERE id = 1")) {
      if (rs.next()) {
        first = rs.getObject(1, OffsetDateTime.class);
        folded = rs.getObject(2, OffsetDateTime.class);
      } else {
        first = null;
        folded = stageMin.minusSeconds(slide);
      }
    }
    if (first == null || stageMin.isBefore(first)) {
      first = stageMin;
    }
    try (Statement s = c.createStatement()) {
      // The staging table is new each batch: without statistics the joins below were planned
      // as scans of the big tables.
      s.execute("ANALYZE " + STAGE);
    }
    updateExisting(c);
    // Windows up to twice the lag before the newest are folded into the words' state: no row
    // created from now on has its baseline end before them.
    OffsetDateTime foldTo = newest.minusSeconds(2 * lag);
    OffsetDateTime prev = folded;
    if (foldTo.isAfter(folded)) {
      for (OffsetDateTime q = nextWindow(c, prev, foldTo); q != null;
          q = nextWindow(c, q, foldTo)) {
        insertNew(c, q, q, first);
        fold(c, q);
        prev = q;
      }
      folded = foldTo;
    }
    // The rest: baselines end at most lag/slide windows after the folded ones.
    insertNew(c, newest.minusSeconds(lag), folded.plusSeconds(slide), first);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TRENDING_STREAM
        + " (id, first_window, folded) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE"
        + " SET first_window = EXCLUDED.first_window, folded = EXCLUDED.folded")) {
      ps.setObject(1, first);
      ps.setObject(2, folded);
      ps.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM " + TRENDING_WORDS + " WHERE through < ?")) {
      ps.setObject(1, folded.minusSeconds(t.ttlSeconds()));
      ps.executeUpdate();
    }
    try (Statement s = c.createStatement()) {
      s.execute("DELETE FROM " + TRENDING + " WHERE window_start < least((SELECT max("
          + "window_start) FROM " + WINDOWED + "), now()) - interval '" + retention.toSeconds()
          + " seconds'");
    }
  }

  static OffsetDateTime time(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getObject(1, OffsetDateTime.class) : null;
    }
  }

  /** The first window after {@code after} up to {@code upTo}: one probe of the primary key. */
  private static OffsetDateTime nextWindow(Connection c, OffsetDateTime after,
      OffsetDateTime upTo) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT min(window_start) FROM " + WINDOWED
        + " WHERE window_start > ? AND window_start <= ?")) {
      ps.setObject(1, after);
      ps.setObject(2, upTo);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getObject(1, OffsetDateTime.class) : null;
      }
    }
  }

  /** Rows scored before keep their baseline (its windows are final); count and score follow. */
  private void updateExisting(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("UPDATE " + TRENDING + " t SET count = s.count, score = " + score("s.count",
          "t.baseline", "t.deviation") + " FROM " + STAGE + " s WHERE s.count >= "
          + t.minCount() + " AND t.window_start = s.window_start"
          + " AND t.window_end = s.window_end AND t.word = s.word AND t.count <> s.count");
    }
  }

  /**
   * Scores the batch's rows not scored yet whose baseline ends by {@code upTo}: the word's state
   * (folded through the windows before {@code probeFrom}) decayed to the baseline's end, plus
   * the word's counts in windows from {@code probeFrom} to that end.
   */
  private void insertNew(Connection c, OffsetDateTime upTo, OffsetDateTime probeFrom,
      OffsetDateTime first) throws SQLException {
    String p = "(s.window_start - " + seconds(lag) + ")";
    String sql = "INSERT INTO " + TRENDING
        + " (window_start, window_end, word, count, baseline, deviation, score)"
        + " SELECT window_start, window_end, word, count, mu, sd, " + score("count", "mu", "sd")
        + " FROM (SELECT b.*, b.mean / b.w AS mu,"
        + " sqrt(greatest(b.m2 / b.w - (b.mean / b.w) * (b.mean / b.w), 0)) AS sd"
        + " FROM (SELECT s.window_start, s.window_end, s.word, s.count,"
        // Bias correction: the weight of the windows the stream has had by the baseline's end.
        + " 1 - " + decay(epoch(p + " - ?::timestamptz") + " + " + slide) + " AS w,"
        + " " + stateAt(p, "tw.mean") + " + " + alpha() + " * coalesce(pr.sx, 0) AS mean,"
        + " " + stateAt(p, "tw.m2") + " + " + alpha() + " * coalesce(pr.sxx, 0) AS m2"
        + " FROM " + STAGE + " s"
        + " LEFT JOIN " + TRENDING_WORDS + " tw ON tw.word = s.word"
        + " LEFT JOIN LATERAL (SELECT sum(" + decay(epoch(p + " - c.window_start"))
        + " * c.count) AS sx, sum(" + decay(epoch(p + " - c.window_start"))
        + " * c.count::float8 * c.count) AS sxx"
        // The windows from probeFrom to the baseline's end, at most lag/slide of them, spelled
        // out: a whole primary key per probe (a generate_series here was planned as a scan).
        + " FROM (VALUES " + offsets() + ") AS k(i)"
        + " CROSS JOIN LATERAL (SELECT " + p + " - k.i * " + seconds(slide) + " AS ws) g"
        + " JOIN " + WINDOWED + " c ON c.window_start = g.ws AND c.window_end = g.ws + "
        + seconds(t.window().toSeconds()) + " AND c.word = s.word AND c.count >= "
        + t.minCount() + " WHERE g.ws >= ?::timestamptz) pr ON true"
        + " WHERE s.count >= " + t.minCount() + " AND " + p + " <= ?"
        + " AND " + p + " >= ?::timestamptz + " + seconds((t.warmupWindows() - 1) * slide)
        + " AND NOT EXISTS (SELECT 1 FROM " + TRENDING + " x WHERE x.window_start ="
        + " s.window_start AND x.window_end = s.window_end AND x.word = s.word)) b) r";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, first);
      ps.setObject(2, probeFrom);
      ps.setObject(3, upTo);
      ps.setObject(4, first);
      ps.executeUpdate();
    }
  }

  /** Adds window {@code q}'s counts to the state of each word seen there enough. */
  private void fold(Connection c, OffsetDateTime q) throws SQLException {
    String age = epoch("EXCLUDED.through - tw.through");
    String sql = "INSERT INTO " + TRENDING_WORDS + " AS tw (word, through, mean, m2)"
        + " SELECT word, window_start, " + alpha() + " * count, " + alpha()
        + " * count::float8 * count FROM " + WINDOWED + " WHERE window_start = ? AND count >= "
        + t.minCount()
        + " ON CONFLICT (word) DO UPDATE SET"
        + " mean = CASE WHEN " + age + " <= " + t.ttlSeconds() + " THEN " + decay(age)
        + " * tw.mean ELSE 0 END + EXCLUDED.mean,"
        + " m2 = CASE WHEN " + age + " <= " + t.ttlSeconds() + " THEN " + decay(age)
        + " * tw.m2 ELSE 0 END + EXCLUDED.m2,"
        + " through = EXCLUDED.through";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setObject(1, q);
      ps.executeUpdate();
    }
  }

  /** Slides back from a baseline's end that a probe may reach: 0 to lag/slide - 1. */
  private String offsets() {
    StringBuilder b = new StringBuilder();
    for (long i = 0; i < lag / slide; i++) {
      b.append(i == 0 ? "" : ", ").append('(').append(i).append(')');
    }
    return b.toString();
  }

  /** A state column decayed from its window to {@code at}; 0 without state or past its TTL. */
  private String stateAt(String at, String column) {
    String age = epoch(at + " - tw.through");
    return "coalesce(CASE WHEN " + age + " <= " + t.ttlSeconds() + " THEN " + decay(age) + " * "
        + column + " END, 0)";
  }

  private String score(String count, String mu, String sd) {
    String beta = num(t.beta());
    return "(" + count + " - greatest(" + mu + ", " + beta + ")) / (" + sd + " + " + beta + ")";
  }

  /** The decay over {@code secondsExpr} seconds, kept clear of float underflow. */
  private String decay(String secondsExpr) {
    double perSecond = Math.log(t.decayPerSlide()) / slide;
    return "exp(greatest(-700, (" + secondsExpr + ") * " + num(perSecond) + "))";
  }

  private String alpha() {
    return num(1 - t.decayPerSlide());
  }

  private static String epoch(String intervalExpr) {
    return "extract(epoch from (" + intervalExpr + "))::float8";
  }

  private static String seconds(long n) {
    return "interval '" + n + " seconds'";
  }

  private static String num(double d) {
    return String.format(Locale.ROOT, "%.17g", d);
  }
}
