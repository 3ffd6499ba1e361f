package io.trendstream.cli;

import io.trendstream.bench.ServingBench;
import io.trendstream.source.Vocabulary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trendstream bench serving}: sustained ingest through the demo's configuration with
 * the dashboard's queries every second (see {@link ServingBench}). Output: a sample line every
 * {@code --sample-seconds}, then SQL latency percentiles.
 */
@Command(
    name = "serving",
    mixinStandardHelpOptions = true,
    description = "Live serving: producer, job, PostgreSQL store and dashboard-style queries "
        + "every second, at a fixed rate over a realistic or stress vocabulary. Prints posts "
        + "acked and counted, backlog, batch times, distinct words, heap, RSS and SQL latency.")
public final class BenchServingCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--vocabulary", paramLabel = "NAME", defaultValue = "realistic",
      description = Vocabulary.FLAG_VALUES + " (default: ${DEFAULT-VALUE}).")
  String vocabulary;

  @Option(names = "--rate", paramLabel = "POSTS_PER_S", defaultValue = "10000",
      description = "Posts per second sent (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--seconds", paramLabel = "S", defaultValue = "600",
      description = "How long posts are sent (default: ${DEFAULT-VALUE}).")
  long seconds;

  @Option(names = "--sample-seconds", paramLabel = "S", defaultValue = "10",
      description = "One sample line per this many seconds (default: ${DEFAULT-VALUE}).")
  long sampleSeconds;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
      description = "Seed of the synthetic posts (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--master", paramLabel = "URL", defaultValue = "local[2]",
      description = "Spark master (default: ${DEFAULT-VALUE}).")
  String master;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "Any Spark setting, e.g. the state store provider (repeatable).")
  Map<String, String> sparkConf = new LinkedHashMap<>();

  @Option(names = "--work-dir", paramLabel = "DIR",
      description = "Where broker, store and checkpoints live (default: a temp dir).")
  Path workDir;

  @Override
  public Integer call() throws Exception {
    Vocabulary v;
    try {
      v = Vocabulary.of(vocabulary);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    if (!(rate > 0) || seconds < 1 || sampleSeconds < 1) {
      throw new ParameterException(spec.commandLine(),
          "--rate, --seconds and --sample-seconds must be positive");
    }
    new ServingBench(new ServingBench.Settings(v, rate, Duration.ofSeconds(seconds),
        Duration.ofSeconds(sampleSeconds), seed, master, sparkConf, workDir), System.out).run();
    return 0;
  }
}
