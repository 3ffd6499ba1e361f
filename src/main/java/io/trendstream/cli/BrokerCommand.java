package io.trendstream.cli;

import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.common.UserError;
import io.trendstream.post.Post;
import io.trendstream.produce.PostProducer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trendstream broker}: a single-node Kafka broker in this process until Ctrl-C. Input:
 * a port and a data directory (the broker's log lives in DATA_DIR/kafka and survives restarts).
 * Output: a broker at {@code 127.0.0.1:PORT} with the {@code tweets} topic created, and the line
 * {@code Kafka broker ready at 127.0.0.1:PORT} once it has served a real round trip.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = "Run a single-node Kafka broker (KRaft) in this process until Ctrl-C.")
public final class BrokerCommand implements Callable<Integer> {
  /** Sub-directory of --data-dir for Kafka's log, next to other components' state. */
  public static final String KAFKA_SUBDIR = "kafka";
  /** One partition per core of the 2-core target machine, so Spark reads in parallel. */
  public static final int TWEETS_PARTITIONS = 2;

  @Spec CommandSpec spec;

  private int port = EmbeddedKafkaBroker.DEFAULT_PORT;

  @Option(names = "--data-dir", defaultValue = "./data", paramLabel = "DIR",
      description = "State directory; Kafka's log goes to DIR/kafka (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  private final CountDownLatch stopped = new CountDownLatch(1);

  @Option(names = "--port", defaultValue = "9092", paramLabel = "PORT",
      description = "Client port on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  void setPort(int value) {
    if (value < 0 || value > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "Invalid value for option '--port': " + value + " is not in 0..65535");
    }
    port = value;
  }

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Path kafkaDir = dataDir.resolve(KAFKA_SUBDIR);
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(kafkaDir, port);
    try {
      broker.start();
      broker.createTopic(Post.TOPIC, TWEETS_PARTITIONS, (short) 1);
    } catch (IllegalStateException e) {
      broker.stop();
      throw new UserError(e.getMessage(), e);
    }
    Thread hook = new Thread(() -> {
      broker.stop();
      stopped.countDown();
    }, "trendstream-broker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println("Kafka broker ready at " + broker.bootstrapServers());
    out.println("topic '" + Post.TOPIC + "', data in " + kafkaDir
        + "; Ctrl-C stops it");
    out.flush();
    try {
      stopped.await();
    } finally {
      broker.stop();
      removeHook(hook);
    }
    return 0;
  }

  /** Ends a running {@link #call()} as Ctrl-C would; for in-process callers and tests. */
  public void stop() {
    stopped.countDown();
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is already exiting: the hook is running or has run.
    }
  }
}
