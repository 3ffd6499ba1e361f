package io.trendstream.cli;

import io.trendstream.bench.TrendingBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code trendstream bench trending}: the trend scores' cost in the store at a vocabulary of
 * millions, and the latency of the newest window's top 10 by score (see {@link TrendingBench}).
 */
@Command(
    name = "trending",
    mixinStandardHelpOptions = true,
    description = "Trend scores in the store alone: windowed batches with a long-tail "
        + "vocabulary into an embedded PostgreSQL, then SELECT * FROM trending ORDER BY score "
        + "DESC LIMIT 10 for the newest window. Prints batch times, state sizes and latency.")
public final class BenchTrendingCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--words", paramLabel = "N", defaultValue = "2000000",
      description = "Distinct words the long tail draws from (default: ${DEFAULT-VALUE}).")
  long words;

  @Option(names = "--head-words", paramLabel = "N", defaultValue = "20000",
      description = "Words counted in every window (default: ${DEFAULT-VALUE}).")
  int headWords;

  @Option(names = "--tail-rows", paramLabel = "N", defaultValue = "40000",
      description = "Tail rows per open window per batch (default: ${DEFAULT-VALUE}).")
  int tailRows;

  @Option(names = "--batches", paramLabel = "N", defaultValue = "60",
      description = "Batches, one 5-minute slide each (default: ${DEFAULT-VALUE}).")
  int batches;

  @Option(names = "--queries", paramLabel = "N", defaultValue = "200",
      description = "Runs of the top-10 query (default: ${DEFAULT-VALUE}).")
  int queries;

  @Override
  public Integer call() throws Exception {
    if (words < 1 || headWords < 1 || tailRows < 0 || batches < 1 || queries < 1) {
      throw new ParameterException(spec.commandLine(), "sizes must be positive");
    }
    new TrendingBench(new TrendingBench.Settings(words, headWords, tailRows, batches, queries),
        System.out).run();
    return 0;
  }
}
