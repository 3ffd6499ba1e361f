package io.trendstream.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A {@link QueryService} over fixed tables, standing in for the pipeline at the HTTP boundary
 * only. Input: SQL text. Output: the first table whose pattern is found in the SQL (so the
 * dashboard's fixed SELECTs and a test's own SELECT both get an answer); SQL matching no
 * pattern, or containing {@link #REJECTED}, is rejected like a bad statement; SQL containing
 * {@link #BROKEN} throws an unexpected error. Every statement is recorded.
 */
final class FixedQueryService implements QueryService {
  /** A statement containing this is rejected with {@link #REJECTION}. */
  static final String REJECTED = "NOSUCHTABLE";
  static final String REJECTION = "[TABLE_OR_VIEW_NOT_FOUND] The table `nosuchtable` cannot"
      + " be found.";
  /** A statement containing this fails the way a pipeline bug would. */
  static final String BROKEN = "BROKEN";

  private final List<Map.Entry<Pattern, TableResult>> tables = new CopyOnWriteArrayList<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private volatile List<QueryStatus> statuses = List.of();

  /** Answers SQL in which {@code regex} is found with {@code result}. */
  FixedQueryService table(String regex, TableResult result) {
    tables.add(Map.entry(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), result));
    return this;
  }

  FixedQueryService statuses(List<QueryStatus> statuses) {
    this.statuses = List.copyOf(statuses);
    return this;
  }

  List<String> seen() {
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
        return table.getValue();
      }
    }
    throw new QueryRejectedException("no fixed table for: " + query);
  }

  @Override
  public List<QueryStatus> queries() {
    return statuses;
  }

  static TableResult result(List<String> columns, List<List<Object>> rows) {
    return new TableResult(columns, rows, false);
  }

  /**
   * The dashboard's world in miniature: known word counts (top word {@code spark}, with a stop
   * word {@code the} above it and a hashtag), windowed counts with a rising {@code #kafka}, two
   * languages and three queries with progress.
   */
  static FixedQueryService demo() {
    // Most specific first: the trends query also carries the word filters.
    return new FixedQueryService()
        .table("FROM windowed_word_counts", result(List.of("window_start", "word", "count"),
            List.of(
                List.of("2024-05-01T10:00:00Z", "#kafka", 2L),
                List.of("2024-05-01T10:00:00Z", "spark", 20L),
                List.of("2024-05-01T10:01:00Z", "#kafka", 9L),
                List.of("2024-05-01T10:01:00Z", "spark", 22L),
                List.of("2024-05-01T10:02:00Z", "#kafka", 30L),
                List.of("2024-05-01T10:02:00Z", "spark", 21L))))
        .table("FROM tweets GROUP BY", result(List.of("lang", "posts"),
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
}
