package io.trendstream.store;

import static io.trendstream.store.StoreTables.BATCHES;
import static io.trendstream.store.StoreTables.READER_ROLE;
import static io.trendstream.store.StoreTables.TWEETS;
import static io.trendstream.store.StoreTables.WINDOWED_WORD_COUNTS;
import static io.trendstream.store.StoreTables.WORD_COUNTS;

import com.zaxxer.hikari.HikariConfig;
import io.trendstream.common.Messages;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import org.postgresql.Driver;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving store: a PostgreSQL database holding the live tables ({@link StoreTables}). The
 * streaming job writes each micro-batch through {@link #write} in one transaction together with
 * the batch's id, so a batch Spark replays after a crash is skipped and the tables always equal
 * the checkpointed state; the SQL API reads through {@link #readers()}, connections of the
 * read-only role {@link StoreTables#READER_ROLE}.
 *
 * <p>Input of {@link #write}: the batch's rows as COPY text ({@link CopyText}) in the table's
 * column order. Counts are the current counts of the keys that changed (Spark's update mode),
 * upserted by key, or a batch's own counts added to the table's ({@link Batch#adds}: the counts
 * kept by the store alone); posts are appended. Cost per batch grows with the rows that changed,
 * not with the size of the tables.
 *
 * <p>{@link #countsOnly} opens the same batch writes on a database that holds a copy of the two
 * count tables alone ({@code --sink jdbc:}).
 */
public final class LiveStore implements AutoCloseable {
  /** The rows of one micro-batch, produced only when the batch is applied (not a replay). */
  public interface Batch {
    /** The rows as COPY text chunks, in the table's column order. */
    List<byte[]> copyText() throws Exception;

    /**
     * Whether the rows are this batch's own counts, to be added to the table's (the store keeps
     * the running count), rather than the current counts of the keys that changed.
     */
    default boolean adds() {
      return false;
    }

    /** Called instead of {@link #copyText} for a batch that was applied before. */
    void skipped() throws Exception;
  }

  /** How often the post cap is enforced: counting the table is not free. */
  static final Duration CAP_CHECK_EVERY = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(LiveStore.class);
  private static final String LAST_BATCH = "SELECT query_id, batch_id, max_event_time FROM "
      + BATCHES + " WHERE query_name = ? FOR UPDATE";
  private static final String RECORD_BATCH = "INSERT INTO " + BATCHES
      + " (query_name, query_id, batch_id, max_event_time) VALUES (?, ?, ?, ?)"
      + " ON CONFLICT (query_name) DO UPDATE SET query_id = EXCLUDED.query_id,"
      + " batch_id = EXCLUDED.batch_id, max_event_time = EXCLUDED.max_event_time,"
      + " committed_at = now()";
  /** The staging table of a windowed batch whose counts are added ({@link Batch#adds}). */
  private static final String WINDOW_DELTAS = "stage_window_deltas";
  /** The windowed upsert's staging table, which the trend scoring reads ({@link Trending}). */
  private static final String STAGE_WINDOWED = "stage_" + WINDOWED_WORD_COUNTS;
  private static final String WINDOWED_COLUMNS =
      "window_start TIMESTAMPTZ, window_end TIMESTAMPTZ, word TEXT, count BIGINT";

  private final String url;
  private final String description;
  /** False for {@link #countsOnly}: no posts, no reader role, nothing evicted. */
  private final boolean serving;
  private final StoreSettings settings;
  private final HikariDataSource writers;
  private final HikariDataSource readers;
  /** When the post cap was last enforced (System.nanoTime); only tweets' writer touches it. */
  private volatile Long lastCapCheck;
  /** Set by {@link #scoreTrends}: the windowed batches then also write the trend scores. */
  private volatile Trending trending;
  /** The job's windows and watermark, set by {@link #scoreTrends}. */
  private volatile TrendSettings windows;
  private final Map<String, WriteStats> stats = new ConcurrentHashMap<>();

  /**
   * What the batches of one table cost so far: batches applied, bytes of COPY text, time to get
   * the rows (the Spark job that computes and encodes them), time in the server, rows written
   * (posts appended, counts upserted) and window rows dropped as late.
   */
  public record WriteStats(long batches, long bytes, long rowsNanos, long serverNanos,
      long rows, long lateRows) {
    WriteStats plus(WriteStats o) {
      return new WriteStats(batches + o.batches, bytes + o.bytes, rowsNanos + o.rowsNanos,
          serverNanos + o.serverNanos, rows + o.rows, lateRows + o.lateRows);
    }
  }

  /**
   * @param url the writer's JDBC URL (owner of the tables; creates the reader role if it may)
   * @param readerUrl JDBC URL that logs in as {@link StoreTables#READER_ROLE}
   */
  public LiveStore(String url, String readerUrl, StoreSettings settings) {
    this(url, readerUrl, settings, true);
  }

  /**
   * The two count tables alone at {@code url}, written by the same batch writes: a durable copy
   * of the counts rather than a serving store, so no {@code tweets} table, no reader role (no
   * {@link #readers()}), and every window kept, not only the dashboard's last hours.
   */
  public static LiveStore countsOnly(String url) {
    return new LiveStore(url, url, null, false);
  }

  private LiveStore(String url, String readerUrl, StoreSettings settings, boolean serving) {
    if (!url.startsWith("jdbc:postgresql:") || !readerUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException("the store must be PostgreSQL: expected "
          + "jdbc:postgresql://HOST[:PORT]/DATABASE?user=…&password=…, got " + masked(url));
    }
    this.url = url;
    this.description = masked(url);
    this.serving = serving;
    this.settings = settings;
    this.writers = pool(serving ? "trendstream-writer" : "trendstream-counts", url, 4,
        Duration.ofSeconds(30), false);
    this.readers = serving
        ? pool("trendstream-reader", readerUrl, settings.readers(), settings.sqlTimeout(), true)
        : null;
  }

  private static HikariDataSource pool(
      String name, String url, int size, Duration wait, boolean readOnly) {
    HikariConfig c = new HikariConfig();
    c.setPoolName(name);
    c.setJdbcUrl(url);
    c.setMaximumPoolSize(size);
    c.setMinimumIdle(0);
    c.setConnectionTimeout(Math.max(250, wait.toMillis()));
    // Connect lazily: prepare() reports an unreachable server in one line.
    c.setInitializationFailTimeout(-1);
    if (readOnly) {
      // Each request is its own READ ONLY transaction, rolled back after: whatever a query sets
      // with set_config() is undone before the connection serves the next one.
      c.setAutoCommit(false);
      c.setReadOnly(true);
    }
    return new HikariDataSource(c);
  }

  /** The URL with its password masked, fit for logs and messages. */
  public static String masked(String url) {
    return url.replaceAll("(?i)(password=)[^&]*", "$1***");
  }

  /**
   * Whether two PostgreSQL JDBC URLs name the same database: the same hosts, ports and database,
   * whoever logs in and whatever else the URLs set ({@code localhost} taken as 127.0.0.1).
   */
  public static boolean sameDatabase(String a, String b) {
    return database(a).equals(database(b));
  }

  private static String database(String url) {
    Properties p = Driver.parseURL(url, null);
    if (p == null) {
      return masked(url);  // no URL pgjdbc could open either: the text is all there is
    }
    String hosts = p.getProperty(PGProperty.PG_HOST.getName()).toLowerCase(Locale.ROOT)
        .replace("localhost", "127.0.0.1");
    return hosts + ":" + p.getProperty(PGProperty.PG_PORT.getName()) + "/"
        + p.getProperty(PGProperty.PG_DBNAME.getName());
  }

  public String describe() {
    return description;
  }

  /**
   * From now on each {@value StoreTables#WINDOWED_WORD_COUNTS} batch also scores trends into
   * {@value StoreTables#TRENDING}, in the same transaction ({@link Trending}). A serving store
   * only; the job calls it with its windows before it starts.
   */
  public void scoreTrends(TrendSettings settings) {
    windows = settings;
    if (serving) {
      trending = new Trending(settings);
    }
  }

  /** How the live tables are kept and served; null for {@link #countsOnly}. */
  public StoreSettings settings() {
    return settings;
  }

  /**
   * Creates the tables, indexes and the read-only role if missing ({@link #countsOnly}: the
   * count tables and their batch record only).
   *
   * @throws StoreUnavailableException with one line when the server cannot be reached or
   *     refuses
   */
  public void prepare() {
    // Straight to the server, not through the pool: an unreachable store fails at once, in the
    // server's own words, where the pool would first retry for its whole connection wait.
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      for (String ddl : serving ? StoreTables.DDL : StoreTables.COUNTS_DDL) {
        s.execute(ddl);
      }
      if (serving) {
        prepareReader(c, s);
      }
    } catch (SQLException e) {
      String what = serving ? "the store" : "the count tables";
      throw new StoreUnavailableException("cannot prepare " + what + " at " + description + ": "
          + Messages.firstLine(e.getMessage()), e);
    }
  }

  /**
   * The reader may SELECT the live tables and nothing else: no superuser, no role memberships
   * (so no pg_read_server_files or pg_execute_server_program), read-only transactions, a
   * statement timeout the server enforces, and no CREATE in the public schema.
   */
  private void prepareReader(Connection c, Statement s) throws SQLException {
    boolean exists;
    try (ResultSet rs = s.executeQuery(
        "SELECT 1 FROM pg_roles WHERE rolname = '" + READER_ROLE + "'")) {
      exists = rs.next();
    }
    if (!exists) {
      s.execute("CREATE ROLE " + READER_ROLE
          + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION");
    }
    String tables = String.join(", ", StoreTables.READABLE);
    s.execute("GRANT USAGE ON SCHEMA public TO " + READER_ROLE);
    s.execute("GRANT SELECT ON " + tables + " TO " + READER_ROLE);
    String timeout = settings.sqlTimeout().toMillis() + "ms";
    bestEffort(c, "ALTER ROLE " + READER_ROLE + " SET default_transaction_read_only = on");
    bestEffort(c, "ALTER ROLE " + READER_ROLE + " SET statement_timeout = '" + timeout + "'");
    bestEffort(c, "ALTER ROLE " + READER_ROLE + " SET idle_in_transaction_session_timeout = '"
        + timeout + "'");
    // Superuser-only settings: a huge sort or hash spills at most this much to disk.
    bestEffort(c, "ALTER ROLE " + READER_ROLE + " SET temp_file_limit = '1GB'");
    bestEffort(c, "REVOKE CREATE ON SCHEMA public FROM PUBLIC");
  }

  /** A step an unprivileged owner of an external database may not be allowed: noted, skipped. */
  private void bestEffort(Connection c, String sql) {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      LOG.warn("store: '{}' refused ({}); set it up by hand for a locked-down reader", sql,
          e.getMessage());
    }
  }

  /** Connections of the read-only role: autocommit off, read-only, for one statement each. */
  public DataSource readers() {
    if (readers == null) {
      throw new IllegalStateException("a copy of the counts at " + description
          + " has no reader role");
    }
    return readers;
  }

  /**
   * Applies one micro-batch of {@code table} in one transaction, unless the query already
   * applied it. A batch of a query id the store has not seen (a new checkpoint) starts the table
   * over, so the table always equals what the checkpoint holds.
   *
   * @return whether the batch was applied (false: a replay, skipped)
   * @throws StoreUnavailableException when a count table's first batch here is not the query's
   *     first: the store lost what the checkpoint says it holds
   */
  public boolean write(String table, String queryId, long batchId, Batch batch) throws Exception {
    if (!serving && table.equals(TWEETS)) {
      throw new IllegalArgumentException("a copy of the counts has no " + TWEETS + " table");
    }
    try (Connection c = writers.getConnection()) {
      c.setAutoCommit(false);
      try {
        String lastQuery = null;
        long lastBatch = -1;
        OffsetDateTime maxEventTime = null;
        try (PreparedStatement ps = c.prepareStatement(LAST_BATCH)) {
          ps.setString(1, table);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              lastQuery = rs.getString(1);
              lastBatch = rs.getLong(2);
              maxEventTime = rs.getObject(3, OffsetDateTime.class);
            }
          }
        }
        if (queryId.equals(lastQuery) && lastBatch >= batchId) {
          c.rollback();
          LOG.info("{}: batch {} was applied before (last {}), skipped", table, batchId,
              lastBatch);
          batch.skipped();
          return false;
        }
        if (lastQuery == null && batchId > 0 && !table.equals(TWEETS)) {
          // Update mode sends only what changed: the counts of earlier batches would be missing.
          throw lost(table, batchId);
        }
        Applied applied;
        long t0 = System.nanoTime();
        List<byte[]> rows = batch.copyText();
        long t1 = System.nanoTime();
        try (Statement s = c.createStatement()) {
          if (lastQuery != null && !queryId.equals(lastQuery)) {
            // A new checkpoint counts from the start again: so must its table.
            s.execute("TRUNCATE " + table);
            if (serving && table.equals(WINDOWED_WORD_COUNTS)) {
              Trending.reset(s);
            }
            maxEventTime = null;
          }
          applied = apply(c, s, table, rows, batch.adds(), maxEventTime);
        }
        try (PreparedStatement ps = c.prepareStatement(RECORD_BATCH)) {
          ps.setString(1, table);
          ps.setString(2, queryId);
          ps.setLong(3, batchId);
          ps.setObject(4, applied.maxEventTime());
          ps.executeUpdate();
        }
        c.commit();
        long bytes = rows.stream().mapToLong(r -> r.length).sum();
        stats.merge(table, new WriteStats(1, bytes, t1 - t0, System.nanoTime() - t1,
            applied.rows(), applied.late()), WriteStats::plus);
        return true;
      } catch (Exception e) {
        c.rollback();
        throw e;
      }
    }
  }

  private StoreUnavailableException lost(String table, long batchId) {
    String what = serving ? "store" : "database";
    String flag = serving ? "--store" : "--sink";
    String checkpoints = serving ? "the job's checkpoints" : "this query's checkpoint";
    return new StoreUnavailableException("the " + what + " at " + description
        + " has no record of " + table + ", but the job's checkpoint is at batch " + batchId
        + ": the " + what + " was replaced or emptied. Point " + flag
        + " at the database the job wrote, or delete " + checkpoints
        + " to count again from Kafka", null);
  }

  /**
   * @param maxEventTime the latest event time of the table's earlier batches (null: none)
   * @return the rows written, and for added windows the late rows and the new latest event time
   */
  private Applied apply(Connection c, Statement s, String table, List<byte[]> rows,
      boolean adds, OffsetDateTime maxEventTime) throws SQLException {
    Applied applied = new Applied(0, 0, maxEventTime, null);
    switch (table) {
      case TWEETS -> {
        applied = applied.withRows(copy(c, "COPY " + TWEETS + " ("
            + String.join(", ", StoreTables.TWEET_COLUMNS) + ") FROM STDIN", rows));
        evictPosts(s);
      }
      case WORD_COUNTS -> applied = applied.withRows(upsert(c, s, WORD_COUNTS,
          "word TEXT, count BIGINT", "word", rows, adds));
      case WINDOWED_WORD_COUNTS -> {
        applied = adds
            ? addWindows(c, s, rows, maxEventTime)
            : applied.withRows(upsert(c, s, WINDOWED_WORD_COUNTS, WINDOWED_COLUMNS,
                "window_start, window_end, word", rows, false));
        Trending scores = trending;
        if (serving && scores != null) {
          // The batch's first window, of every row it upserted: the staging table of added
          // counts holds only those the scoring reads.
          scores.apply(c, settings.windowRetention(), adds ? applied.firstWindow()
              : Trending.time(c, "SELECT min(window_start) FROM " + STAGE_WINDOWED));
        }
        if (serving) {
          // Relative to the newest window (or now, for a clock far ahead), as the posts are.
          s.execute("DELETE FROM " + WINDOWED_WORD_COUNTS + " WHERE window_start < least("
              + "(SELECT max(window_start) FROM " + WINDOWED_WORD_COUNTS + "), now()) - "
              + "interval '" + settings.windowRetention().toSeconds() + " seconds'");
        }
      }
      default -> throw new IllegalArgumentException("no live table named " + table);
    }
    return applied;
  }

  /** What one batch's {@link #apply} did. */
  private record Applied(long rows, long late, OffsetDateTime maxEventTime,
      OffsetDateTime firstWindow) {
    Applied withRows(long written) {
      return new Applied(written, late, maxEventTime, firstWindow);
    }
  }

  /**
   * A windowed batch's own counts ({@code window_start, window_end, word, count,
   * max_event_time}, as {@code TrendQueries.partialWindowedCounts} makes them, a key possibly
   * once per Spark task) added to the table's. Windows that ended by the watermark (the latest event time of the earlier batches
   * minus the job's watermark delay) are late and dropped, as Spark's state would drop them; rows
   * without a word carry only their posts' event time. The upserted rows, with their new counts,
   * go to the windowed staging table that the trend scoring reads, as in update mode: those it
   * can score, counted at least {@link TrendSettings#minCount} (at a long-tail vocabulary few).
   *
   * @return the rows added, the late ones, the latest event time including this batch's and
   *     the first window a row was added to (null: none)
   */
  private Applied addWindows(Connection c, Statement s, List<byte[]> rows,
      OffsetDateTime maxEventTime) throws SQLException {
    TrendSettings w = windows;
    if (w == null) {
      throw new IllegalStateException("the windows to count in are not set (scoreTrends)");
    }
    s.execute("CREATE TEMP TABLE IF NOT EXISTS " + WINDOW_DELTAS + " (window_start TIMESTAMPTZ,"
        + " window_end TIMESTAMPTZ, word TEXT, count BIGINT, max_event_time TIMESTAMPTZ)"
        + " ON COMMIT DELETE ROWS");
    s.execute("CREATE TEMP TABLE IF NOT EXISTS " + STAGE_WINDOWED + " (" + WINDOWED_COLUMNS
        + ") ON COMMIT DELETE ROWS");
    copy(c, "COPY " + WINDOW_DELTAS + " FROM STDIN", rows);
    OffsetDateTime batchMax;
    try (ResultSet rs = s.executeQuery("SELECT max(max_event_time) FROM " + WINDOW_DELTAS)) {
      rs.next();
      batchMax = rs.getObject(1, OffsetDateTime.class);
    }
    long late = 0;
    if (maxEventTime != null) {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + WINDOW_DELTAS
          + " WHERE word IS NOT NULL AND window_end <= ?")) {
        ps.setObject(1, maxEventTime.minusSeconds(w.watermark().toSeconds()));
        late = ps.executeUpdate();
      }
    }
    long added;
    OffsetDateTime first;
    // Counts only grow here: a row below the scoring's minimum stays unscored this batch.
    try (ResultSet rs = s.executeQuery("WITH up AS (INSERT INTO " + WINDOWED_WORD_COUNTS
        + " SELECT window_start, window_end, word, sum(count) FROM " + WINDOW_DELTAS
        + " WHERE word IS NOT NULL GROUP BY window_start, window_end, word"
        + " ON CONFLICT (window_start, window_end, word) DO UPDATE SET count = "
        + WINDOWED_WORD_COUNTS + ".count + EXCLUDED.count"
        + " RETURNING window_start, window_end, word, count),"
        + " staged AS (INSERT INTO " + STAGE_WINDOWED + " SELECT * FROM up WHERE count >= "
        + w.minCount() + ") SELECT count(*), min(window_start) FROM up")) {
      rs.next();
      added = rs.getLong(1);
      first = rs.getObject(2, OffsetDateTime.class);
    }
    OffsetDateTime max = maxEventTime == null
        || (batchMax != null && batchMax.isAfter(maxEventTime)) ? batchMax : maxEventTime;
    return new Applied(added, late, max, first);
  }

  /**
   * COPY into a temporary table of the connection, then one INSERT ... ON CONFLICT: COPY is the
   * fastest way in, and the upsert then runs as one set operation inside the server.
   */
  private static long upsert(Connection c, Statement s, String table, String columns,
      String key, List<byte[]> rows, boolean adds) throws SQLException {
    String stage = "stage_" + table;
    s.execute("CREATE TEMP TABLE IF NOT EXISTS " + stage + " (" + columns
        + ") ON COMMIT DELETE ROWS");
    copy(c, "COPY " + stage + " FROM STDIN", rows);
    // Added counts may come as partial rows, a key once per Spark partition: summed here, as
    // one upsert may not touch a row twice.
    String select = adds ? "SELECT " + key + ", sum(count) FROM " + stage + " GROUP BY " + key
        : "SELECT * FROM " + stage;
    String count = adds ? table + ".count + EXCLUDED.count" : "EXCLUDED.count";
    return s.executeUpdate("INSERT INTO " + table + " " + select
        + " ON CONFLICT (" + key + ") DO UPDATE SET count = " + count);
  }

  /** @return the rows copied */
  private static long copy(Connection c, String sql, List<byte[]> chunks) throws SQLException {
    CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
    try {
      for (byte[] chunk : chunks) {
        in.writeToCopy(chunk, 0, chunk.length);
      }
      return in.endCopy();
    } finally {
      if (in.isActive()) {
        in.cancelCopy();
      }
    }
  }

  /**
   * Posts older than the retention before the newest post (or now, for a clock far ahead) go;
   * every {@link #CAP_CHECK_EVERY} the table is also cut to its newest {@code retainPosts}.
   */
  private void evictPosts(Statement s) throws SQLException {
    s.execute("DELETE FROM " + TWEETS + " WHERE event_time < least((SELECT max(event_time) FROM "
        + TWEETS + "), now()) - interval '" + settings.retain().toSeconds() + " seconds'");
    long now = System.nanoTime();
    Long last = lastCapCheck;
    if (last != null && now - last < CAP_CHECK_EVERY.toNanos()) {
      return;
    }
    lastCapCheck = now;
    s.execute("DELETE FROM " + TWEETS + " WHERE event_time <= (SELECT event_time FROM " + TWEETS
        + " ORDER BY event_time DESC OFFSET " + settings.retainPosts() + " LIMIT 1)");
  }

  /** A live table's size: estimated rows (PostgreSQL's statistics) and bytes with indexes. */
  public record TableSize(long rows, long bytes) {}

  /**
   * The live tables' sizes from the server's statistics, not by counting: cheap enough for every
   * scrape. The counts' state lives here, so this is what grows with the vocabulary.
   */
  public Map<String, TableSize> tableSizes() throws SQLException {
    Map<String, TableSize> out = new java.util.TreeMap<>();
    try (Connection c = writers.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT relname, greatest(reltuples, 0)::bigint,"
            + " pg_total_relation_size(oid) FROM pg_class WHERE relkind = 'r'"
            + " AND relnamespace = 'public'::regnamespace AND relname = ANY (?)")) {
      ps.setArray(1, c.createArrayOf("text", StoreTables.READABLE.toArray()));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new TableSize(rs.getLong(2), rs.getLong(3)));
        }
      }
    }
    return out;
  }

  /** Per table, what its batches cost so far. */
  public Map<String, WriteStats> stats() {
    return Map.copyOf(stats);
  }

  /** The {@code n} most frequent words now, for status lines: (word, count). */
  public List<Map.Entry<String, Long>> topWords(int n) throws SQLException {
    List<Map.Entry<String, Long>> top = new ArrayList<>();
    try (Connection c = writers.getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT word, count FROM " + WORD_COUNTS
            + " ORDER BY count DESC, word LIMIT ?")) {
      ps.setInt(1, n);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          top.add(Map.entry(rs.getString(1), rs.getLong(2)));
        }
      }
    }
    return top;
  }

  @Override
  public void close() {
    if (readers != null) {
      readers.close();
    }
    writers.close();
  }
}
