package io.trendstream.cli;

import io.trendstream.common.DaemonThreads;
import io.trendstream.common.UserError;
import io.trendstream.pipeline.LiveTables;
import io.trendstream.pipeline.ProgressPrinter;
import io.trendstream.pipeline.QueryFailures;
import io.trendstream.pipeline.SparkQueryService;
import io.trendstream.pipeline.SparkSessions;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.pipeline.sink.SinkUnavailableException;
import io.trendstream.serve.HttpServer;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryListener;

/**
 * Starts what {@code stream} and {@code demo} share: the SparkSession, the streaming job into
 * the live tables, the per-batch status line and the HTTP query API, each registered with the
 * lifecycle so they stop in reverse order.
 */
final class PipelineRunner {
  private PipelineRunner() {}

  /** What the user needs to know once everything is up. */
  record Running(SparkSession spark, StreamingJob job, HttpServer http) {
    String sparkUi() {
      return spark.sparkContext().uiWebUrl().getOrElse(() -> "disabled");
    }
  }

  static Running start(Lifecycle life, StreamConfig config, StreamOptions opts, PrintStream out)
      throws TimeoutException {
    return start(life, config, opts, out, startSpark(life, opts));
  }

  /**
   * Creates the SparkSession on a thread of its own and registers its stop: it takes seconds
   * and needs nothing from Kafka, so the demo starts its broker meanwhile (measured: cold start
   * to first counts about 2 s shorter).
   */
  static CompletableFuture<SparkSession> startSpark(Lifecycle life, StreamOptions opts) {
    CompletableFuture<SparkSession> spark = new CompletableFuture<>();
    // A plain thread, not the common pool: it inherits the context class loader, which
    // spark-submit sets to the one that holds the application jar.
    DaemonThreads.start("spark-session-start", () -> {
      try {
        spark.complete(SparkSessions.create(opts.master, opts.sparkConf));
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
      CompletableFuture<SparkSession> sparkStarting) throws TimeoutException {
    SparkSession spark;
    try {
      spark = sparkStarting.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    LiveTables tables = new LiveTables(opts.keepPosts, LiveTables.DEFAULT_WINDOW_RETENTION);
    spark.streams().addListener(new ProgressPrinter(
        out, config.queryNamePrefix + StreamingJob.WORD_COUNTS, tables));
    StreamingJob job = life.add("streaming queries",
        new StreamingJob(spark, config, StreamingJob.kafka(config), tables));
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
    SparkQueryService service = new SparkQueryService(spark, tables, job,
        opts.sqlMaxRows, Duration.ofSeconds(opts.sqlTimeoutSeconds));
    HttpServer http = new HttpServer(service, opts.httpHost, opts.httpPort, opts.httpToken);
    try {
      http.start();
    } catch (RuntimeException e) {
      throw new UserError("cannot serve HTTP on " + opts.httpHost + ":" + opts.httpPort
          + " (" + e.getMessage() + "); pass --http-port with a free port", e);
    }
    life.add("HTTP server", http);
    return new Running(spark, job, http);
  }
}
