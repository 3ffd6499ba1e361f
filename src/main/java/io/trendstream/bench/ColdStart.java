package io.trendstream.bench;

import io.trendstream.pipeline.LiveTables;
import io.trendstream.pipeline.SparkSessions;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.sql.SparkSession;

/**
 * Cold start, as a user meets it: a new JVM (same java, flags and classpath as this one) that
 * creates the SparkSession, starts the {@link StreamingJob} into {@link LiveTables} on a topic
 * that already holds posts, and waits for the first non-empty {@code word_counts}. Input: the
 * broker address, topic, data dir, Spark master and settings. Output: seconds from launching
 * the JVM to its {@code main}, to the SparkSession, to the job started, to the first counts.
 */
public final class ColdStart {
  private static final String MARK = "COLDSTART ";
  private static final long TIMEOUT_SECONDS = 180;

  /** Seconds since the child JVM was launched. */
  public record Result(double mainS, double sessionS, double jobStartedS, double firstCountsS) {}

  private ColdStart() {}

  /** Launches the child and waits for its figures. */
  public static Result measure(String bootstrap, String topic, Path dataDir, String master,
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
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(ColdStart.class.getName());
    cmd.add(bootstrap);
    cmd.add(topic);
    cmd.add(dataDir.toString());
    cmd.add(master);
    sparkConf.forEach((k, v) -> cmd.add(k + "=" + v));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectError(dataDir.resolve("coldstart.log").toFile());
    pb.environment().putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
    long launched = System.currentTimeMillis();
    Process child = pb.start();
    String line;
    String figures = null;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      while ((line = out.readLine()) != null) {
        if (line.startsWith(MARK)) {
          figures = line.substring(MARK.length());
        }
      }
    } finally {
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
    if (figures == null) {
      throw new IllegalStateException("cold-start JVM exited " + child.exitValue()
          + " without figures; see " + dataDir.resolve("coldstart.log"));
    }
    String[] t = figures.trim().split(" ");
    return new Result(
        (Long.parseLong(t[0]) - launched) / 1e3,
        (Long.parseLong(t[1]) - launched) / 1e3,
        (Long.parseLong(t[2]) - launched) / 1e3,
        (Long.parseLong(t[3]) - launched) / 1e3);
  }

  /** The child: args are bootstrap, topic, data dir, master, then Spark settings as k=v. */
  public static void main(String[] args) {
    long main = System.currentTimeMillis();
    Map<String, String> conf = new LinkedHashMap<>();
    for (int i = 4; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      conf.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    int code = 1;
    try {
      SparkSession spark = SparkSessions.create(args[3], conf);
      long session = System.currentTimeMillis();
      StreamConfig config = new StreamConfig();
      config.bootstrapServers = args[0];
      config.topic = args[1];
      config.dataDir = Path.of(args[2]);
      LiveTables tables = new LiveTables();
      StreamingJob job = new StreamingJob(spark, config, StreamingJob.kafka(config), tables);
      job.start();
      long started = System.currentTimeMillis();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
      while (tables.snapshot(StreamingJob.WORD_COUNTS).isEmpty()
          && System.nanoTime() < deadline) {
        LockSupport.parkNanos(1_000_000L);
      }
      long first = System.currentTimeMillis();
      if (!tables.snapshot(StreamingJob.WORD_COUNTS).isEmpty()) {
        System.out.println(MARK + main + " " + session + " " + started + " " + first);
        code = 0;
      }
    } catch (Exception e) {
      e.printStackTrace();
    }
    System.out.flush();
    // Stopping Spark cleanly takes seconds and can hang; the figures are out, the dir is temp.
    Runtime.getRuntime().halt(code);
  }
}
