package io.trendstream.bench;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.trendstream.common.DaemonThreads;
import io.trendstream.pipeline.GroupOffsets;
import io.trendstream.pipeline.JobMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryListener;

/**
 * What the job's metrics cost, put on the benchmark's Spark queries ({@code bench --metrics
 * on}): every batch recorded in {@link JobMetrics} and committed to its consumer group
 * ({@link GroupOffsets}), as the job does, and the registry scraped every second (a busier
 * scraper than Prometheus's usual 15 s). Input: the session's progress events. Output: none
 * that the benchmark reads; the scrapes are written to nowhere.
 */
final class BenchMetrics extends StreamingQueryListener implements AutoCloseable {
  static final long SCRAPE_EVERY_MS = 1000;

  private final SparkSession spark;
  private final JobMetrics metrics;
  private final GroupOffsets offsets;
  private final ScheduledExecutorService scraper =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.factory("bench-metrics-scrape"));

  BenchMetrics(SparkSession spark, PrometheusRegistry registry, String bootstrapServers) {
    this.spark = spark;
    this.metrics = new JobMetrics(registry);
    this.offsets = new GroupOffsets(bootstrapServers, Map.of());
    PrometheusTextFormatWriter format = PrometheusTextFormatWriter.create();
    scraper.scheduleWithFixedDelay(() -> {
      try {
        format.write(OutputStream.nullOutputStream(), registry.scrape());
      } catch (IOException | RuntimeException e) {
        // a lost scrape costs nothing; the next one comes in a second
      }
    }, SCRAPE_EVERY_MS, SCRAPE_EVERY_MS, TimeUnit.MILLISECONDS);
    spark.streams().addListener(this);
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    metrics.record(event.progress());
    offsets.commit(event.progress());
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryIdle(QueryIdleEvent event) {}

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}

  @Override
  public void close() {
    spark.streams().removeListener(this);
    scraper.shutdownNow();
    offsets.close();
  }
}
