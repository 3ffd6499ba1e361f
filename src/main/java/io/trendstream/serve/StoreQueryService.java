package io.trendstream.serve;

import static io.trendstream.common.Messages.firstLine;

import io.trendstream.pipeline.JobStatus.QueryStatus;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * {@link QueryService} over the serving store: each SQL request runs as one statement in its
 * own read-only transaction of the store's reader role, with the server's
 * {@code statement_timeout}, and is rolled back after. The database refuses what the role may
 * not do (DDL, DML, {@code pg_read_file}, {@code COPY ... TO PROGRAM}) and cancels what runs too
 * long; this class adds a row cap (a LIMIT the server applies) and plain-word messages for
 * statements that are not a single query. SQL never runs inside the job's JVM.
 */
public final class StoreQueryService implements QueryService {
  public static final int DEFAULT_MAX_ROWS = 10_000;
  /** How a query may begin; anything else is not a SELECT. */
  private static final Set<String> QUERY_STARTS = Set.of("select", "with", "values", "table");
  /**
   * SQLSTATE classes that are the server's trouble, not the query's: lost connection, operator
   * intervention (shutdown), system and internal errors. Any other error the server reports was
   * caused by the query itself (syntax, permissions, limits, data): HTTP 400.
   */
  private static final Set<String> SERVER_ERROR_CLASSES = Set.of("08", "57", "58", "XX");
  private static final String QUERY_CANCELED = "57014";

  private final DataSource readers;
  private final int maxRows;
  private final Duration timeout;
  private final Supplier<List<QueryStatus>> status;

  /**
   * @param readers connections of the read-only role, autocommit off
   * @param status the streaming queries' status
   */
  public StoreQueryService(DataSource readers, int maxRows, Duration timeout,
      Supplier<List<QueryStatus>> status) {
    this.readers = readers;
    this.maxRows = maxRows;
    this.timeout = timeout;
    this.status = status;
  }

  @Override
  public List<QueryStatus> queries() {
    return status.get();
  }

  @Override
  public TableResult sql(String query) throws QueryRejectedException {
    String statement;
    try {
      statement = SqlText.single(query);
    } catch (IllegalArgumentException e) {
      throw new QueryRejectedException(e.getMessage());
    }
    String first = SqlText.firstKeyword(statement);
    if (!QUERY_STARTS.contains(first)) {
      throw new QueryRejectedException("only a single SELECT over the live tables is accepted"
          + (first.isEmpty() ? "" : ", not " + first.toUpperCase(Locale.ROOT)));
    }
    // The server stops at the cap; the newline ends a trailing -- comment of the query.
    String capped = "SELECT * FROM (" + statement + "\n) AS q LIMIT " + (maxRows + 1);
    try (Connection c = readers.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute("SET LOCAL statement_timeout = '" + timeout.toMillis() + "ms'");
        try (ResultSet rs = s.executeQuery(capped)) {
          return read(rs);
        }
      } finally {
        rollback(c);
      }
    } catch (SQLTransientConnectionException e) {
      throw new StoreBusyException("every SQL reader stayed busy for " + timeout.toSeconds()
          + " s; try again", e);
    } catch (SQLException e) {
      String state = e.getSQLState() == null ? "" : e.getSQLState();
      if (state.equals(QUERY_CANCELED)) {
        throw new QueryRejectedException(
            "query ran longer than " + timeout.toSeconds() + " s and was cancelled");
      }
      if (state.length() == 5 && !SERVER_ERROR_CLASSES.contains(state.substring(0, 2))) {
        throw new QueryRejectedException(firstLine(e.getMessage()));
      }
      throw new StoreBusyException("the store did not answer: " + firstLine(e.getMessage()), e);
    }
  }

  /**
   * Ends the request's transaction. A connection the pool already closed after the query's error
   * (Hikari drops connections on some states, e.g. 0A000) has nothing left to roll back, and
   * must not hide that error.
   */
  private static void rollback(Connection c) {
    try {
      c.rollback();
    } catch (SQLException closed) {
      // the connection is discarded by the pool
    }
  }

  private TableResult read(ResultSet rs) throws SQLException {
    ResultSetMetaData meta = rs.getMetaData();
    int n = meta.getColumnCount();
    List<String> columns = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      columns.add(meta.getColumnLabel(i));
    }
    List<List<Object>> rows = new ArrayList<>();
    boolean truncated = false;
    while (rs.next()) {
      if (rows.size() == maxRows) {
        truncated = true;
        break;
      }
      List<Object> row = new ArrayList<>(n);
      for (int i = 1; i <= n; i++) {
        row.add(plain(rs, meta, i));
      }
      rows.add(row);
    }
    return new TableResult(columns, rows, truncated);
  }

  /** Database values as JSON-friendly Java values; timestamps as ISO-8601 UTC. */
  private static Object plain(ResultSet rs, ResultSetMetaData meta, int i) throws SQLException {
    int type = meta.getColumnType(i);
    if (type == Types.TIMESTAMP_WITH_TIMEZONE || "timestamptz".equals(meta.getColumnTypeName(i))) {
      OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
      return t == null ? null : t.toInstant().toString();
    }
    Object v = rs.getObject(i);
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long
        || v instanceof Integer || v instanceof Short || v instanceof BigDecimal) {
      return v;
    }
    if (v instanceof Double d) {
      return Double.isFinite(d) ? d : null;
    }
    if (v instanceof Float f) {
      return Float.isFinite(f) ? (double) f : null;
    }
    if (v instanceof Array a) {
      List<Object> list = new ArrayList<>();
      try (ResultSet elements = a.getResultSet()) {
        while (elements.next()) {
          list.add(plain(elements, elements.getMetaData(), 2));
        }
      }
      return list;
    }
    return v.toString();
  }

}
