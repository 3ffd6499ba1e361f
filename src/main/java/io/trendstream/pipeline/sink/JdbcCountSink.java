package io.trendstream.pipeline.sink;

import io.trendstream.pipeline.DurableSink;
import io.trendstream.pipeline.SinkContext;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code --sink jdbc:postgresql://HOST/DB?user=…&password=…}: the running and windowed word
 * counts upserted into PostgreSQL through {@code foreachBatch}, as two queries
 * ({@value #WORD_COUNTS_QUERY}, {@value #WINDOWED_QUERY}). Tables, created if missing:
 *
 * <ul>
 *   <li>{@value #WORD_COUNTS_TABLE}{@code (word TEXT PRIMARY KEY, count BIGINT)};
 *   <li>{@value #WINDOWED_TABLE}{@code (window_start TIMESTAMPTZ, window_end TIMESTAMPTZ, word
 *       TEXT, count BIGINT, PRIMARY KEY (window_start, window_end, word))};
 *   <li>{@value #BATCHES_TABLE}{@code (query_name, query_id, batch_id, committed_at)}: the last
 *       batch each query applied.
 * </ul>
 *
 * <p>Idempotent per batch: one transaction per batch upserts the batch's changed rows (update
 * mode: current counts, not increments) and records its batch id; a batch id already recorded
 * for the query is skipped, so a batch Spark replays after a crash changes nothing. The query
 * id (kept in the checkpoint) is part of the key, so a fresh checkpoint starts over instead of
 * skipping its first batches.
 */
public final class JdbcCountSink implements DurableSink {
  public static final String WORD_COUNTS_TABLE = "word_counts";
  public static final String WINDOWED_TABLE = "windowed_word_counts";
  public static final String BATCHES_TABLE = "trendstream_sink_batches";
  public static final String WORD_COUNTS_QUERY = "word_counts_jdbc";
  public static final String WINDOWED_QUERY = "windowed_word_counts_jdbc";
  /** The only JDBC URLs accepted: the upserts are PostgreSQL's {@code ON CONFLICT}. */
  public static final String URL_PREFIX = "jdbc:postgresql:";
  /** Rows sent to the server per round trip. */
  static final int ROWS_PER_ROUND_TRIP = 1_000;
  /** Spark's local property holding the streaming query's id on the batch's thread. */
  private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";

  private static final Logger LOG = LoggerFactory.getLogger(JdbcCountSink.class);

  private static final List<String> DDL = List.of(
      "CREATE TABLE IF NOT EXISTS " + WORD_COUNTS_TABLE
          + " (word TEXT PRIMARY KEY, count BIGINT NOT NULL)",
      "CREATE TABLE IF NOT EXISTS " + WINDOWED_TABLE
          + " (window_start TIMESTAMPTZ NOT NULL, window_end TIMESTAMPTZ NOT NULL,"
          + " word TEXT NOT NULL, count BIGINT NOT NULL,"
          + " PRIMARY KEY (window_start, window_end, word))",
      "CREATE TABLE IF NOT EXISTS " + BATCHES_TABLE
          + " (query_name TEXT NOT NULL, query_id TEXT NOT NULL, batch_id BIGINT NOT NULL,"
          + " committed_at TIMESTAMPTZ NOT NULL DEFAULT now(),"
          + " PRIMARY KEY (query_name, query_id))");
  private static final String UPSERT_WORD = "INSERT INTO " + WORD_COUNTS_TABLE
      + " (word, count) VALUES (?, ?) ON CONFLICT (word) DO UPDATE SET count = EXCLUDED.count";
  private static final String UPSERT_WINDOW = "INSERT INTO " + WINDOWED_TABLE
      + " (window_start, window_end, word, count) VALUES (?, ?, ?, ?)"
      + " ON CONFLICT (window_start, window_end, word) DO UPDATE SET count = EXCLUDED.count";
  private static final String LAST_BATCH = "SELECT batch_id FROM " + BATCHES_TABLE
      + " WHERE query_name = ? AND query_id = ? FOR UPDATE";
  private static final String RECORD_BATCH = "INSERT INTO " + BATCHES_TABLE
      + " (query_name, query_id, batch_id) VALUES (?, ?, ?) ON CONFLICT (query_name, query_id)"
      + " DO UPDATE SET batch_id = EXCLUDED.batch_id, committed_at = now()";

  private final String url;

  /** @param url a PostgreSQL JDBC URL, credentials as {@code user}/{@code password} params */
  public JdbcCountSink(String url) {
    if (!url.startsWith(URL_PREFIX)) {
      throw new IllegalArgumentException("only PostgreSQL is supported: expected "
          + URL_PREFIX + "//HOST[:PORT]/DATABASE?user=…&password=…, got " + masked(url));
    }
    this.url = url;
  }

  @Override
  public String describe() {
    return masked(url);
  }

  /** The URL with its password replaced, fit for logs and messages. */
  static String masked(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  @Override
  public List<StreamingQuery> start(SinkContext context) throws TimeoutException {
    createTables();
    String counts = context.queryName(WORD_COUNTS_QUERY);
    String windowed = context.queryName(WINDOWED_QUERY);
    // Update mode: each batch carries only the keys whose count changed, with their current
    // count, so an upsert per row makes the table current; complete mode would rewrite every
    // row each batch, and append cannot emit a running count.
    VoidFunction2<Dataset<Row>, Long> writeCounts =
        (batch, id) -> write(counts, false, batch, id);
    VoidFunction2<Dataset<Row>, Long> writeWindows =
        (batch, id) -> write(windowed, true, batch, id);
    return List.of(
        context.writer(WORD_COUNTS_QUERY, context.wordCounts(), OutputMode.Update())
            .foreachBatch(writeCounts)
            .start(),
        context.writer(WINDOWED_QUERY, context.windowedWordCounts(), OutputMode.Update())
            .foreachBatch(writeWindows)
            .start());
  }

  /** Creates the tables if missing; fails fast with one line when the server says no. */
  void createTables() {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String ddl : DDL) {
        s.execute(ddl);
      }
    } catch (SQLException e) {
      throw new SinkUnavailableException("cannot prepare PostgreSQL tables at " + masked(url)
          + ": " + e.getMessage(), e);
    }
  }

  /**
   * Applies one micro-batch in one transaction, unless this query already applied it.
   *
   * @return whether the batch was applied (false: a replay, skipped)
   */
  boolean write(String queryName, boolean windowed, Dataset<Row> batch, long batchId)
      throws SQLException {
    String queryId = batch.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
    if (queryId == null) {
      queryId = "";
    }
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      Long last = lastBatch(c, queryName, queryId);
      if (last != null && last >= batchId) {
        c.rollback();
        LOG.info("{}: batch {} was already applied (last {}), skipped", queryName, batchId, last);
        // Still run the plan, as Spark does for any replayed batch: its state and metrics.
        batch.write().format("noop").mode("overwrite").save();
        return false;
      }
      long rows = upsert(c, windowed, batch.toLocalIterator());
      try (PreparedStatement ps = c.prepareStatement(RECORD_BATCH)) {
        ps.setString(1, queryName);
        ps.setString(2, queryId);
        ps.setLong(3, batchId);
        ps.executeUpdate();
      }
      c.commit();
      LOG.debug("{}: batch {} upserted {} rows", queryName, batchId, rows);
      return true;
    }
  }

  private static Long lastBatch(Connection c, String queryName, String queryId)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(LAST_BATCH)) {
      ps.setString(1, queryName);
      ps.setString(2, queryId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }

  private static long upsert(Connection c, boolean windowed, Iterator<Row> rows)
      throws SQLException {
    long n = 0;
    try (PreparedStatement ps = c.prepareStatement(windowed ? UPSERT_WINDOW : UPSERT_WORD)) {
      while (rows.hasNext()) {
        Row r = rows.next();
        if (windowed) {
          ps.setObject(1, utc(r.get(0)));
          ps.setObject(2, utc(r.get(1)));
          ps.setString(3, text(r.getString(2)));
          ps.setLong(4, r.getLong(3));
        } else {
          ps.setString(1, text(r.getString(0)));
          ps.setLong(2, r.getLong(1));
        }
        ps.addBatch();
        if (++n % ROWS_PER_ROUND_TRIP == 0) {
          ps.executeBatch();
        }
      }
      if (n % ROWS_PER_ROUND_TRIP != 0) {
        ps.executeBatch();
      }
    }
    return n;
  }

  private static OffsetDateTime utc(Object timestamp) {
    Instant i = timestamp instanceof Instant
        ? (Instant) timestamp
        : ((Timestamp) timestamp).toInstant();
    return i.atOffset(ZoneOffset.UTC);
  }

  /** PostgreSQL text cannot hold NUL, which a whitespace-split word can. */
  private static String text(String word) {
    return word.indexOf('\0') < 0 ? word : word.replace('\0', '\uFFFD');
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(url);
  }
}
