package io.trendstream.store;

import java.util.List;
import java.util.stream.Stream;

/**
 * The serving store's tables, their columns and indexes: the one owner of the live tables'
 * names, used by the job that writes them, the SQL API and dashboard that read them, and the
 * tests.
 *
 * <ul>
 *   <li>{@value #TWEETS}: every post within the retention ({@code created_at, id, id_str, text,
 *       retweet_count, favorite_count, favorited, retweeted, lang, event_time}), appended;
 *       indexed for the newest posts, by language, and for text search
 *       ({@code to_tsvector('simple', text)}).
 *   <li>{@value #WORD_COUNTS}{@code (word, count)}: running count per word, upserted by word;
 *       indexed by count for top-N queries.
 *   <li>{@value #WINDOWED_WORD_COUNTS}{@code (window_start, window_end, word, count)}: count per
 *       word per event-time window, upserted by (window, word); indexed by (window, count).
 *   <li>{@value #TRENDING}{@code (window_start, window_end, word, count, baseline, deviation,
 *       score)}: per window and word seen at least the minimum count, how far the count is above
 *       the word's usual level ({@link Trending}); written with {@value #WINDOWED_WORD_COUNTS}'s
 *       batches; indexed by (window, score) for "top trending in the newest window".
 *   <li>{@value #TRENDING_WORDS}, {@value #TRENDING_STREAM}: the per-word baselines the scores
 *       are computed from, and where the stream's windows are. Not readable by the SQL role.
 *   <li>{@value #BATCHES}: the last micro-batch each query applied, so a replayed batch is
 *       skipped. Not readable by the SQL role.
 * </ul>
 */
public final class StoreTables {
  public static final String TWEETS = "tweets";
  public static final String WORD_COUNTS = "word_counts";
  public static final String WINDOWED_WORD_COUNTS = "windowed_word_counts";
  /** The live tables, in the order the job starts their queries. */
  public static final List<String> LIVE = List.of(WORD_COUNTS, WINDOWED_WORD_COUNTS, TWEETS);
  public static final String BATCHES = "trendstream_batches";
  public static final String TRENDING = "trending";
  /** Per word: its exponentially weighted count statistics up to a window ({@link Trending}). */
  public static final String TRENDING_WORDS = "trending_words";
  /** One row: the stream's first window and how far the baselines are folded. */
  public static final String TRENDING_STREAM = "trending_stream";
  /** Tables the reader role may SELECT. */
  public static final List<String> READABLE = List.of(WORD_COUNTS, WINDOWED_WORD_COUNTS, TWEETS,
      TRENDING);
  public static final String SCORE = "score";
  public static final String BASELINE = "baseline";

  public static final String WORD = "word";
  public static final String COUNT = "count";
  public static final String WINDOW_START = "window_start";
  public static final String WINDOW_END = "window_end";
  public static final String EVENT_TIME = "event_time";
  public static final String LANG = "lang";
  public static final String TEXT = "text";

  /** The role {@code /api/sql} and outside PostgreSQL clients read as: SELECT only. */
  public static final String READER_ROLE = "trendstream_reader";

  /** Columns of {@value #TWEETS}, in COPY order. */
  public static final List<String> TWEET_COLUMNS = List.of("created_at", "id", "id_str", TEXT,
      "retweet_count", "favorite_count", "favorited", "retweeted", LANG, EVENT_TIME);

  /** The posts table and its indexes. */
  static final List<String> TWEETS_DDL = List.of(
      "CREATE TABLE IF NOT EXISTS " + TWEETS + " (created_at TEXT, id BIGINT, id_str TEXT,"
          + " text TEXT NOT NULL, retweet_count BIGINT, favorite_count BIGINT,"
          + " favorited BOOLEAN, retweeted BOOLEAN, lang TEXT,"
          + " event_time TIMESTAMPTZ NOT NULL)",
      "CREATE INDEX IF NOT EXISTS tweets_event_time ON " + TWEETS + " (event_time)",
      "CREATE INDEX IF NOT EXISTS tweets_lang ON " + TWEETS + " (lang, event_time)",
      // 'simple': no stemming or stop words, so it works the same for every language.
      "CREATE INDEX IF NOT EXISTS tweets_text ON " + TWEETS
          + " USING gin (to_tsvector('simple', text))");

  /** The two count tables, their indexes and the batch record: all a copy of the counts needs. */
  static final List<String> COUNTS_DDL = List.of(
      // fillfactor leaves room on each page for the new versions that every upsert writes.
      "CREATE TABLE IF NOT EXISTS " + WORD_COUNTS + " (word TEXT PRIMARY KEY,"
          + " count BIGINT NOT NULL) WITH (fillfactor = 80)",
      "CREATE INDEX IF NOT EXISTS word_counts_count ON " + WORD_COUNTS + " (count)",
      "CREATE TABLE IF NOT EXISTS " + WINDOWED_WORD_COUNTS
          + " (window_start TIMESTAMPTZ NOT NULL, window_end TIMESTAMPTZ NOT NULL,"
          + " word TEXT NOT NULL, count BIGINT NOT NULL,"
          + " PRIMARY KEY (window_start, window_end, word)) WITH (fillfactor = 80)",
      "CREATE INDEX IF NOT EXISTS windowed_word_counts_count ON " + WINDOWED_WORD_COUNTS
          + " (window_start, count)",
      "CREATE TABLE IF NOT EXISTS " + BATCHES + " (query_name TEXT PRIMARY KEY,"
          + " query_id TEXT NOT NULL, batch_id BIGINT NOT NULL,"
          + " committed_at TIMESTAMPTZ NOT NULL DEFAULT now())",
      // The latest event time of the windowed count's batches so far, when the store keeps the
      // windowed count itself: the watermark its next batch drops late windows by.
      "ALTER TABLE " + BATCHES + " ADD COLUMN IF NOT EXISTS max_event_time TIMESTAMPTZ");

  /** The trend scores and the state they are computed from. */
  static final List<String> TRENDING_DDL = List.of(
      "CREATE TABLE IF NOT EXISTS " + TRENDING
          + " (window_start TIMESTAMPTZ NOT NULL, window_end TIMESTAMPTZ NOT NULL,"
          + " word TEXT NOT NULL, count BIGINT NOT NULL, baseline DOUBLE PRECISION NOT NULL,"
          + " deviation DOUBLE PRECISION NOT NULL, score DOUBLE PRECISION NOT NULL,"
          + " PRIMARY KEY (window_start, window_end, word)) WITH (fillfactor = 80)",
      // ORDER BY score DESC LIMIT n for one window: a backward walk of this index.
      "CREATE INDEX IF NOT EXISTS trending_score ON " + TRENDING + " (window_start, score)",
      "CREATE TABLE IF NOT EXISTS " + TRENDING_WORDS + " (word TEXT PRIMARY KEY,"
          + " through TIMESTAMPTZ NOT NULL, mean DOUBLE PRECISION NOT NULL,"
          + " m2 DOUBLE PRECISION NOT NULL) WITH (fillfactor = 80)",
      // Words unseen for the state's time to live are deleted by this index.
      "CREATE INDEX IF NOT EXISTS trending_words_through ON " + TRENDING_WORDS + " (through)",
      "CREATE TABLE IF NOT EXISTS " + TRENDING_STREAM + " (id INT PRIMARY KEY,"
          + " first_window TIMESTAMPTZ NOT NULL, folded TIMESTAMPTZ NOT NULL)");

  /** Everything the serving store holds. */
  static final List<String> DDL = Stream.of(TWEETS_DDL, COUNTS_DDL, TRENDING_DDL)
      .flatMap(List::stream)
      .toList();

  private StoreTables() {}
}
