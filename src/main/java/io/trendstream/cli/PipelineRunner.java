package io.trendstream.cli;

import io.trendstream.common.DaemonThreads;
import io.trendstream.common.UserError;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.trendstream.pipeline.JobMetrics;
import io.trendstream.pipeline.JobStatus;
import io.trendstream.pipeline.ProgressPrinter;
import io.trendstream.pipeline.QueryFailures;
import io.trendstream.pipeline.SparkSessions;
import io.trendstream.pipeline.StoreSink;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.pipeline.sink.SinkUnavailableException;
import io.trendstream.serve.HttpServer;
import io.trendstream.serve.StoreQueryService;
import io.trendstream.store.EmbeddedStore;
import io.trendstream.store.LiveStore;
import io.trendstream.store.StoreUnavailableException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryListener;

/**
 * Starts what {@code stream} and {@code demo} share: the SparkSession, the serving store, the
 * streaming job into the store's live tables, the per-batch status line, the job's metrics and
 * the HTTP query API (which serves them at {@code /metrics}), each registered with the lifecycle so they stop in reverse order.
 */
final class PipelineRunner {
  private PipelineRunner() {}

  /**
   * What the user needs to know once everything is up.
   *
   * @param psql how a PostgreSQL client reaches the live tables, null for an external store
   */
  record Running(SparkSession spark, StreamingJob job, HttpServer http, String psql) {
    String sparkUi() {
      return spark.sparkContext().uiWebUrl().getOrElse(() -> "disabled");
    }
  }

  /** The store, ready to write: embedded unless --store names one. */
  record Store(LiveStore live, String psql) {}

  static Running start(Lifecycle life, StreamConfig config, StreamOptions opts, PrintStream out)
      throws TimeoutException {
    return start(life, config, opts, out, startSpark(life, opts), startStore(life, opts));
  }

  /**
   * Starts the serving store on a thread of its own, like Spark: an embedded PostgreSQL takes a
   * second or two (its first start, initdb, a few more) and needs nothing from Kafka or Spark.
   */
  static CompletableFuture<Store> startStore(Lifecycle life, StreamOptions opts) {
    CompletableFuture<Store> store = new CompletableFuture<>();
    DaemonThreads.start("store-start", () -> {
      try {
        store.complete(openStore(life, opts));
      } catch (Throwable e) {
        store.completeExceptionally(e);
      }
    });
    return store;
  }

  private static Store openStore(Lifecycle life, StreamOptions opts) {
    LiveStore live;
    String psql = null;
    if (opts.store == null) {
      EmbeddedStore server;
      try {
        server = new EmbeddedStore(opts.dataDir.resolve("postgres"), opts.storePort);
      } catch (NoClassDefFoundError e) {
        throw new UserError("this jar has no embedded PostgreSQL (the -spark.jar leaves it out): "
            + "pass --store jdbc:postgresql://HOST[:PORT]/DB?user=U&password=P", e);
      }
      try {
        life.add("PostgreSQL", server.start());
      } catch (IllegalStateException e) {
        throw new UserError("cannot start the embedded PostgreSQL: " + e.getMessage()
            + " (pass --store-port with a free port, or --store-port 0)", e);
      }
      live = new LiveStore(server.url(), server.readerUrl(), opts.storeSettings());
      psql = "psql -h 127.0.0.1 -p " + server.port() + " -U "
          + io.trendstream.store.StoreTables.READER_ROLE + " " + EmbeddedStore.DATABASE;
    } else {
      live = new LiveStore(opts.store, opts.storeReaderUrl(), opts.storeSettings());
    }
    life.add("store connections", live);
    try {
      live.prepare();
    } catch (StoreUnavailableException e) {
      throw new UserError(e.getMessage(), e);
    }
    return new Store(live, psql);
  }

  /**
   * Creates the SparkSession on a thread of its own and registers its stop: it takes seconds
   * and needs nothing from Kafka, so the demo starts its broker meanwhile (measured: cold start
   * to first counts about 2 s shorter).
   */
  static CompletableFuture<SparkSession> startSpark(Lifecycle life, StreamOptions opts) {
    // Logging set up here, once: the start-up threads would race to initialise SLF4J, and a
    // logger made during that gets SLF4J's "substitute loggers" warning.
    org.slf4j.LoggerFactory.getILoggerFactory();
    CompletableFuture<SparkSession> spark = new CompletableFuture<>();
    // A plain thread, not the common pool: it inherits the context class loader, which
    // spark-submit sets to the one that holds the application jar.
    DaemonThreads.start("spark-session-start", () -> {
      try {
        SparkSession session = SparkSessions.create(opts.master, opts.sparkConf);
        // Spark builds the session's state (analyzer, catalog, query manager) on first use: here,
        // beside the broker's start, rather than on the main thread once the broker is up.
        session.streams();
        spark.complete(session);
      } catch (Throwable e) {
        spark.completeExceptionally(e);
      }
    });
    life.add("Spark", () -> {
      // A session that failed to start has nothing to stop; its error is reported by start().
      SparkSession s = spark.exceptionally(e -> null).join();
      if (s != null) {
        s.stop();
      }
    });
    return spark;
  }

  static Running start(Lifecycle life, StreamConfig config, StreamOptions opts, PrintStream out,
      CompletableFuture<SparkSession> sparkStarting, CompletableFuture<Store> storeStarting)
      throws TimeoutException {
    SparkSession spark = join(sparkStarting);
    Store store = join(storeStarting);
    spark.streams().addListener(new ProgressPrinter(
        out, config.queryNamePrefix + StreamingJob.LIVE_TABLES, store.live()));
    // One registry per pipeline, not the client's global one: tests run several in one JVM.
    PrometheusRegistry metrics = new PrometheusRegistry();
    JobMetrics jobMetrics = new JobMetrics(metrics).watch(store.live());
    StreamingJob job = life.add("streaming queries",
        new StreamingJob(spark, config, StreamingJob.kafka(config), new StoreSink(store.live()))
            .withMetrics(jobMetrics));
    // A failed query stops the whole process (exit 1), as a spark-submit job would: serving
    // tables that silently stopped updating would be worse.
    spark.streams().addListener(new StreamingQueryListener() {
      @Override
      public void onQueryStarted(QueryStartedEvent event) {}

      @Override
      public void onQueryProgress(QueryProgressEvent event) {}

      @Override
      public void onQueryIdle(QueryIdleEvent event) {}

      @Override
      public void onQueryTerminated(QueryTerminatedEvent event) {
        if (event.exception().isDefined()) {
          String name = event.id().toString();
          for (var q : job.queries()) {
            if (q.id().equals(event.id())) {
              name = q.name();
            }
          }
          life.fail(QueryFailures.explain(name, event.exception().get(), config));
        }
      }
    });
    try {
      job.start();
    } catch (SinkUnavailableException e) {
      throw new UserError(e.getMessage(), e);
    }
    JobStatus status = new JobStatus(job);
    StoreQueryService service = new StoreQueryService(store.live().readers(),
        opts.sqlMaxRows, Duration.ofSeconds(opts.sqlTimeoutSeconds), status::queries);
    HttpServer http =
        new HttpServer(service, opts.httpHost, opts.httpPort, opts.httpToken, metrics);
    if (!opts.watch.isEmpty()) {
      http.alerts(life.add("alert feed", new KafkaAlertFeed(config.bootstrapServers,
          config.kafkaProperties, opts.alertsTopic.trim())).start());
    }
    try {
      http.start();
    } catch (RuntimeException e) {
      throw new UserError("cannot serve HTTP on " + opts.httpHost + ":" + opts.httpPort
          + " (" + e.getMessage() + "); pass --http-port with a free port", e);
    }
    life.add("HTTP server", http);
    return new Running(spark, job, http, store.psql());
  }

  private static <T> T join(CompletableFuture<T> starting) {
    try {
      return starting.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }
}
