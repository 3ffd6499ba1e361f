package io.trendstream.cli;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.trendstream.common.Messages;
import io.trendstream.common.UserError;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerMetrics;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.source.PostSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trendstream produce}: sends posts to Kafka. Input: a source (synthetic, file, stdin, or
 * live: x, bluesky) and the flags of {@link ProduceOptions}. Output: post JSON records keyed by
 * id_str on the topic; a status line on stderr every 5 s (for live sources with the posts
 * received, duplicates, errors, backoff and resume flag), live-source notices on stderr, and a
 * summary on stdout at the end. Ctrl-C flushes the posts in flight, then closes the source, which
 * prints the flag that resumes the run ({@code --since-id N} / {@code --cursor N}). Exit 1 with
 * one line when the broker is unreachable, the topic or file is missing, the live API refuses
 * the token, or posts failed to send. With {@code --metrics-port} it serves its Prometheus
 * metrics ({@link ProducerMetrics}) while it runs.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = "Send posts (synthetic, replayed from a file or stdin, or live from X or "
        + "Bluesky) to a Kafka topic.")
public final class ProduceCommand implements Callable<Integer> {
  /** Longest wait of Ctrl-C for the flush, the source's close and the summary. */
  static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(35);

  @Spec CommandSpec spec;
  @Mixin ProduceOptions produce;

  @Option(names = "--metrics-port", paramLabel = "N",
      description = "Serve the producer's Prometheus metrics at http://HOST:N/metrics "
          + "(default: none; 0 = any free port).")
  Integer metricsPort;

  @Option(names = "--metrics-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address --metrics-port binds (default: ${DEFAULT-VALUE}, this machine only).")
  String metricsHost;

  private volatile PostProducer running;
  /** Counted down once the summary is printed (or the run failed): Ctrl-C waits for it. */
  private final CountDownLatch finished = new CountDownLatch(1);

  @Override
  public Integer call() {
    try {
      return produce();
    } finally {
      finished.countDown();
    }
  }

  private int produce() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProducerSettings settings = produce.producerSettings();
    double rate = produce.rate();
    PostSource source = produce.openSource(rate, notice -> say(err, notice));
    PostProducer producer = new PostProducer(settings, source, produce.producerOptions(rate),
        status -> {
          if (!status.finished()) {
            say(err, status.line());
          }
        });
    running = producer;
    HTTPServer metrics = serveMetrics(producer, err);
    Thread hook = new Thread(this::shutdown, "trendstream-produce-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PostProducer.Status done;
    try {
      done = producer.run();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is exiting; the hook is doing the stopping.
      }
      if (metrics != null) {
        metrics.close();
      }
    }
    out.println(done.line() + " to " + produce.topic() + " at " + produce.bootstrapServer());
    out.flush();
    if (done.failed() > 0) {
      throw new UserError(done.failed() + " of " + done.sent() + " posts failed to send"
          + (done.lastError() != null ? " (last error: " + done.lastError() + ")" : ""));
    }
    return 0;
  }

  /** The producer's /metrics on --metrics-port, or null without it. */
  private HTTPServer serveMetrics(PostProducer producer, PrintWriter err) {
    if (metricsPort == null) {
      return null;
    }
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new ParameterException(spec.commandLine(),
          "--metrics-port must be between 0 and 65535, not " + metricsPort);
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    ProducerMetrics.register(registry, producer);
    try {
      HTTPServer server = HTTPServer.builder().hostname(metricsHost).port(metricsPort)
          .registry(registry).buildAndStart();
      say(err, "metrics on http://" + metricsHost + ":" + server.getPort() + "/metrics");
      return server;
    } catch (IOException | RuntimeException e) {
      throw new UserError("cannot serve metrics on " + metricsHost + ":" + metricsPort + " ("
          + Messages.rootMessage(e) + "); pass --metrics-port with a free port", e);
    }
  }

  /**
   * What Ctrl-C does: stop taking posts, let the producing thread flush the posts in flight and
   * close the source (which prints the resume flag), and wait until the summary is out, because
   * the JVM halts as soon as the shutdown hooks return.
   */
  void shutdown() {
    PostProducer p = running;
    if (p == null) {
      return;
    }
    p.stop();
    try {
      finished.await(SHUTDOWN_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void say(PrintWriter err, String line) {
    err.println("produce: " + line);
    err.flush();
  }
}
