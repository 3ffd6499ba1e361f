package io.trendstream.serve;

import io.trendstream.serve.QueryService.Progress;
import io.trendstream.serve.QueryService.QueryRejectedException;
import io.trendstream.serve.QueryService.QueryStatus;
import io.trendstream.serve.QueryService.TableResult;
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
 * {@code {"view":{..},"queries":[..],"topWords":T,"trends":T,"languages":T}} where each
 * {@code T} is {@code {"columns":[..],"rows":[[..]],"truncated":b}} or {@code {"error":msg}}
 * (a panel whose table does not exist yet, before the first batch, shows its error alone).
 *
 * <p>Table and column names are the pipeline's: {@code word_counts(word, count)},
 * {@code windowed_word_counts(window_start, window_end, word, count)} and {@code tweets(.., lang,
 * ..)}. The windowed table is fed in update mode, so it may hold several rows per window and
 * word: the queries take the largest count of each pair.
 */
public final class DashboardData {
  public static final String TWEETS = "tweets";
  public static final String WORD_COUNTS = "word_counts";
  public static final String WINDOWED_WORD_COUNTS = "windowed_word_counts";
  /** Words drawn in the trends chart. */
  public static final int TREND_WORDS = 5;
  /** The trend words are the top ones of this many latest windows... */
  public static final int TREND_LATEST_WINDOWS = 3;
  /** ...drawn over this many latest windows. */
  public static final int TREND_HISTORY_WINDOWS = 30;
  /** Languages beyond this many are summed into "other". */
  public static final int LANGUAGES_SHOWN = 8;
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
    snapshot.put("queries", queries(service.queries()));
    snapshot.put("topWords", panel(topWordsSql(view)));
    snapshot.put("trends", panel(trendsSql(view)));
    snapshot.put("languages", languages(panel(languagesSql())));
    return snapshot;
  }

  /** {@code SELECT word, count} of the top words, largest first. */
  public static String topWordsSql(View view) {
    return "SELECT word, `count` FROM " + WORD_COUNTS
        + where(filters(view))
        + " ORDER BY `count` DESC, word LIMIT " + view.top();
  }

  /**
   * {@code SELECT window_start, word, count} for the {@link #TREND_WORDS} words with the most
   * posts in the {@link #TREND_LATEST_WINDOWS} latest windows, over the
   * {@link #TREND_HISTORY_WINDOWS} latest windows, oldest first.
   */
  public static String trendsSql(View view) {
    String filters = filters(view);
    String latest = "SELECT min(window_start) FROM (SELECT DISTINCT window_start FROM "
        + WINDOWED_WORD_COUNTS + " ORDER BY window_start DESC LIMIT %d) w";
    String topWords = "SELECT word FROM (SELECT window_start, word, max(`count`) AS c FROM "
        + WINDOWED_WORD_COUNTS
        + " WHERE window_start >= (" + latest.formatted(TREND_LATEST_WINDOWS) + ")"
        + (filters.isEmpty() ? "" : " AND " + filters)
        + " GROUP BY window_start, word) t GROUP BY word ORDER BY sum(c) DESC, word LIMIT "
        + TREND_WORDS;
    return "SELECT window_start, word, max(`count`) AS `count` FROM " + WINDOWED_WORD_COUNTS
        + " WHERE window_start >= (" + latest.formatted(TREND_HISTORY_WINDOWS) + ")"
        + " AND word IN (" + topWords + ")"
        + " GROUP BY window_start, word ORDER BY window_start, word";
  }

  /** {@code SELECT lang, posts}: posts per language, most first. */
  public static String languagesSql() {
    return "SELECT coalesce(lang, 'und') AS lang, count(*) AS posts FROM " + TWEETS
        + " GROUP BY coalesce(lang, 'und') ORDER BY posts DESC, lang LIMIT 100";
  }

  private static String filters(View view) {
    List<String> filters = new ArrayList<>();
    if (view.hideStopWords()) {
      filters.add("lower(word) NOT IN (" + StopWords.WORDS.stream().sorted()
          .map(DashboardData::literal).collect(Collectors.joining(", ")) + ")");
    }
    if (view.hashtagsOnly()) {
      filters.add("word LIKE '#%'");
    }
    return String.join(" AND ", filters);
  }

  private static String where(String filters) {
    return filters.isEmpty() ? "" : " WHERE " + filters;
  }

  /** A Spark SQL string literal: backslash is an escape there, so both it and ' are escaped. */
  static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

  private Map<String, Object> panel(String sql) {
    try {
      return table(service.sql(sql));
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

  /** A result as the JSON the API returns. */
  public static Map<String, Object> table(TableResult result) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("columns", result.columns());
    json.put("rows", result.rows());
    json.put("truncated", result.truncated());
    return json;
  }

  /** Query statuses as JSON; NaN and infinite rates (Spark's before any input) become null. */
  public static List<Map<String, Object>> queries(List<QueryStatus> statuses) {
    List<Map<String, Object>> json = new ArrayList<>();
    for (QueryStatus status : statuses) {
      Map<String, Object> query = new LinkedHashMap<>();
      query.put("name", status.name());
      query.put("status", status.status());
      query.put("error", status.error());
      query.put("lastProgress", progress(status.lastProgress()));
      List<Map<String, Object>> recent = new ArrayList<>();
      if (status.recentProgress() != null) {
        for (Progress p : status.recentProgress()) {
          recent.add(progress(p));
        }
      }
      query.put("recentProgress", recent);
      query.put("malformedTotal", status.malformedTotal());
      json.add(query);
    }
    return json;
  }

  private static Map<String, Object> progress(Progress p) {
    if (p == null) {
      return null;
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("batchId", p.batchId());
    json.put("timestamp", p.timestamp());
    json.put("inputRows", p.inputRows());
    json.put("inputRowsPerSecond", finite(p.inputRowsPerSecond()));
    json.put("processedRowsPerSecond", finite(p.processedRowsPerSecond()));
    json.put("batchDurationMs", p.batchDurationMs());
    json.put("malformed", p.malformed());
    json.put("consumerLag", p.consumerLag());
    return json;
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
