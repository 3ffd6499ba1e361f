package io.trendstream.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.trendstream.store.LiveStore;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's Prometheus metrics. Input: each micro-batch's {@link StreamingQueryProgress} (fed
 * by the job's one listener), the queries themselves (their status, read at scrape time) and
 * the store's {@link LiveStore#stats()}. Output: metrics in the registry the CLI passes in,
 * labelled {@code query} (the streaming query's name); see docs/operations.md for the list.
 * Recording a batch costs a few map look-ups and a JSON parse of the offsets, once per batch.
 */
public final class JobMetrics {
  /** Batch durations: from the 0.1 s of an idle count batch to a backlog's minutes. */
  static final double[] BATCH_BUCKETS = {0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300};

  private static final Logger LOG = LoggerFactory.getLogger(JobMetrics.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrometheusRegistry registry;

  private final Gauge inputRate;
  private final Gauge processedRate;
  private final Counter inputRows;
  private final Histogram batchDuration;
  private final Gauge lastBatchDuration;
  private final Gauge lastProgress;
  private final Gauge lag;
  private final Gauge watermark;
  private final Gauge stateRows;
  private final Gauge stateBytes;
  private final Counter droppedByWatermark;
  private final Counter malformed;

  public JobMetrics(PrometheusRegistry registry) {
    this.registry = registry;
    inputRate = Gauge.builder()
        .name("trendstream_query_input_rows_per_second")
        .help("Rows per second that arrived for the query's last batch (Spark's inputRowsPerSecond)")
        .labelNames("query").register(registry);
    processedRate = Gauge.builder()
        .name("trendstream_query_processed_rows_per_second")
        .help("Rows per second the query's last batch processed (Spark's processedRowsPerSecond)")
        .labelNames("query").register(registry);
    inputRows = Counter.builder()
        .name("trendstream_query_input_rows_total")
        .help("Input rows the query's batches read")
        .labelNames("query").register(registry);
    batchDuration = Histogram.builder()
        .name("trendstream_query_batch_duration_seconds")
        .help("Wall time of each micro-batch (Spark's triggerExecution)")
        .labelNames("query")
        .classicOnly()
        .classicUpperBounds(BATCH_BUCKETS)
        .register(registry);
    lastBatchDuration = Gauge.builder()
        .name("trendstream_query_last_batch_duration_seconds")
        .help("Wall time of the query's last micro-batch")
        .labelNames("query").register(registry);
    lastProgress = Gauge.builder()
        .name("trendstream_query_last_progress_timestamp_seconds")
        .help("When the query last reported a batch, Unix time")
        .labelNames("query").register(registry);
    lag = Gauge.builder()
        .name("trendstream_query_consumer_lag_records")
        .help("Records of a Kafka partition the query had not read after its last batch "
            + "(the partition's latest offset minus the batch's end offset)")
        .labelNames("query", "topic", "partition").register(registry);
    watermark = Gauge.builder()
        .name("trendstream_query_watermark_timestamp_seconds")
        .help("The query's event-time watermark, Unix time (queries with a watermark only)")
        .labelNames("query").register(registry);
    stateRows = Gauge.builder()
        .name("trendstream_query_state_rows")
        .help("Rows in the query's state stores")
        .labelNames("query").register(registry);
    stateBytes = Gauge.builder()
        .name("trendstream_query_state_memory_bytes")
        .help("Memory the query's state stores use")
        .labelNames("query").register(registry);
    droppedByWatermark = Counter.builder()
        .name("trendstream_query_rows_dropped_by_watermark_total")
        .help("Rows the query's stateful operators dropped as later than the watermark")
        .labelNames("query").register(registry);
    malformed = Counter.builder()
        .name("trendstream_query_malformed_records_total")
        .help("Input records that were not posts, by reason; for the query that writes the "
            + "dead letters (live_tables, or dead_letters) they are the ones it wrote")
        .labelNames("query", "reason").register(registry);
  }

  /**
   * Reports the queries' status at every scrape: {@code trendstream_query_active} 1 while a
   * query runs, {@code trendstream_query_failed} 1 once it stopped with an error.
   */
  public JobMetrics watch(Supplier<List<StreamingQuery>> queries) {
    GaugeWithCallback.builder()
        .name("trendstream_query_active")
        .help("1 while the streaming query runs, else 0")
        .labelNames("query")
        .callback(cb -> {
          for (StreamingQuery q : queries.get()) {
            cb.call(q.isActive() ? 1 : 0, name(q.name(), q.id().toString()));
          }
        })
        .register(registry);
    GaugeWithCallback.builder()
        .name("trendstream_query_failed")
        .help("1 when the streaming query stopped with an error, else 0")
        .labelNames("query")
        .callback(cb -> {
          for (StreamingQuery q : queries.get()) {
            cb.call(!q.isActive() && q.exception().isDefined() ? 1 : 0,
                name(q.name(), q.id().toString()));
          }
        })
        .register(registry);
    return this;
  }

  /** Reports what the store's batch writes cost, from {@link LiveStore#stats()} at each scrape. */
  public JobMetrics watch(LiveStore store) {
    CounterWithCallback.builder()
        .name("trendstream_store_batches_total")
        .help("Micro-batches written into a live table (replays skipped are not counted)")
        .labelNames("table")
        .callback(cb -> store.stats().forEach((table, s) -> cb.call(s.batches(), table)))
        .register(registry);
    CounterWithCallback.builder()
        .name("trendstream_store_written_bytes_total")
        .help("COPY text sent to the store")
        .labelNames("table")
        .callback(cb -> store.stats().forEach((table, s) -> cb.call(s.bytes(), table)))
        .register(registry);
    CounterWithCallback.builder()
        .name("trendstream_store_write_seconds_total")
        .help("Time of the store's batch writes: phase rows (Spark computing and encoding the "
            + "batch), phase server (PostgreSQL applying it)")
        .labelNames("table", "phase")
        .callback(cb -> store.stats().forEach((table, s) -> {
          cb.call(s.rowsNanos() / 1e9, table, "rows");
          cb.call(s.serverNanos() / 1e9, table, "server");
        }))
        .register(registry);
    CounterWithCallback.builder()
        .name("trendstream_store_rows_written_total")
        .help("Rows the job wrote into a live table: posts appended, counts upserted")
        .labelNames("table")
        .callback(cb -> store.stats().forEach((table, s) -> cb.call(s.rows(), table)))
        .register(registry);
    // Both table gauges of a scrape share one read of the server's statistics.
    Supplier<Map<String, LiveStore.TableSize>> tables = oncePerScrape(() -> sizes(store));
    GaugeWithCallback.builder()
        .name("trendstream_store_table_rows")
        .help("Rows of a live table, as the store's statistics estimate them: the counts keep "
            + "their state here, so this grows with the vocabulary")
        .labelNames("table")
        .callback(cb -> tables.get().forEach((table, s) -> cb.call(s.rows(), table)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("trendstream_store_table_bytes")
        .help("Bytes of a live table with its indexes")
        .labelNames("table")
        .callback(cb -> tables.get().forEach((table, s) -> cb.call(s.bytes(), table)))
        .register(registry);
    CounterWithCallback.builder()
        .name("trendstream_store_late_rows_total")
        .help("(window, word) counts of a batch whose window ended by the watermark: dropped "
            + "by the store, which keeps the windowed count (Spark's stateful queries report "
            + "theirs as trendstream_query_rows_dropped_by_watermark_total)")
        .labelNames("table")
        .callback(cb -> store.stats().forEach((table, s) -> cb.call(s.lateRows(), table)))
        .register(registry);
    return this;
  }

  /** {@code read}'s value, read again only when the last read is over a second old. */
  private static <T> Supplier<T> oncePerScrape(Supplier<T> read) {
    long[] readAt = {Long.MIN_VALUE};
    Object[] value = {null};
    return () -> {
      synchronized (value) {
        long now = System.nanoTime();
        if (readAt[0] == Long.MIN_VALUE || now - readAt[0] > 1_000_000_000L) {
          value[0] = read.get();
          readAt[0] = now;
        }
        @SuppressWarnings("unchecked")
        T v = (T) value[0];
        return v;
      }
    };
  }

  /** The store's table sizes, none while it cannot be reached (a scrape must not fail). */
  private static Map<String, LiveStore.TableSize> sizes(LiveStore store) {
    try {
      return store.tableSizes();
    } catch (java.sql.SQLException | RuntimeException e) {
      LOG.debug("store table sizes not read: {}", e.toString());
      return Map.of();
    }
  }

  /** Records one batch's progress; never throws (metrics must not stop the job). */
  public void record(StreamingQueryProgress p) {
    try {
      recordBatch(p);
    } catch (RuntimeException e) {
      LOG.warn("metrics of batch {} of {} not recorded: {}", p.batchId(), p.name(), e.toString());
    }
  }

  private void recordBatch(StreamingQueryProgress p) {
    String query = name(p.name(), p.id().toString());
    inputRate.labelValues(query).set(finite(p.inputRowsPerSecond()));
    processedRate.labelValues(query).set(finite(p.processedRowsPerSecond()));
    inputRows.labelValues(query).inc(p.numInputRows());
    Long ms = p.durationMs().get("triggerExecution");
    if (ms != null) {
      batchDuration.labelValues(query).observe(ms / 1000.0);
      lastBatchDuration.labelValues(query).set(ms / 1000.0);
    }
    lastProgress.labelValues(query).set(Instant.parse(p.timestamp()).toEpochMilli() / 1000.0);
    for (SourceProgress source : p.sources()) {
      lag(query, source);
    }
    String mark = p.eventTime().get("watermark");
    if (mark != null) {
      watermark.labelValues(query).set(Instant.parse(mark).toEpochMilli() / 1000.0);
    }
    long rows = 0;
    long bytes = 0;
    long dropped = 0;
    for (StateOperatorProgress s : p.stateOperators()) {
      rows += s.numRowsTotal();
      bytes += s.memoryUsedBytes();
      dropped += s.numRowsDroppedByWatermark();
    }
    if (p.stateOperators().length > 0) {
      stateRows.labelValues(query).set(rows);
      stateBytes.labelValues(query).set(bytes);
      droppedByWatermark.labelValues(query).inc(dropped);
    }
    Row input = p.observedMetrics().get(TrendQueries.INPUT_METRICS);
    if (input != null) {
      List<String> fields = List.of(input.schema().fieldNames());
      for (String reason : TrendQueries.REASONS) {
        if (fields.contains(reason)) {
          malformed.labelValues(query, reason).inc(input.getLong(input.fieldIndex(reason)));
        }
      }
    }
  }

  private void lag(String query, SourceProgress source) {
    Map<TopicPartitionKey, Long> end = offsets(source.endOffset());
    Map<TopicPartitionKey, Long> latest = offsets(source.latestOffset());
    for (Map.Entry<TopicPartitionKey, Long> e : latest.entrySet()) {
      Long done = end.get(e.getKey());
      if (done != null) {
        lag.labelValues(query, e.getKey().topic(), Integer.toString(e.getKey().partition()))
            .set(Math.max(0, e.getValue() - done));
      }
    }
  }

  /** A Kafka partition of a source's offsets. */
  record TopicPartitionKey(String topic, int partition) {}

  /**
   * The Kafka source's offsets JSON, {@code {"topic":{"0":42,"1":17}}}, as a map; empty for
   * any other source (its offsets have another shape) or none.
   */
  static Map<TopicPartitionKey, Long> offsets(String json) {
    if (json == null || json.isEmpty() || json.charAt(0) != '{') {
      return Map.of();
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (java.io.IOException e) {
      return Map.of();
    }
    Map<TopicPartitionKey, Long> out = new java.util.LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> topics = root.fields(); topics.hasNext(); ) {
      Map.Entry<String, JsonNode> topic = topics.next();
      if (!topic.getValue().isObject()) {
        return Map.of();
      }
      for (Iterator<Map.Entry<String, JsonNode>> parts = topic.getValue().fields();
          parts.hasNext(); ) {
        Map.Entry<String, JsonNode> part = parts.next();
        if (!part.getValue().canConvertToLong()) {
          return Map.of();
        }
        try {
          out.put(new TopicPartitionKey(topic.getKey(), Integer.parseInt(part.getKey())),
              part.getValue().asLong());
        } catch (NumberFormatException notKafka) {
          return Map.of();
        }
      }
    }
    return out;
  }

  private static String name(String name, String id) {
    return name == null || name.isEmpty() ? id : name;
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }
}
