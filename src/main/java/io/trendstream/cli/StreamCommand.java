package io.trendstream.cli;

import io.trendstream.common.UserError;
import io.trendstream.pipeline.ClusterPreCheck;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.produce.KafkaPreCheck;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code trendstream stream}: the Spark Structured Streaming job over the posts topic and the
 * HTTP query API, until Ctrl-C. Also the entry point under {@code spark-submit}.
 */
@Command(
    name = "stream",
    mixinStandardHelpOptions = true,
    description = "Run the streaming job over the posts topic and serve the live tables.")
public final class StreamCommand implements Callable<Integer> {
  @Mixin KafkaOptions kafka;
  @Mixin StreamOptions stream;

  @Override
  public Integer call() throws Exception {
    StreamConfig config =
        stream.toConfig(kafka.bootstrapServer(), kafka.topic(), kafka.kafkaProperties());
    PrintStream out = System.out;
    String master = stream.master != null ? stream.master
        : stream.sparkConf.getOrDefault("spark.master", System.getProperty("spark.master"));
    ClusterPreCheck.check(master, config.checkpointDir(""));
    if (!KafkaPreCheck.topicExists(config.bootstrapServers, config.topic,
        config.kafkaProperties)) {
      out.println("topic '" + config.topic + "' does not exist yet at " + config.bootstrapServers
          + "; the job will read it once a producer creates it");
    }
    try (Lifecycle life = new Lifecycle()) {
      PipelineRunner.Running running = PipelineRunner.start(life, config, stream, out);
      out.println("Streaming job reading '" + config.topic + "' at " + config.bootstrapServers);
      out.println("  query API + dashboard: " + running.http().url());
      out.println("  Spark UI:              " + running.sparkUi());
      if (running.psql() != null) {
        out.println("  live tables (SQL):     " + running.psql());
      }
      out.println("  checkpoints:           " + config.checkpointDir(""));
      out.println("Ctrl-C stops it; a restart resumes from the checkpoints.");
      life.awaitClose();
      if (life.failure() != null) {
        throw new UserError(life.failure());
      }
    }
    return 0;
  }
}
