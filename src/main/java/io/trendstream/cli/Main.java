package io.trendstream.cli;

import io.trendstream.common.UserError;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code trendstream}: the command-line entry point. Thin: each subcommand wires components
 * from the other packages. Exit codes: 0 ok, 1 runtime failure (one-line message for a
 * {@link UserError}), 2 bad flag or value.
 */
@Command(
    name = "trendstream",
    mixinStandardHelpOptions = true,
    version = "trendstream 0.1.0",
    description = "Real-time social-media analytics on Kafka and Spark Structured Streaming.",
    subcommands = {
        BrokerCommand.class,
        ProduceCommand.class,
        StreamCommand.class,
        DemoCommand.class,
        SqlCommand.class,
        BenchCommand.class,
        ClusterCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs a command line and returns its exit code; tests call this instead of main. */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setParameterExceptionHandler(Main::badFlag);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      Throwable cause = ex;
      while (cause != null && !(cause instanceof UserError)) {
        cause = cause.getCause();
      }
      if (cause == null) {
        throw ex;
      }
      cmd.getErr().println("trendstream: " + cause.getMessage());
      return 1;
    });
    return cl;
  }

  /** One line naming the flag, plus where to look; no usage dump, exit 2. */
  private static int badFlag(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    PrintWriter err = cmd.getErr();
    err.println("trendstream: " + ex.getMessage());
    err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help'.");
    return 2;
  }
}
