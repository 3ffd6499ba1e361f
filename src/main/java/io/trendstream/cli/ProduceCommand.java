package io.trendstream.cli;

import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.source.PostSource;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code trendstream produce}: sends posts to Kafka. Input: a source (synthetic, file, stdin)
 * and the flags of {@link ProduceOptions}. Output: post JSON records keyed by id_str on the
 * topic; a status line on stderr every 5 s and a summary on stdout at the end. Exit 1 with one
 * line when the broker is unreachable, the topic or file is missing, or posts failed to send.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = "Send posts (synthetic, replayed from a file, or stdin) to a Kafka topic.")
public final class ProduceCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ProduceOptions produce;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ProducerSettings settings = produce.producerSettings();
    double rate = produce.rate();
    PostSource source = produce.openSource(rate);
    PostProducer producer = new PostProducer(settings, source, produce.producerOptions(rate),
        status -> {
          if (!status.finished()) {
            err.println("produce: " + status.line());
            err.flush();
          }
        });
    // Ctrl-C: stop taking posts but flush those in flight before the JVM exits.
    Thread hook = new Thread(() -> {
      producer.stop();
      try {
        producer.awaitDone(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "trendstream-produce-shutdown");
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
    }
    out.println(done.line() + " to " + produce.topic() + " at " + produce.bootstrapServer());
    out.flush();
    if (done.failed() > 0) {
      throw new UserError(done.failed() + " of " + done.sent() + " posts failed to send"
          + (done.lastError() != null ? " (last error: " + done.lastError() + ")" : ""));
    }
    return 0;
  }
}
