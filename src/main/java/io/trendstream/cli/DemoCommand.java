package io.trendstream.cli;

import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.common.DaemonThreads;
import io.trendstream.common.UserError;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.produce.KafkaPreCheck;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.source.PostSource;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trendstream demo}: everything in one JVM. An embedded Kafka broker (unless
 * {@code --bootstrap-server} names one), the producer, the streaming job and the HTTP API +
 * dashboard. Ctrl-C stops them in reverse order; data and checkpoints stay in the data dir, so
 * the next run resumes.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run broker, producer, streaming job and dashboard together.")
public final class DemoCommand implements Callable<Integer> {
  /** Posts/s when --rate is not given: enough for lively trends, light on a laptop. */
  public static final double DEMO_RATE = 200;
  /** Partitions of the posts topic: one per core lets Spark read it in parallel. */
  public static final int TOPIC_PARTITIONS = 2;

  @Spec CommandSpec spec;
  @Mixin ProduceOptions produce;
  @Mixin StreamOptions stream;

  @Option(names = "--broker-port", paramLabel = "N",
      defaultValue = "" + EmbeddedKafkaBroker.DEFAULT_PORT,
      description = "Port of the embedded Kafka broker (default: ${DEFAULT-VALUE}; 0 = any free).")
  int brokerPort;

  @Option(names = "--train", hidden = true,
      description = "Stop once word_counts has rows and the API answered: the launcher's "
          + "start-up training run, which records the classes a run loads.")
  boolean train;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    boolean external = spec.commandLine().getParseResult().hasMatchedOption("--bootstrap-server");
    double rate = produce.rateOr(DEMO_RATE);
    // Every flag is checked before anything starts: a typo fails in a second, not after the
    // broker and Spark came up. With the embedded broker this is the check only: the job's
    // config is built again, complete, once the broker has an address.
    Map<String, String> kafkaProperties = produce.kafkaProperties();
    StreamConfig checked =
        stream.toConfig(produce.bootstrapServer(), produce.topic(), kafkaProperties);
    // Opened first: a missing file or token fails in a second, not after Spark has started.
    PostSource source = produce.openSource(rate);
    try (Lifecycle life = new Lifecycle()) {
      life.add("source", source);
      CompletableFuture<SparkSession> spark = PipelineRunner.startSpark(life, stream);
      CompletableFuture<PipelineRunner.Store> store = PipelineRunner.startStore(life, stream);
      String bootstrap = produce.bootstrapServer();
      if (!external) {
        EmbeddedKafkaBroker broker;
        try {
          broker = new EmbeddedKafkaBroker(stream.dataDir.resolve("kafka"), brokerPort).start();
        } catch (IllegalStateException e) {
          throw new UserError("cannot start the embedded Kafka broker: " + e.getMessage()
              + " (pass --broker-port with a free port, or --broker-port 0)", e);
        }
        life.add("Kafka broker", broker);
        broker.createTopic(produce.topic(), TOPIC_PARTITIONS, (short) 1);
        bootstrap = broker.bootstrapServers();
      } else if (!KafkaPreCheck.topicExists(bootstrap, produce.topic(), kafkaProperties)) {
        throw new UserError("topic '" + produce.topic() + "' does not exist at " + bootstrap
            + "; create it (e.g. kafka-topics.sh --create --topic " + produce.topic() + ")");
      }
      StreamConfig config = external
          ? checked
          : stream.toConfig(bootstrap, produce.topic(), kafkaProperties);
      // Producing before the job starts: its first batch then finds posts waiting (it reads
      // from the earliest offset, or from its checkpoint), rather than running empty.
      PostProducer producer = new PostProducer(
          new ProducerSettings(bootstrap, produce.producerSettings().clientSettings()),
          source, produce.producerOptions(rate),
          status -> out.println("producer: " + status.line()));
      life.add("producer", producer);
      producer.start();
      watch(producer, life);
      PipelineRunner.Running running = PipelineRunner.start(life, config, stream, out, spark, store);

      out.println();
      out.println("Trendstream demo is running");
      out.println("  dashboard + query API: " + running.http().url());
      out.println("  Kafka bootstrap:       " + bootstrap + (external ? "" : " (embedded)")
          + ", topic '" + config.topic + "'");
      out.println("  producer:              " + produce.source()
          + (rate > 0 ? " at " + Math.round(rate) + " posts/s" : " as posts arrive")
          + (produce.count() > 0 ? ", " + produce.count() + " posts" : ""));
      out.println("  Spark UI:              " + running.sparkUi());
      if (running.psql() != null) {
        out.println("  live tables (SQL):     " + running.psql());
      }
      out.println("  try: bin/trendstream sql --http-port " + running.http().port()
          + " \"SELECT word, count FROM word_counts ORDER BY count DESC LIMIT 10\"");
      out.println("Ctrl-C stops everything; data and checkpoints stay in " + stream.dataDir);
      out.println();
      if (train) {
        return StartupTraining.exercise(running.http().url()) ? 0 : 1;
      }
      life.awaitClose();
      if (life.failure() != null) {
        throw new UserError(life.failure());
      }
    }
    return 0;
  }

  /**
   * A producer that dies (refused token, lost source) stops the demo with its message, rather
   * than leaving a dashboard that silently stopped moving. Finishing --count is no failure.
   */
  private static void watch(PostProducer producer, Lifecycle life) {
    DaemonThreads.start("producer-watch", () -> {
      try {
        while (!producer.awaitDone(java.time.Duration.ofSeconds(1))) {
          // keep waiting
        }
      } catch (InterruptedException e) {
        return;
      }
      Throwable failure = producer.failure();
      if (failure != null) {
        life.fail("producer stopped: " + failure.getMessage());
      }
    });
  }
}
