package io.trendstream.produce;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.trendstream.source.live.LiveSource;
import io.trendstream.source.live.LiveStatus;
import java.util.function.ToDoubleFunction;

/**
 * The producer's Prometheus metrics, read from its counters at each scrape (nothing is added
 * to the send path). Input: a {@link PostProducer} and, for a live source, its
 * {@link LiveStatus}. Output: {@code trendstream_producer_*} metrics in the registry the CLI
 * passes in; see docs/operations.md.
 */
public final class ProducerMetrics {
  private ProducerMetrics() {}

  /** Registers the metrics of {@code producer} (and of its source, when live). */
  public static void register(PrometheusRegistry registry, PostProducer producer) {
    counter(registry, "trendstream_producer_sent_total",
        "Posts handed to the Kafka producer", p -> p.status().sent(), producer);
    counter(registry, "trendstream_producer_acked_total",
        "Posts the broker acknowledged", p -> p.status().acked(), producer);
    counter(registry, "trendstream_producer_errors_total",
        "Posts that failed to send after the Kafka producer's own retries",
        p -> p.status().failed(), producer);
    counter(registry, "trendstream_producer_skipped_total",
        "Input records that were not posts and were skipped", p -> p.status().skipped(),
        producer);
    counter(registry, "trendstream_producer_retries_total",
        "Records the Kafka producer sent again after a failed attempt (record-retry-total)",
        PostProducer::retries, producer);
    counter(registry, "trendstream_producer_rate_limit_wait_seconds_total",
        "Time spent waiting for the next send under --rate", PostProducer::pacedSeconds,
        producer);
    if (producer.source() instanceof LiveSource live) {
      live(registry, live);
    }
  }

  private static void live(PrometheusRegistry registry, LiveSource live) {
    liveCounter(registry, "trendstream_live_events_total",
        "Raw payloads the live source received", LiveStatus::events, live);
    liveCounter(registry, "trendstream_live_received_total",
        "Posts the live source passed on (after --filter, without duplicates)",
        LiveStatus::received, live);
    liveCounter(registry, "trendstream_live_duplicates_total",
        "Posts dropped as already passed on", LiveStatus::duplicates, live);
    liveCounter(registry, "trendstream_live_errors_total",
        "Failed requests, dropped connections and malformed payloads", LiveStatus::errors, live);
    liveCounter(registry, "trendstream_live_rate_limit_waits_total",
        "Waits for the API's rate limit to reset", LiveStatus::rateLimitWaits, live);
    liveCounter(registry, "trendstream_live_reconnects_total",
        "Connections opened again after one failed or was lost", LiveStatus::reconnects, live);
    GaugeWithCallback.builder()
        .name("trendstream_live_backoff_seconds")
        .help("The wait in progress before the live source's next attempt, 0 when none")
        .labelNames("source")
        .callback(cb -> cb.call(live.status().backoffMillis() / 1000.0, live.describe()))
        .register(registry);
  }

  private static void counter(PrometheusRegistry registry, String name, String help,
      ToDoubleFunction<PostProducer> value, PostProducer producer) {
    CounterWithCallback.builder().name(name).help(help)
        .callback(cb -> cb.call(value.applyAsDouble(producer)))
        .register(registry);
  }

  private static void liveCounter(PrometheusRegistry registry, String name, String help,
      ToDoubleFunction<LiveStatus> value, LiveSource live) {
    CounterWithCallback.builder().name(name).help(help)
        .labelNames("source")
        .callback(cb -> cb.call(value.applyAsDouble(live.status()), live.describe()))
        .register(registry);
  }
}
