package io.trendstream.peers;

import io.trendstream.bench.PeerProtocol;
import io.trendstream.pipeline.Tokenizer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The bench's peer engines in a JVM of their own (Kafka Streams, Flink: their libraries are not
 * on the product's class path, and Flink's Kryo 5 and Spark's Kryo 4 cannot share one). Started
 * by the bench's {@code PeerEngines} as
 * {@code PeerMain <bootstrap servers> <work dir> <checkpoint ms> [consumer key=value ...]}.
 * Input: requests on stdin, output: replies on stdout, counts in result files, all as
 * {@link PeerProtocol} says. The engines stay up between requests (Flink's MiniCluster, the
 * JIT's work), as the bench's Spark session does between its runs.
 */
public final class PeerMain {
  private PeerMain() {}

  public static void main(String[] args) throws Exception {
    // The protocol owns stdout; anything a library prints goes to stderr.
    PrintStream replies = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    String bootstrap = args[0];
    Path work = Files.createDirectories(Path.of(args[1]));
    Duration checkpointInterval = Duration.ofMillis(Long.parseLong(args[2]));
    Map<String, String> consumer = new LinkedHashMap<>();
    for (int i = 3; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      consumer.put(args[i].substring(0, eq), args[i].substring(eq + 1));
    }
    KafkaStreamsWordCount kafkaStreams = new KafkaStreamsWordCount(bootstrap,
        Files.createDirectories(work.resolve("kafka-streams")), Duration.ofHours(1));
    FlinkWordCount flink = null;
    try {
      replies.println(PeerProtocol.READY);
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null && !line.equals(PeerProtocol.QUIT)) {
        String[] f = line.split(PeerProtocol.SEPARATOR, -1);
        try {
          if (f.length != 9 || !f[0].equals(PeerProtocol.COUNT)) {
            throw new IllegalArgumentException("bad request: " + line);
          }
          String job = f[1];
          String topic = f[2];
          Tokenizer tokenizer = Tokenizer.of(f[3]);
          long expectedTokens = Long.parseLong(f[4]);
          Path result = Path.of(f[5]);
          String backend = f[6];
          long cpu0 = cpuNanos();
          Map<String, Long> counts;
          switch (job) {
            case PeerProtocol.KAFKA_STREAMS:
              counts = kafkaStreams.count(topic, tokenizer, expectedTokens);
              break;
            case PeerProtocol.FLINK_RUNNING:
              flink = flink != null ? flink : new FlinkWordCount(bootstrap,
                  Files.createDirectories(work.resolve("flink")), checkpointInterval, consumer)
                  .start();
              counts = flink.running(topic, tokenizer, backend);
              break;
            case PeerProtocol.FLINK_WINDOWED:
              flink = flink != null ? flink : new FlinkWordCount(bootstrap,
                  Files.createDirectories(work.resolve("flink")), checkpointInterval, consumer)
                  .start();
              String[] w = f[7].split(",");
              counts = flink.windowed(topic, tokenizer, backend,
                  Duration.ofMillis(Long.parseLong(w[0])), Duration.ofMillis(Long.parseLong(w[1])),
                  Duration.ofMillis(Long.parseLong(f[8])));
              break;
            default:
              throw new IllegalArgumentException("unknown job " + job);
          }
          long cpu = cpuNanos() - cpu0;
          PeerProtocol.writeCounts(result, counts);
          replies.println(PeerProtocol.OK + PeerProtocol.SEPARATOR + cpu);
        } catch (Exception | LinkageError e) {
          e.printStackTrace();
          replies.println(PeerProtocol.ERROR + PeerProtocol.SEPARATOR
              + (e.toString() + (e.getCause() != null ? " <- " + rootCause(e) : ""))
                  .replace('\n', ' ').replace('\t', ' '));
        }
      }
    } finally {
      if (flink != null) {
        flink.close();
      }
    }
    System.exit(0);
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.toString();
  }

  private static long cpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean
        ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime() : 0;
  }
}
