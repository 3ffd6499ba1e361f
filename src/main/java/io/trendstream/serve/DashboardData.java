package io.trendstream.serve;

import static io.trendstream.store.StoreTables.COUNT;
import static io.trendstream.store.StoreTables.EVENT_TIME;
import static io.trendstream.store.StoreTables.LANG;
import static io.trendstream.store.StoreTables.SCORE;
import static io.trendstream.store.StoreTables.TRENDING;
import static io.trendstream.store.StoreTables.TWEETS;
import static io.trendstream.store.StoreTables.WINDOWED_WORD_COUNTS;
import static io.trendstream.store.StoreTables.WINDOW_END;
import static io.trendstream.store.StoreTables.WINDOW_START;
import static io.trendstream.store.StoreTables.WORD;
import static io.trendstream.store.StoreTables.WORD_COUNTS;

import io.trendstream.serve.QueryService.QueryRejectedException;
import io.trendstream.store.StoreTables;
import io.trendstream.store.TrendSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the dashboard shows, read through {@link QueryService} only: fixed SELECTs over the
 * live tables plus the streaming queries' status. Input: a {@link View} (the page's controls).
 * Output: a JSON-ready map
 * {@code {"view":{..},"queries":[..],"trending":T,"topWords":T,"trends":T,"languages":T}} where
 * each
 * {@code T} is {@code {"columns":[..],"rows":[[..]],"truncated":b}} or {@code {"error":msg}}
 * (a panel whose table does not exist yet, before the first batch, shows its error alone).
 *
 * <p>Table and column names are the store's ({@link io.trendstream.store.StoreTables}). Each
 * query stays cheap however large the tables grow: top words walk the index on count, trending
 * words walk the newest window's (window, score) index, the trends read the newest windows
 * through their (window, score) and (window, count) indexes and primary keys, and the languages
 * count only the newest {@link #LANGUAGE_SAMPLE} posts.
 */
public final class DashboardData {
  /** Words drawn in the trends chart. */
  public static final int TREND_WORDS = 5;
  /** The trend words are the top ones of this many latest windows... */
  public static final int TREND_LATEST_WINDOWS = 3;
  /** ...drawn over this many latest windows. */
  public static final int TREND_HISTORY_WINDOWS = 30;
  /** Words in the "Trending now" panel. */
  public static final int TRENDING_SHOWN = 10;
  /** Windows of count history each trending word shows, newest last. */
  public static final int TRENDING_HISTORY_WINDOWS = 12;
  /** A word trends from this score on (docs/trending.md). */
  public static final double TRENDING_THRESHOLD = TrendSettings.DEFAULT_THRESHOLD;
  /** Languages beyond this many are summed into "other". */
  public static final int LANGUAGES_SHOWN = 8;
  /** The languages panel counts this many newest posts. */
  public static final int LANGUAGE_SAMPLE = 10_000;
  /**
   * The trend words are chosen among each latest window's this many most frequent words: a
   * word outside all of them cannot lead the sum of three windows in practice, and reading
   * them is an index walk, not a scan of millions of rows.
   */
  static final int TREND_CANDIDATES = 200;
  public static final int MAX_TOP = 100;

  private static final Logger LOG = LoggerFactory.getLogger(DashboardData.class);

  private final QueryService service;

  public DashboardData(QueryService service) {
    this.service = service;
  }

  /**
   * The page's controls.
   *
   * @param top how many words the top-words chart shows, 1 to {@link #MAX_TOP}
   * @param hideStopWords hide {@link StopWords#WORDS} from top words and trends
   * @param hashtagsOnly keep only words starting with {@code #}
   */
  public record View(int top, boolean hideStopWords, boolean hashtagsOnly) {
    public static final View DEFAULT = new View(10, true, false);

    public View {
      if (top < 1 || top > MAX_TOP) {
        throw new IllegalArgumentException("top must be between 1 and " + MAX_TOP + ": " + top);
      }
    }

    /**
     * From query parameters {@code top}, {@code stopwords} ({@code hide}|{@code show}) and
     * {@code hashtags} ({@code all}|{@code only}); null means the default.
     *
     * @throws IllegalArgumentException with a message for the user
     */
    public static View parse(String top, String stopwords, String hashtags) {
      int n = DEFAULT.top;
      if (top != null) {
        try {
          n = Integer.parseInt(top.trim());
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("top must be a number: " + top);
        }
      }
      return new View(n,
          choice("stopwords", stopwords, "hide", "show", DEFAULT.hideStopWords),
          choice("hashtags", hashtags, "only", "all", DEFAULT.hashtagsOnly));
    }

    private static boolean choice(
        String name, String value, String yes, String no, boolean otherwise) {
      if (value == null) {
        return otherwise;
      }
      if (value.equals(yes) || value.equals(no)) {
        return value.equals(yes);
      }
      throw new IllegalArgumentException(name + " must be " + yes + " or " + no + ": " + value);
    }

    Map<String, Object> toJson() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("top", top);
      json.put("stopwords", hideStopWords ? "hide" : "show");
      json.put("hashtags", hashtagsOnly ? "only" : "all");
      return json;
    }
  }

  /** Runs the panels' queries; a failing panel carries its error, the others still show. */
  public Map<String, Object> snapshot(View view) {
    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("view", view.toJson());
    snapshot.put("queries", Json.queries(service.queries()));
    snapshot.put("trending", panel(trendingSql(view)));
    snapshot.put("topWords", panel(topWordsSql(view)));
    snapshot.put("trends", panel(trendsSql(view)));
    snapshot.put("languages", languages(panel(languagesSql())));
    return snapshot;
  }

  /** {@code SELECT word, count} of the top words, largest first. */
  public static String topWordsSql(View view) {
    return "SELECT " + WORD + ", " + COUNT + " FROM " + WORD_COUNTS
        + where(filters(view))
        + " ORDER BY " + COUNT + " DESC, " + WORD + " LIMIT " + view.top();
  }

  /**
   * {@code SELECT word, score, count, baseline, history}: the {@link #TRENDING_SHOWN}
   * highest-scoring words of the newest of the {@link #TREND_LATEST_WINDOWS} latest windows that
   * has any from {@value StoreTables#TRENDING} (score at
   * least {@link #TRENDING_THRESHOLD}), each with its counts in the
   * {@link #TRENDING_HISTORY_WINDOWS} latest windows as comma-separated text, oldest first.
   */
  public static String trendingSql(View view) {
    String filters = filters(view);
    String t = WINDOWED_WORD_COUNTS;
    return "WITH RECURSIVE windows (s, e, n) AS ("
        + "(SELECT " + WINDOW_START + ", " + WINDOW_END + ", 1 FROM " + t
        + " ORDER BY " + WINDOW_START + " DESC LIMIT 1)"
        + " UNION ALL SELECT x." + WINDOW_START + ", x." + WINDOW_END + ", w.n + 1 FROM windows w"
        + " CROSS JOIN LATERAL (SELECT " + WINDOW_START + ", " + WINDOW_END + " FROM " + t
        + " WHERE " + WINDOW_START + " < w.s ORDER BY " + WINDOW_START + " DESC LIMIT 1) x"
        + " WHERE w.n < " + TRENDING_HISTORY_WINDOWS + ")"
        // The newest window that has a trending word: the newest one is often a minute old.
        + ", latest AS (SELECT w.s FROM windows w WHERE w.n <= " + TREND_LATEST_WINDOWS
        + " AND EXISTS (SELECT 1 FROM " + TRENDING + " x WHERE x." + WINDOW_START + " = w.s"
        + " AND x." + SCORE + " >= " + TRENDING_THRESHOLD
        + (filters.isEmpty() ? "" : " AND " + filters) + ") ORDER BY w.s DESC LIMIT 1)"
        + " SELECT " + WORD + ", round(" + SCORE + "::numeric, 1) AS " + SCORE + ", " + COUNT
        + ", round(baseline::numeric, 1) AS baseline,"
        + " (SELECT string_agg(coalesce(c." + COUNT + ", 0)::text, ',' ORDER BY w.s)"
        + " FROM windows w LEFT JOIN " + t + " c ON c." + WINDOW_START + " = w.s AND c."
        + WINDOW_END + " = w.e AND c." + WORD + " = tr." + WORD + ") AS history"
        + " FROM " + TRENDING + " tr WHERE " + WINDOW_START + " = (SELECT s FROM latest)"
        + " AND " + SCORE + " >= " + TRENDING_THRESHOLD
        + (filters.isEmpty() ? "" : " AND " + filters)
        + " ORDER BY " + SCORE + " DESC LIMIT " + TRENDING_SHOWN;
  }

  /**
   * {@code SELECT window_start, word, count} for the {@link #TREND_WORDS} words that scored
   * highest in {@value StoreTables#TRENDING} over the {@link #TREND_LATEST_WINDOWS} latest
   * windows (before any window is scored: the words with the most posts there), over the
   * {@link #TREND_HISTORY_WINDOWS} latest windows, oldest first. The latest windows are found
   * by a walk down the primary key (one index probe per window), not by a DISTINCT over the
   * table.
   */
  public static String trendsSql(View view) {
    String filters = filters(view);
    String t = WINDOWED_WORD_COUNTS;
    return "WITH RECURSIVE windows (s, e, n) AS ("
        + "(SELECT " + WINDOW_START + ", " + WINDOW_END + ", 1 FROM " + t
        + " ORDER BY " + WINDOW_START + " DESC LIMIT 1)"
        + " UNION ALL SELECT x." + WINDOW_START + ", x." + WINDOW_END + ", w.n + 1 FROM windows w"
        + " CROSS JOIN LATERAL (SELECT " + WINDOW_START + ", " + WINDOW_END + " FROM " + t
        + " WHERE " + WINDOW_START + " < w.s ORDER BY " + WINDOW_START + " DESC LIMIT 1) x"
        + " WHERE w.n < " + TREND_HISTORY_WINDOWS + "),"
        + " candidates AS (SELECT c." + WORD + ", c." + COUNT + " FROM windows w"
        + " CROSS JOIN LATERAL (SELECT " + WORD + ", " + COUNT + " FROM " + t
        + " WHERE " + WINDOW_START + " = w.s" + (filters.isEmpty() ? "" : " AND " + filters)
        + " ORDER BY " + COUNT + " DESC LIMIT " + TREND_CANDIDATES + ") c"
        + " WHERE w.n <= " + TREND_LATEST_WINDOWS + "),"
        + " frequent AS (SELECT " + WORD + " FROM candidates GROUP BY " + WORD
        + " ORDER BY sum(" + COUNT + ") DESC, " + WORD + " LIMIT " + TREND_WORDS + "),"
        + " rising AS (SELECT r." + WORD + " FROM windows w"
        + " CROSS JOIN LATERAL (SELECT " + WORD + ", " + SCORE + " FROM " + TRENDING
        + " WHERE " + WINDOW_START + " = w.s AND " + SCORE + " >= " + TRENDING_THRESHOLD
        + (filters.isEmpty() ? "" : " AND " + filters)
        + " ORDER BY " + SCORE + " DESC LIMIT " + TREND_CANDIDATES + ") r"
        + " WHERE w.n <= " + TREND_LATEST_WINDOWS + " GROUP BY r." + WORD
        + " ORDER BY max(r." + SCORE + ") DESC, r." + WORD + " LIMIT " + TREND_WORDS + "),"
        // Until the first windows are scored (a young stream), the most frequent words.
        + " top AS (SELECT " + WORD + " FROM rising UNION ALL SELECT " + WORD + " FROM frequent"
        + " WHERE NOT EXISTS (SELECT 1 FROM rising))"
        + " SELECT w.s AS " + WINDOW_START + ", c." + WORD + ", c." + COUNT + " FROM windows w"
        + " JOIN " + t + " c ON c." + WINDOW_START + " = w.s AND c." + WINDOW_END + " = w.e"
        + " AND c." + WORD + " IN (SELECT " + WORD + " FROM top)"
        + " ORDER BY w.s, c." + WORD;
  }

  /** {@code SELECT lang, posts}: posts per language among the newest posts, most first. */
  public static String languagesSql() {
    return "SELECT coalesce(" + LANG + ", 'und') AS lang, count(*) AS posts FROM (SELECT " + LANG
        + " FROM " + TWEETS + " ORDER BY " + EVENT_TIME + " DESC LIMIT " + LANGUAGE_SAMPLE
        + ") newest GROUP BY 1 ORDER BY posts DESC, lang LIMIT 100";
  }

  private static String filters(View view) {
    List<String> filters = new ArrayList<>();
    if (view.hideStopWords()) {
      filters.add("lower(" + WORD + ") NOT IN (" + StopWords.WORDS.stream().sorted()
          .map(DashboardData::literal).collect(Collectors.joining(", ")) + ")");
    }
    if (view.hashtagsOnly()) {
      filters.add(WORD + " LIKE '#%'");
    }
    return String.join(" AND ", filters);
  }

  private static String where(String filters) {
    return filters.isEmpty() ? "" : " WHERE " + filters;
  }

  /** A PostgreSQL string literal: standard strings, where only ' needs doubling. */
  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }

  private Map<String, Object> panel(String sql) {
    try {
      return Json.table(service.sql(sql));
    } catch (QueryRejectedException e) {
      return Map.of("error", e.getMessage());
    } catch (RuntimeException e) {
      LOG.debug("Dashboard query failed: {}", sql, e);
      return Map.of("error", HttpServer.oneLine(e));
    }
  }

  /** Keeps the largest languages and sums the rest into {@code other}. */
  private static Map<String, Object> languages(Map<String, Object> panel) {
    if (!panel.containsKey("rows")) {
      return panel;
    }
    @SuppressWarnings("unchecked")
    List<List<Object>> rows = (List<List<Object>>) panel.get("rows");
    if (rows.size() <= LANGUAGES_SHOWN) {
      return panel;
    }
    List<List<Object>> kept = new ArrayList<>(rows.subList(0, LANGUAGES_SHOWN - 1));
    long other = 0;
    for (List<Object> row : rows.subList(LANGUAGES_SHOWN - 1, rows.size())) {
      other += row.get(1) instanceof Number n ? n.longValue() : 0;
    }
    kept.add(List.of("other", other));
    Map<String, Object> folded = new LinkedHashMap<>(panel);
    folded.put("rows", kept);
    return folded;
  }
}
