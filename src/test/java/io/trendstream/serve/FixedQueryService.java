package io.trendstream.serve;

import io.trendstream.pipeline.JobStatus.Progress;
import io.trendstream.pipeline.JobStatus.QueryStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@link QueryService} over fixed tables, standing in for the pipeline at the HTTP boundary
 * only. Input: SQL text. Output: the first table whose pattern is found in the SQL (so the
 * dashboard's fixed SELECTs and a test's own SELECT both get an answer); SQL matching no
 * pattern, or containing {@link #REJECTED}, is rejected like a bad statement; SQL containing
 * {@link #BROKEN} throws an unexpected error. Every statement is recorded.
 */
public final class FixedQueryService implements QueryService {
  /** A statement containing this is rejected with {@link #REJECTION}. */
  public static final String REJECTED = "NOSUCHTABLE";
  public static final String REJECTION =
      "ERROR: relation \"nosuchtable\" does not exist";
  /** A statement containing this fails the way a pipeline bug would. */
  public static final String BROKEN = "BROKEN";

  private static final Pattern TRAILING_LIMIT =
      Pattern.compile("\\bLIMIT\\s+(\\d+)\\s*$", Pattern.CASE_INSENSITIVE);

  private final List<Map.Entry<Pattern, TableResult>> tables = new CopyOnWriteArrayList<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private volatile List<QueryStatus> statuses = List.of();

  /** Answers SQL in which {@code regex} is found with {@code result}. */
  public FixedQueryService table(String regex, TableResult result) {
    tables.add(Map.entry(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), result));
    return this;
  }

  public FixedQueryService statuses(List<QueryStatus> statuses) {
    this.statuses = List.copyOf(statuses);
    return this;
  }

  public List<String> seen() {
    return new ArrayList<>(seen);
  }

  @Override
  public TableResult sql(String query) throws QueryRejectedException {
    seen.add(query);
    if (query.contains(REJECTED)) {
      throw new QueryRejectedException(REJECTION);
    }
    if (query.contains(BROKEN)) {
      throw new IllegalStateException("executor lost\n\tat org.apache.spark.Something(X.java:1)");
    }
    for (Map.Entry<Pattern, TableResult> table : tables) {
      if (table.getKey().matcher(query).find()) {
        return limit(query, table.getValue());
      }
    }
    throw new QueryRejectedException("no fixed table for: " + query);
  }

  /** Honours a trailing {@code LIMIT n}, so the page's "top N" control shows N rows. */
  private static TableResult limit(String query, TableResult table) {
    Matcher m = TRAILING_LIMIT.matcher(query);
    if (!m.find()) {
      return table;
    }
    int n = Integer.parseInt(m.group(1));
    return n >= table.rows().size()
        ? table
        : new TableResult(table.columns(), table.rows().subList(0, n), table.truncated());
  }

  @Override
  public List<QueryStatus> queries() {
    return statuses;
  }

  public static TableResult result(List<String> columns, List<List<Object>> rows) {
    return new TableResult(columns, rows, false);
  }

  /**
   * The dashboard's world in miniature: known word counts (top word {@code spark}, with a stop
   * word {@code the} above it and a hashtag), windowed counts with a rising {@code #kafka}, two
   * languages and three queries with progress.
   */
  public static FixedQueryService demo() {
    // Most specific first: the trends query also carries the word filters.
    return new FixedQueryService()
        // The trending panel's query also reads the windowed counts: it comes first.
        .table("AS history", result(List.of("word", "score", "count", "baseline", "history"),
            List.of(List.of("#kafka", 5.2, 30L, 4.5, "2,9,30"))))
        .table("FROM windowed_word_counts", result(List.of("window_start", "word", "count"),
            List.of(
                List.of("2024-05-01T10:00:00Z", "#kafka", 2L),
                List.of("2024-05-01T10:00:00Z", "spark", 20L),
                List.of("2024-05-01T10:01:00Z", "#kafka", 9L),
                List.of("2024-05-01T10:01:00Z", "spark", 22L),
                List.of("2024-05-01T10:02:00Z", "#kafka", 30L),
                List.of("2024-05-01T10:02:00Z", "spark", 21L))))
        .table("FROM tweets ORDER BY event_time", result(List.of("lang", "posts"),
            List.of(List.of("en", 700L), List.of("es", 200L), List.of("ja", 100L))))
        .table("word LIKE '#%'", result(List.of("word", "count"),
            List.of(List.of("#kafka", 40L), List.of("#spark", 12L))))
        .table("FROM word_counts WHERE lower", result(List.of("word", "count"),
            List.of(List.of("spark", 120L), List.of("streaming", 95L), List.of("#kafka", 40L),
                List.of("window", 33L))))
        .table("FROM word_counts", result(List.of("word", "count"),
            List.of(List.of("the", 300L), List.of("spark", 120L), List.of("streaming", 95L),
                List.of("#kafka", 40L))))
        .statuses(List.of(
            status("tweets", "ACTIVE", null, 1000.0, 1200.0),
            status("word_counts", "ACTIVE", null, 1000.0, 900.0),
            new QueryStatus("windowed_word_counts", "FAILED",
                "Query windowed_word_counts terminated: boom", null, List.of())));
  }

  static QueryStatus status(String name, String state, String error, double in, double out) {
    List<Progress> recent = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      recent.add(new Progress(i, "2024-05-01T10:00:0" + i + "Z", (long) in, in + i, out + i,
          250 + i, i == 4 ? 3 : 0, 10L * i));
    }
    return new QueryStatus(name, state, error, recent.get(recent.size() - 1), recent);
  }

  /**
   * A busier world for screenshots and the browser test: twenty words (stop words on top, then
   * {@code spark}), a hashtag {@code #kafka} rising over 20 one-minute windows, ten languages,
   * and three active queries with two minutes of progress.
   */
  public static FixedQueryService showcase() {
    List<List<Object>> words = List.of(
        row("the", 9120L), row("to", 6233L), row("and", 5407L), row("a", 4980L),
        row("spark", 3954L), row("streaming", 3310L), row("#kafka", 2987L), row("of", 2850L),
        row("data", 2544L), row("pipeline", 2011L), row("window", 1765L), row("#bigdata", 1502L),
        row("realtime", 1377L), row("query", 1240L), row("latency", 1105L), row("cluster", 986L),
        row("broker", 911L), row("topic", 850L), row("#java", 774L), row("events", 702L));
    List<List<Object>> content = words.stream()
        .filter(r -> !StopWords.WORDS.contains((String) r.get(0))).toList();
    List<List<Object>> tags = words.stream()
        .filter(r -> ((String) r.get(0)).startsWith("#")).toList();
    List<List<Object>> windows = new ArrayList<>();
    for (int w = 0; w < 20; w++) {
      String start = String.format("2024-05-01T10:%02d:00Z", w);
      windows.add(row(start, "#kafka", (long) (8 * Math.pow(1.27, w))));
      windows.add(row(start, "spark", 180L + (w * 37 % 23)));
      windows.add(row(start, "streaming", 230L - 4L * w + (w * 13 % 11)));
      windows.add(row(start, "data", 120L + (w * 29 % 41)));
      windows.add(row(start, "pipeline", 90L + (w * 7 % 17)));
    }
    List<List<Object>> langs = List.of(row("en", 5200L), row("es", 1400L), row("pt", 900L),
        row("ja", 800L), row("fr", 400L), row("de", 300L), row("und", 250L), row("it", 150L),
        row("ko", 100L), row("tr", 90L));
    return new FixedQueryService()
        .table("AS history", result(
            List.of("word", "score", "count", "baseline", "history"), List.of(
            List.of("#kafka", 14.3, 1097L, 310.4, "107,136,173,219,279,354,449,570,724,920,1097"),
            List.of("#bigdata", 6.1, 240L, 61.0, "52,49,60,71,88,120,160,201,240"),
            List.of("latency", 3.4, 90L, 40.2, "41,38,44,40,39,52,70,90"))))
        .table("FROM windowed_word_counts", result(List.of("window_start", "word", "count"),
            windows))
        .table("FROM tweets ORDER BY event_time", result(List.of("lang", "posts"), langs))
        .table("word LIKE '#%'", result(List.of("word", "count"), tags))
        .table("FROM word_counts WHERE lower", result(List.of("word", "count"), content))
        .table("FROM word_counts", result(List.of("word", "count"), words))
        .statuses(List.of(busy("tweets", 0), busy("word_counts", 1),
            busy("windowed_word_counts", 2)));
  }

  private static QueryStatus busy(String name, int seed) {
    List<Progress> recent = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      double in = 5000 + 900 * Math.sin((i + seed) / 6.0) + (i * 37 % 13) * 20;
      double out = in * (1.35 + 0.1 * Math.cos(i / 4.0)) - seed * 300;
      String time = String.format("2024-05-01T10:%02d:%02dZ", 18 + i * 2 / 60, i * 2 % 60);
      recent.add(new Progress(1000 + i, time, (long) (in * 2), in, out, 640 + seed * 110
          + (i * 31 % 90), i % 17 == 0 ? 1 : 0, (i * 53 % 120) + seed * 40L));
    }
    return new QueryStatus(name, "ACTIVE", null, recent.get(recent.size() - 1), recent);
  }

  private static List<Object> row(Object... values) {
    return List.of(values);
  }
}
