package io.trendstream.cli;

import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.common.UserError;
import io.trendstream.post.Post;
import io.trendstream.produce.PostProducer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trendstream broker}: a Kafka broker in this process until Ctrl-C. Input: a port and a
 * data directory (the broker's log lives in DATA_DIR/kafka and survives restarts); with
 * {@code --node-id} and {@code --controller-quorum} one combined broker/controller node of a
 * multi-node cluster, each node its own process and data dir. Output: a broker at
 * {@code 127.0.0.1:PORT} with the {@code tweets} topic created (on a cluster with 3 copies and
 * {@code min.insync.replicas=2}), and the line {@code Kafka broker ready at 127.0.0.1:PORT}
 * once it has served a real round trip.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = "Run a Kafka broker (KRaft) in this process until Ctrl-C: a single node, or "
        + "one node of a cluster (--node-id, --controller-quorum).")
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

  @Option(names = "--node-id", paramLabel = "N",
      description = "This node's id in --controller-quorum (a multi-node cluster).")
  Integer nodeId;

  @Option(names = "--controller-quorum", paramLabel = "ID@HOST:PORT,...",
      description = "The cluster's controllers, e.g. 1@127.0.0.1:19093,2@127.0.0.1:19094,"
          + "3@127.0.0.1:19095; this node's controller listens on its own entry's port. Every "
          + "node gets the same list.")
  String controllerQuorum;

  @Option(names = "--partitions", paramLabel = "N", defaultValue = "" + TWEETS_PARTITIONS,
      description = "Partitions of the topic '" + Post.TOPIC + "' when this broker creates it "
          + "(default: ${DEFAULT-VALUE}).")
  int partitions;

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
    if ((nodeId == null) != (controllerQuorum == null)) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--node-id and --controller-quorum go together");
    }
    if (partitions < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--partitions must be at least 1, not " + partitions);
    }
    if (nodeId != null) {
      try {
        broker.withQuorum(nodeId, controllerQuorum);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
    }
    try {
      broker.start();
      broker.createTopic(Post.TOPIC, partitions, broker.defaultReplication(),
          broker.nodes() == 1 ? Map.of()
              : Map.of("min.insync.replicas", Integer.toString(broker.defaultMinInsync())));
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
    out.println("topic '" + Post.TOPIC + "' (" + broker.defaultReplication() + " copies), "
        + (nodeId == null ? "" : "node " + nodeId + " of " + broker.nodes() + ", ")
        + "data in " + kafkaDir + "; Ctrl-C stops it");
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
