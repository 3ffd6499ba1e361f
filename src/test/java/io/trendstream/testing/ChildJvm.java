package io.trendstream.testing;

import io.trendstream.cli.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code trendstream ARGS} in a child JVM, as a user runs it: the test's classpath and the
 * launcher's JVM flags, output collected line by line. Lets tests kill it for real (SIGKILL) or
 * stop it as Ctrl-C would (SIGTERM). {@link #launch} runs another main class on another
 * classpath the same way (e.g. Spark's SparkSubmit).
 */
public final class ChildJvm {
  public final Process process;
  private final List<String> output = new ArrayList<>();
  private final Thread reader;

  private ChildJvm(Process process) {
    this.process = process;
    reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          synchronized (output) {
            output.add(line);
          }
        }
      } catch (IOException ignored) {
        // The process ended.
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
  }

  public static ChildJvm start(Path workDir, String... args) throws IOException {
    return launch(workDir, System.getProperty("java.class.path"), Main.class.getName(),
        List.of(args));
  }

  /** {@code java FLAGS -cp CLASSPATH MAIN ARGS} with the launcher's JVM flags, in workDir. */
  public static ChildJvm launch(Path workDir, String classpath, String mainClass,
      List<String> args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    String flags = Files.readString(Path.of("target/classes/trendstream/jvm.flags")).trim();
    cmd.addAll(List.of(flags.split("\\s+")));
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(args);
    return new ChildJvm(new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectErrorStream(true).start());
  }

  /** The first group of the first output line matching, or null. */
  public String find(Pattern pattern) {
    synchronized (output) {
      for (String line : output) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    return null;
  }

  /**
   * Waits until an output line matches and returns its first group.
   *
   * @throws AssertionError with the output so far if the process ends or the time runs out
   */
  public String awaitLine(Pattern pattern, Duration timeout) {
    Await.until("a line matching '" + pattern + "'", timeout, () -> find(pattern) != null
        || !process.isAlive(), () -> "output:\n" + output());
    String found = find(pattern);
    if (found == null) {
      awaitOutputEnd();
      found = find(pattern);
    }
    if (found == null) {
      throw new AssertionError("the process ended (exit " + process.exitValue()
          + ") before printing a line matching '" + pattern + "'; output:\n" + output());
    }
    return found;
  }

  /** After the process ended: waits (briefly) until its last output line has been read. */
  private void awaitOutputEnd() {
    try {
      reader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Every output line so far. */
  public List<String> lines() {
    synchronized (output) {
      return List.copyOf(output);
    }
  }

  /** SIGTERM, as Ctrl-C or a service manager would; the output stays readable. */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** Sends a signal by name ({@code INT} is Ctrl-C's), with the system's kill command. */
  public void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(process.pid()))
        .redirectErrorStream(true).start();
    String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (kill.waitFor() != 0) {
      throw new IOException("kill -s " + name + " " + process.pid() + " failed: " + out);
    }
  }

  /** SIGKILL: no shutdown hook, no flush, as a crash or the OOM killer would. */
  public void kill() {
    process.toHandle().destroyForcibly();
  }

  public String output() {
    synchronized (output) {
      return String.join("\n", output);
    }
  }
}
