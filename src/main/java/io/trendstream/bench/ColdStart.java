package io.trendstream.bench;

import io.trendstream.common.DaemonThreads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

/**
 * Cold start, as a user meets it: {@code trendstream demo} in a new JVM (same java, flags and
 * classpath as this one), on a fresh data dir, with its own embedded broker, producer, job and
 * HTTP API. Input: the data dir, Spark master and settings. Output: seconds from launching the
 * JVM to the demo's "is running" banner and to the first non-empty {@code word_counts}: the
 * moment the demo prints the status line of the first count batch with posts (the live table
 * has them from then on), confirmed afterwards over its HTTP API. Timing by the HTTP API alone
 * would take a Spark query per poll from the start-up it measures.
 */
public final class ColdStart {
  private static final String BANNER = "dashboard + query API:";
  /** {@link io.trendstream.pipeline.ProgressPrinter}'s line for a word_counts batch. */
  private static final Pattern COUNTED =
      Pattern.compile("^batch \\d+ +[1-9][0-9,]* posts");
  private static final Duration TIMEOUT = Duration.ofSeconds(180);

  /** Seconds since the child JVM was launched. */
  public record Result(double readyS, double firstCountsS) {}

  private ColdStart() {}

  /**
   * Launches the demo, waits for its first counts, stops it.
   *
   * @param main the command line's entry point, run as {@code main demo ...}: passed in by the
   *     CLI, which sits above the bench
   */
  public static Result measure(Class<?> main, Path dataDir, String master,
      Map<String, String> sparkConf) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // A profiler or debugger attached to the bench must not follow it into the child.
      if (!arg.startsWith("-XX:StartFlightRecording") && !arg.startsWith("-agentlib")
          && !arg.startsWith("-javaagent") && !arg.startsWith("-XX:FlightRecorderOptions")) {
        cmd.add(arg);
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName(),
        "demo", "--data-dir", dataDir.resolve("data").toString(), "--broker-port", "0",
        "--store-port", "0",
        "--http-port", "0", "--master", master));
    sparkConf.forEach((k, v) -> cmd.addAll(List.of("--conf", k + "=" + v)));
    Path log = dataDir.resolve("demo.log");
    Files.createDirectories(dataDir);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
    long launched = System.nanoTime();
    Process child = pb.start();
    CompletableFuture<String> url = new CompletableFuture<>();
    CompletableFuture<Double> ready = new CompletableFuture<>();
    CompletableFuture<Double> counted = new CompletableFuture<>();
    Thread reader = DaemonThreads.start("cold-start-log",
        () -> copy(child, log, launched, url, ready, counted));
    try {
      long deadline = launched + TIMEOUT.toNanos();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      while (System.nanoTime() < deadline && child.isAlive()) {
        String base = url.getNow(null);
        if (counted.isDone() && base != null && DemoProbe.wordCountRows(http, base) > 0) {
          return new Result(ready.getNow(Double.NaN), counted.getNow(Double.NaN));
        }
        LockSupport.parkNanos(counted.isDone() ? 100_000_000L : 10_000_000L);
      }
      if (!child.isAlive()) {
        reader.join(5_000);  // the log is the only account, and it goes with a test's temp dir
        throw new IllegalStateException("the demo exited " + child.exitValue()
            + " before showing word counts; its last lines:\n" + tail(log, 10));
      }
      throw new IllegalStateException("the demo showed no word counts within "
          + TIMEOUT.toSeconds() + " s; see " + log);
    } finally {
      child.destroy();  // SIGTERM: the demo's graceful stop
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      reader.join(5_000);
    }
  }

  private static String tail(Path log, int lines) throws IOException {
    List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** The child's output into the log; notes when the banner and the first counts appear. */
  private static void copy(Process child, Path log, long launched, CompletableFuture<String> url,
      CompletableFuture<Double> ready, CompletableFuture<Double> counted) {
    try (BufferedReader in = new BufferedReader(
            new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        int at = line.indexOf(BANNER);
        if (at >= 0 && !url.isDone()) {
          ready.complete((System.nanoTime() - launched) / 1e9);
          url.complete(line.substring(at + BANNER.length()).trim());
        }
        if (!counted.isDone() && COUNTED.matcher(line).find()) {
          counted.complete((System.nanoTime() - launched) / 1e9);
        }
        out.write(line);
        out.newLine();
      }
    } catch (IOException e) {
      // The child is gone; the caller reports what it saw.
    }
  }
}
