package io.trendstream.pipeline;

import io.trendstream.store.StoreTables;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job: wires a source of Kafka-shaped records ({@code value}, {@code timestamp})
 * through {@link TrendQueries} into a {@link ResultSink}. For a sink that keeps the counts itself
 * ({@link ResultSink#keepsCounts}, the store), one query, {@value #LIVE_TABLES}: each batch's
 * posts with their tokens ({@link #liveTablesInput}, append), from which the sink writes all
 * three live tables, and hands the records that are not posts to the durable sinks that take
 * them ({@link DurableSink#rejectWriter}: the dead letters); each record is read and parsed once.
 * For any other sink, three named
 * queries, each with its own checkpoint under the data dir:
 *
 * <ul>
 *   <li>{@value #TWEETS}: parsed posts, append;
 *   <li>{@value #WORD_COUNTS}: running count per word, update (only the words that changed);
 *   <li>{@value #WINDOWED_WORD_COUNTS}: count per word per event-time window, update.
 * </ul>
 *
 * Then, each as its own queries with their own checkpoints: every durable sink of
 * {@link StreamConfig#sinks} (the CLI's list starts with the dead letters).
 *
 * <p>After each batch: its metrics ({@link #withMetrics}) and, with
 * {@link StreamConfig#groupOffsets}, its end offsets to the query's consumer group
 * ({@link GroupOffsets}).
 */
public final class StreamingJob implements AutoCloseable {
  // The live tables' names, owned by the store; each query is named after its table.
  public static final String TWEETS = StoreTables.TWEETS;
  public static final String WORD_COUNTS = StoreTables.WORD_COUNTS;
  public static final String WINDOWED_WORD_COUNTS = StoreTables.WINDOWED_WORD_COUNTS;
  /** The one query of a sink that keeps the counts: it feeds all three live tables. */
  public static final String LIVE_TABLES = "live_tables";

  /** How long a graceful stop waits for running batches before interrupting them. */
  public static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(20);
  /** Spark's Kafka consumers' fetch.max.wait.ms; --kafka-property overrides it. */
  public static final String FETCH_MAX_WAIT_MS = "10";
  /** Spark's Kafka consumers' max.poll.records; --kafka-property overrides it. */
  public static final String MAX_POLL_RECORDS = "100000";

  /**
   * Spark scheduler pool of the two count queries (SparkSessions writes the pools): under the FAIR
   * scheduler their tasks take a free core before any other query's, since the counts are what
   * the dashboard waits for.
   */
  public static final String COUNTS_POOL = "counts";
  /** Scheduler pool of every other query: the tweets table, dead letters, durable sinks. */
  public static final String SIDE_POOL = "side";

  private static final String POOL_PROPERTY = "spark.scheduler.pool";
  private static final Logger LOG = LoggerFactory.getLogger(StreamingJob.class);

  private final SparkSession spark;
  private final StreamConfig config;
  private final Function<SparkSession, Dataset<Row>> source;
  private final ResultSink sink;
  /** Queries of real-time or continuous mode: no batch end to wait for at close. */
  private final List<StreamingQuery> longRunning = new CopyOnWriteArrayList<>();
  /** Copy-on-write: read by scrapes and the HTTP API while start() and close() hold the lock. */
  private final List<StreamingQuery> queries = new CopyOnWriteArrayList<>();
  /** This job's queries: the session's listener bus also carries other jobs' (tests). */
  private final Set<UUID> ids = ConcurrentHashMap.newKeySet();
  private final InputTotals totals = new InputTotals(this::batchDone);
  private volatile JobMetrics metrics;
  private volatile GroupOffsets groupOffsets;

  public StreamingJob(
      SparkSession spark,
      StreamConfig config,
      Function<SparkSession, Dataset<Row>> source,
      ResultSink sink) {
    this.spark = spark;
    this.config = config;
    this.source = source;
    this.sink = sink;
  }

  /**
   * Records every batch of this job's queries in {@code metrics} (call before {@link #start});
   * without it the job keeps no metrics.
   */
  public StreamingJob withMetrics(JobMetrics metrics) {
    this.metrics = metrics.watch(this::queries);
    return this;
  }

  /** The production source: the posts topic, from the earliest offset on a fresh checkpoint. */
  public static Function<SparkSession, Dataset<Row>> kafka(StreamConfig config) {
    return spark -> {
      var reader = spark.readStream()
          .format("kafka")
          .option("kafka.bootstrap.servers", config.bootstrapServers)
          .option("subscribe", config.topic)
          .option("startingOffsets", "earliest")
          .option("failOnDataLoss", Boolean.toString(config.failOnDataLoss))
          // A task's first read from a new consumer waited out the broker's fetch.max.wait.ms
          // (500 ms) on a parked prefetch: 10 ms cut a fresh query's read stage ~2x.
          .option("kafka.fetch.max.wait.ms", FETCH_MAX_WAIT_MS)
          // Spark seeks before every poll, dropping what the last fetch buffered beyond
          // max.poll.records (500): a broker round trip per 500 records. Take whole fetches.
          .option("kafka.max.poll.records", MAX_POLL_RECORDS);
      config.kafkaProperties.forEach((k, v) -> reader.option("kafka." + k, v));
      config.sourceOptions.forEach(reader::option);
      return reader.load();
    };
  }

  /**
   * Starts the queries.
   *
   * @throws io.trendstream.pipeline.sink.SinkUnavailableException when a durable sink's
   *     destination cannot be reached; queries started so far keep running until close()
   */
  public synchronized void start() throws TimeoutException {
    if (config.groupOffsets) {
      groupOffsets = new GroupOffsets(config.bootstrapServers, config.kafkaProperties);
    }
    // Before any query starts, so no batch's malformed count is missed.
    spark.streams().addListener(totals);
    Dataset<Row> records = source.apply(spark);
    Dataset<Row> posts = TrendQueries.posts(records, config.eventTime, config.maxValueBytes);
    // The counts first: each query starts its first batch as soon as it is started, and on a
    // cold start these are the tables people wait for.
    SinkContext context = new SinkContext(config, records, posts);
    if (sink instanceof StoreSink store) {
      store.scoreTrends(config);
    }
    // Update, not complete: a batch's cost follows the words it changed, not the vocabulary.
    List<DurableSink> ownQueries = new ArrayList<>(config.sinks);
    if (sink.keepsCounts()) {
      // The dead letters from the live query's own parse: their own query read and parsed every
      // record a second time, 400-800 ms a batch on the same 2 cores.
      Map<DurableSink, RejectWriter> inline = new LinkedHashMap<>();
      for (DurableSink d : config.sinks) {
        RejectWriter w = d.rejectWriter(context);
        if (w != null) {
          inline.put(d, w);
        }
      }
      boolean rejects = !inline.isEmpty() && sink.takeRejects(List.copyOf(inline.values()));
      if (rejects) {
        ownQueries.removeAll(inline.keySet());
        inline.keySet().forEach(d ->
            LOG.info("{}: from the {} query's own pass", d.describe(), LIVE_TABLES));
      }
      // Four queries over one topic read, parsed and planned every record four times, and on 2
      // cores each waited for the others: one query, alone 3.5x faster per batch than with them.
      start(context, LIVE_TABLES, liveTablesInput(records, config, rejects),
          OutputMode.Append());
    } else {
      start(context, WORD_COUNTS, wordCounts(records, config), OutputMode.Update());
      start(context, WINDOWED_WORD_COUNTS, windowedWordCounts(records, config),
          OutputMode.Update());
      start(context, TWEETS, posts, OutputMode.Append());
    }
    for (DurableSink sink : ownQueries) {
      start(sink, context);
    }
  }

  private void start(DurableSink sink, SinkContext context) throws TimeoutException {
    List<StreamingQuery> started = inPool(SIDE_POOL, () -> sink.start(context));
    queries.addAll(started);
    if (sink.longRunningTasks()) {
      longRunning.addAll(started);
    }
    started.forEach(q -> ids.add(q.id()));
    LOG.info("started {}: {}", sink.describe(),
        started.stream().map(StreamingQuery::name).toList());
  }

  /**
   * The {@value #WORD_COUNTS} query over Kafka-shaped records, exactly as the job runs it (the
   * benchmark times this very function).
   */
  public static Dataset<Row> wordCounts(Dataset<Row> records, StreamConfig config) {
    return TrendQueries.wordCounts(tokenized(records, config), config.tokenizer);
  }

  /**
   * The running count's input on its own: the posts' {@link TrendQueries#TOKENS}, stateless,
   * to be counted per batch with {@link TrendQueries#partialWordCounts} and added up, as the
   * store does with the tokens of {@link #liveTablesInput}. The benchmark's Trendstream engine
   * times this, the same work (parse, tokenize, count) as its peer engines.
   */
  public static Dataset<Row> runningCountInput(Dataset<Row> records, StreamConfig config) {
    return tokenized(records, config).select(TrendQueries.TOKENS);
  }

  /**
   * The windowed count's input on its own: the posts' {@link TrendQueries#TOKENS} and
   * {@code event_time}, stateless, to be counted per batch with
   * {@link TrendQueries#partialWindowedCounts}, as the store does with {@link #liveTablesInput};
   * for the benchmark's windowed engine. The watermark only feeds the query's progress.
   */
  public static Dataset<Row> windowedCountInput(Dataset<Row> records, StreamConfig config) {
    return tokenized(records, config).withWatermark(TrendQueries.EVENT_TIME, config.watermark);
  }

  /**
   * The {@value #LIVE_TABLES} query for a sink that keeps the counts
   * ({@link ResultSink#keepsCounts}): the posts of {@link TrendQueries#posts} plus their
   * {@link TrendQueries#TOKENS}, stateless. The watermark only feeds the query's progress (and
   * so /metrics); the sink drops late windows by its own, the same rule over the same posts.
   * With {@code rejects}, every other record too ({@link TrendQueries#tokenizedPostsAndRejects}),
   * for the sinks of {@link RejectWriter}s.
   */
  public static Dataset<Row> liveTablesInput(Dataset<Row> records, StreamConfig config,
      boolean rejects) {
    Dataset<Row> input = rejects
        ? TrendQueries.tokenizedPostsAndRejects(
            records, config.eventTime, config.maxValueBytes, config.tokenizer)
        : TrendQueries.tokenizedPosts(
            records, config.eventTime, config.maxValueBytes, config.tokenizer);
    return input.withWatermark(TrendQueries.EVENT_TIME, config.watermark);
  }

  /** The {@value #WINDOWED_WORD_COUNTS} query over Kafka-shaped records, as the job runs it. */
  public static Dataset<Row> windowedWordCounts(Dataset<Row> records, StreamConfig config) {
    return TrendQueries.windowedWordCounts(
        tokenized(records, config), config.tokenizer, config.window, config.slide,
        config.watermark);
  }

  /** The counts read only the tokens and time of the posts, not the whole post. */
  private static Dataset<Row> tokenized(Dataset<Row> records, StreamConfig config) {
    return TrendQueries.tokenized(
        records, config.eventTime, config.maxValueBytes, config.tokenizer);
  }

  private void start(SinkContext context, String table, Dataset<Row> result, OutputMode mode)
      throws TimeoutException {
    boolean count = table.equals(WORD_COUNTS) || table.equals(WINDOWED_WORD_COUNTS)
        || table.equals(LIVE_TABLES);
    DataStreamWriter<Row> writer = context.writer(table, result, mode);
    if (count) {
      // The counts run back to back (Spark's default), not on the side trigger.
      writer.trigger(Trigger.ProcessingTime(0));
    }
    StreamingQuery q = inPool(count ? COUNTS_POOL : SIDE_POOL,
        () -> sink.start(table, result, writer));
    queries.add(q);
    ids.add(q.id());
  }

  /** After each completed batch of any query on the session: this job's go to its observers. */
  private void batchDone(StreamingQueryProgress p) {
    if (!ids.contains(p.id())) {
      return;
    }
    JobMetrics m = metrics;
    if (m != null) {
      m.record(p);
    }
    GroupOffsets g = groupOffsets;
    if (g != null) {
      g.commit(p);
    }
  }

  private interface Starter<T> {
    T start() throws TimeoutException;
  }

  /** Starts queries whose jobs go to {@code pool}: a query's thread keeps the pool it began in. */
  private <T> T inPool(String pool, Starter<T> starter) throws TimeoutException {
    SparkContext sc = spark.sparkContext();
    String previous = sc.getLocalProperty(POOL_PROPERTY);
    sc.setLocalProperty(POOL_PROPERTY, pool);
    try {
      return starter.start();
    } finally {
      sc.setLocalProperty(POOL_PROPERTY, previous);
    }
  }

  public List<StreamingQuery> queries() {
    return List.copyOf(queries);
  }

  /**
   * Input records that were not posts, in the batches the query's current run completed in
   * this process; -1 when it reported none yet or does not read the posts topic.
   */
  public long malformedTotal(StreamingQuery query) {
    return totals.malformed(query.runId());
  }

  /**
   * Stops every query, letting the batch each is running finish first (up to
   * {@link #STOP_GRACE}); a batch cut short is harmless anyway: it is replayed from the
   * checkpoint on the next start. Waiting for the query to go idle instead would wait out the
   * whole grace period: under steady input the next batch starts as soon as one ends. Then
   * each durable sink releases what its queries used.
   */
  @Override
  public synchronized void close() {
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    spark.streams().removeListener(totals);
    Map<StreamingQuery, Long> running = new LinkedHashMap<>();
    for (StreamingQuery q : queries) {
      if (!longRunning.contains(q)) {
        running.put(q, lastBatch(q));
      }
    }
    while (System.nanoTime() < deadline && running.entrySet().stream().anyMatch(e ->
        e.getKey().isActive() && e.getKey().status().isTriggerActive()
            && lastBatch(e.getKey()) == e.getValue())) {
      LockSupport.parkNanos(20_000_000L);
    }
    for (StreamingQuery q : queries) {
      try {
        q.stop();
      } catch (TimeoutException | RuntimeException e) {
        LOG.warn("query {} did not stop cleanly: {}", q.name(), e.toString());
      }
    }
    for (DurableSink sink : config.sinks) {
      sink.close();
    }
    if (groupOffsets != null) {
      groupOffsets.close();  // after the queries, so their last batches are committed too
      groupOffsets = null;
    }
  }

  /** The id of the query's last completed batch, -1 before the first. */
  private static long lastBatch(StreamingQuery q) {
    var progress = q.lastProgress();
    return progress == null ? -1 : progress.batchId();
  }
}
