package io.trendstream.testing;

import io.trendstream.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine;

/**
 * {@code trendstream ARGS} in this JVM through Main's own handlers (one-line errors, exit codes
 * 0, 1 and 2), with stdout and stderr captured. {@link #run} is a whole run; an instance gives
 * the subcommand objects before the run (to set their environment, or to stop a long-running
 * command from the test) and the output while it runs.
 */
public final class Cli {
  /** How a run ended: its exit code and everything it printed. */
  public record Result(int code, String out, String err) {
    public List<String> errLines() {
      return err.lines().toList();
    }

    /**
     * The message of a rejected flag or value, which must take the documented form: exit 2, one
     * line {@code trendstream: MESSAGE}, then where to look ({@code Try '... --help'.}).
     */
    public String badFlagMessage() {
      List<String> lines = errLines();
      if (code != 2 || lines.size() != 2 || !lines.get(0).startsWith("trendstream: ")
          || !lines.get(1).matches("Try 'trendstream .*--help'\\.")) {
        throw new AssertionError("not a one-line flag error with exit 2 (exit " + code
            + "):\n" + err);
      }
      return lines.get(0);
    }
  }

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final CommandLine commandLine = Main.commandLine();

  public Cli() {
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
  }

  /** Runs {@code trendstream ARGS} on a fresh command line. */
  public static Result run(String... args) {
    return new Cli().execute(args);
  }

  /** The object behind a subcommand, e.g. {@code cli.<ProduceCommand>command("produce")}. */
  public <T> T command(String name) {
    return commandLine.getSubcommands().get(name).getCommand();
  }

  public Result execute(String... args) {
    int code = commandLine.execute(args);
    return new Result(code, out(), err());
  }

  /** Runs on a thread of its own; the future completes when the command returns. */
  public CompletableFuture<Result> start(String... args) {
    CompletableFuture<Result> done = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        done.complete(execute(args));
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, "cli-" + (args.length > 0 ? args[0] : "main"));
    t.setDaemon(true);
    t.start();
    return done;
  }

  /** Standard output so far. */
  public String out() {
    return out.toString();
  }

  /** Standard error so far. */
  public String err() {
    return err.toString();
  }
}
