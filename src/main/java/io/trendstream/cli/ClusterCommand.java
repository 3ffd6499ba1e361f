package io.trendstream.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code trendstream cluster up|down}: a Spark standalone master and workers and a multi-node
 * Kafka on this machine, for trying the job on a cluster and for tests ({@link LocalCluster}).
 * Input: a directory and the cluster's size. Output: child processes that outlive this
 * command, and {@code DIR/cluster.env} naming their addresses and PIDs.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = "A local Spark standalone cluster and multi-node Kafka, as child processes.",
    subcommands = {ClusterCommand.Up.class, ClusterCommand.Down.class})
public final class ClusterCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "say 'cluster up' or "
        + "'cluster down'");
  }

  @Command(name = "up", mixinStandardHelpOptions = true,
      description = "Start the cluster (or the nodes of DIR's cluster that are not running) "
          + "and return once every node is ready.")
  static final class Up implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR",
        description = "Logs, data and cluster.env of the cluster.")
    Path dir;

    @Option(names = "--workers", defaultValue = "2", paramLabel = "N",
        description = "Spark workers (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--brokers", defaultValue = "3", paramLabel = "N",
        description = "Kafka nodes, each broker and controller (default: ${DEFAULT-VALUE}).")
    int brokers;

    @Option(names = "--worker-cores", defaultValue = "1", paramLabel = "N",
        description = "Cores each worker offers its executors (default: ${DEFAULT-VALUE}).")
    int workerCores;

    @Option(names = "--worker-memory", defaultValue = "1g", paramLabel = "SIZE",
        description = "Memory each worker offers its executors; a job's spark.executor.memory "
            + "(Spark's default 1g) must fit (default: ${DEFAULT-VALUE}).")
    String workerMemory;

    @Option(names = "--partitions", defaultValue = "4", paramLabel = "N",
        description = "Partitions of the topic 'tweets' (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--timeout", defaultValue = "180", paramLabel = "SECONDS",
        description = "How long the nodes have to get ready (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() {
      if (workers < 1 || brokers < 1 || workerCores < 1 || partitions < 1
          || timeoutSeconds < 1) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--workers, --brokers, "
            + "--worker-cores, --partitions and --timeout must be at least 1");
      }
      if (!workerMemory.matches("\\d+[mMgG]")) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--worker-memory '" + workerMemory + "' is not a size like 512m or 2g");
      }
      PrintStream out = System.out;
      LocalCluster.Layout layout = new LocalCluster(dir, out).up(workers, brokers, workerCores,
          workerMemory, partitions, Duration.ofSeconds(timeoutSeconds));
      out.println("cluster ready: SPARK_MASTER=" + layout.masterUrl() + " BOOTSTRAP="
          + layout.bootstrap());
      out.println("  master UI " + layout.masterUi() + "; addresses and PIDs in "
          + dir.resolve(LocalCluster.ENV_FILE));
      out.println("  'trendstream cluster down --dir " + dir + "' stops it");
      out.flush();
      return 0;
    }
  }

  @Command(name = "down", mixinStandardHelpOptions = true,
      description = "Stop every node of DIR's cluster.")
  static final class Down implements Callable<Integer> {
    @Option(names = "--dir", required = true, paramLabel = "DIR",
        description = "The directory 'cluster up' was given.")
    Path dir;

    @Override
    public Integer call() {
      List<String> stopped = new LocalCluster(dir, System.out).down();
      System.out.println(stopped.isEmpty() ? "no node of " + dir + " was running"
          : "stopped " + String.join(", ", stopped));
      return 0;
    }
  }
}
