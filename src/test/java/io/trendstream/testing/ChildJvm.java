package io.trendstream.testing;

import io.trendstream.cli.Main;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code trendstream ARGS} in a child JVM, as a user runs it: the test's classpath and the
 * launcher's JVM flags, output collected line by line. Lets tests kill it for real (SIGKILL) or
 * stop it as Ctrl-C would (SIGTERM).
 */
public final class ChildJvm {
  public final Process process;
  private final List<String> output = new ArrayList<>();

  private ChildJvm(Process process) {
    this.process = process;
  }

  public static ChildJvm start(Path workDir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx1g");
    String flags = Files.readString(Path.of("target/classes/trendstream/jvm.flags")).trim();
    cmd.addAll(List.of(flags.split("\\s+")));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectErrorStream(true).start();
    ChildJvm child = new ChildJvm(p);
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          synchronized (child.output) {
            child.output.add(line);
          }
        }
      } catch (IOException ignored) {
        // The process ended.
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
    return child;
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
