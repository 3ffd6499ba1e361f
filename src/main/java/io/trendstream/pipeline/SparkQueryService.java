package io.trendstream.pipeline;

import io.trendstream.serve.QueryService;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.types.StructType;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@link QueryService} over Spark: read-only SQL on {@link LiveTables} snapshots and the status
 * of the job's streaming queries. Each SQL request runs in its own Spark session that holds
 * only the live tables it reads, so requests never see each other's views, and is cancelled
 * after a timeout.
 */
public final class SparkQueryService implements QueryService {
  public static final int DEFAULT_MAX_ROWS = 10_000;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final int HISTORY = 60;

  private final SparkSession spark;
  private final LiveTables tables;
  private final Supplier<List<StreamingQuery>> queries;
  private final ToLongFunction<StreamingQuery> malformedTotal;
  private final SqlGuard guard;
  private final int maxRows;
  private final Duration timeout;
  private final ExecutorService runner = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "sql-query");
    t.setDaemon(true);
    return t;
  });

  public SparkQueryService(
      SparkSession spark, LiveTables tables, Supplier<List<StreamingQuery>> queries,
      int maxRows, Duration timeout) {
    this(spark, tables, queries, q -> -1, maxRows, timeout);
  }

  /** Over the job's queries, with their malformed-record totals. */
  public SparkQueryService(
      SparkSession spark, LiveTables tables, StreamingJob job, int maxRows, Duration timeout) {
    this(spark, tables, job::queries, job::malformedTotal, maxRows, timeout);
  }

  private SparkQueryService(
      SparkSession spark, LiveTables tables, Supplier<List<StreamingQuery>> queries,
      ToLongFunction<StreamingQuery> malformedTotal, int maxRows, Duration timeout) {
    this.spark = spark;
    this.tables = tables;
    this.queries = queries;
    this.malformedTotal = malformedTotal;
    this.guard = new SqlGuard(spark, StreamingJob.TABLES);
    this.maxRows = maxRows;
    this.timeout = timeout;
  }

  @Override
  public TableResult sql(String query) throws QueryRejectedException {
    Set<String> reads = guard.check(query);
    String group = "sql-" + UUID.randomUUID();
    Future<TableResult> result = runner.submit(() -> run(query, reads, group));
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      spark.sparkContext().cancelJobGroup(group);
      result.cancel(true);
      throw new QueryRejectedException(
          "query ran longer than " + timeout.toSeconds() + " s and was cancelled");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof AnalysisException) {
        throw new QueryRejectedException(firstLine(((AnalysisException) cause).getMessage()));
      }
      throw new IllegalStateException(firstLine(String.valueOf(cause.getMessage())), cause);
    }
  }

  private TableResult run(String query, Set<String> reads, String group) {
    spark.sparkContext().setJobGroup(group, "live SQL", true);
    SparkSession session = spark.newSession();
    Map<String, StructType> schemas = tables.schemas();
    for (String table : reads) {
      StructType schema = schemas.get(table);
      if (schema == null) {
        throw new IllegalStateException("table " + table + " is not running yet");
      }
      session.createDataFrame(tables.snapshot(table), schema).createOrReplaceTempView(table);
    }
    Dataset<Row> df = session.sql(query);
    List<Row> rows = df.limit(maxRows + 1).collectAsList();
    boolean truncated = rows.size() > maxRows;
    List<List<Object>> out = new ArrayList<>(Math.min(rows.size(), maxRows));
    for (Row r : rows.subList(0, Math.min(rows.size(), maxRows))) {
      List<Object> values = new ArrayList<>(r.size());
      for (int i = 0; i < r.size(); i++) {
        values.add(plain(r.get(i)));
      }
      out.add(values);
    }
    return new TableResult(List.of(df.columns()), out, truncated);
  }

  /** Spark values to JSON-friendly Java values; timestamps as ISO-8601 UTC. */
  private static Object plain(Object v) {
    if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long
        || v instanceof Integer || v instanceof Double) {
      return v;
    }
    if (v instanceof Instant || v instanceof LocalDate) {
      return v.toString();
    }
    if (v instanceof java.sql.Timestamp) {
      return ((java.sql.Timestamp) v).toInstant().toString();
    }
    if (v instanceof BigDecimal || v instanceof Number) {
      return v;
    }
    if (v instanceof Seq) {
      List<Object> list = new ArrayList<>();
      for (Object o : CollectionConverters.asJava((Seq<?>) v)) {
        list.add(plain(o));
      }
      return list;
    }
    if (v instanceof scala.collection.Map) {
      Map<String, Object> map = new LinkedHashMap<>();
      CollectionConverters.asJava((scala.collection.Map<?, ?>) v)
          .forEach((k, x) -> map.put(String.valueOf(k), plain(x)));
      return map;
    }
    if (v instanceof Row) {
      Row r = (Row) v;
      Map<String, Object> map = new LinkedHashMap<>();
      for (int i = 0; i < r.size(); i++) {
        map.put(r.schema() == null ? "_" + i : r.schema().fieldNames()[i], plain(r.get(i)));
      }
      return map;
    }
    return v.toString();
  }

  @Override
  public List<QueryStatus> queries() {
    List<QueryStatus> out = new ArrayList<>();
    for (StreamingQuery q : queries.get()) {
      String status;
      String error = null;
      if (q.isActive()) {
        status = "ACTIVE";
      } else if (q.exception().isDefined()) {
        status = "FAILED";
        error = firstLine(q.exception().get().getMessage());
      } else {
        status = "STOPPED";
      }
      StreamingQueryProgress[] recent = q.recentProgress();
      List<Progress> history = new ArrayList<>();
      for (int i = Math.max(0, recent.length - HISTORY); i < recent.length; i++) {
        history.add(progress(recent[i]));
      }
      Progress last = history.isEmpty() ? null : history.get(history.size() - 1);
      out.add(new QueryStatus(
          q.name(), status, error, last, history, malformedTotal.applyAsLong(q)));
    }
    return out;
  }

  static Progress progress(StreamingQueryProgress p) {
    Long duration = p.durationMs().get("triggerExecution");
    return new Progress(
        p.batchId(),
        p.timestamp(),
        p.numInputRows(),
        finite(p.inputRowsPerSecond()),
        finite(p.processedRowsPerSecond()),
        duration == null ? 0 : duration,
        InputTotals.malformed(p),
        consumerLag(p));
  }

  /** Records the Kafka source was behind the topic's end after the batch; -1 when unknown. */
  static long consumerLag(StreamingQueryProgress p) {
    long lag = -1;
    for (var source : p.sources()) {
      String behind = source.metrics() == null ? null : source.metrics().get("maxOffsetsBehindLatest");
      if (behind != null) {
        lag = Math.max(lag, 0) + Long.parseLong(behind);
      }
    }
    return lag;
  }

  /** Rows the windowed query dropped as later than the watermark, in this batch. */
  static long lateRows(StreamingQueryProgress p) {
    long late = 0;
    for (StateOperatorProgress s : p.stateOperators()) {
      late += s.numRowsDroppedByWatermark();
    }
    return late;
  }

  private static double finite(double d) {
    return Double.isFinite(d) ? d : 0;
  }

  private static String firstLine(String message) {
    String m = message == null ? "" : message.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
