package io.trendstream.bench;

import io.trendstream.common.DaemonThreads;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The benchmark's peer engines (Kafka Streams, Flink), run in a child JVM on their own class
 * path, since neither belongs in the product: their libraries are provided-scope dependencies,
 * compiled from src/peers into target/peers-classes, listed in target/peers.classpath and
 * target/peers-shared.classpath (see pom.xml), none of it on target/runtime.classpath or in the
 * -spark.jar. Input: counting requests ({@link #count}). Output: the counts and the child's CPU
 * time, over {@link PeerProtocol}. One child serves the whole bench run, so its JIT and Flink's
 * MiniCluster stay warm between runs as the bench's Spark session does; {@link #close} stops
 * it.
 */
public final class PeerEngines implements AutoCloseable {
  /** Sized like the bench's own heap is for Spark: the stress feed's results are millions. */
  public static final String HEAP = "-Xmx3g";
  private static final String EOF = "\u0000eof";
  private static final AtomicInteger RESULTS = new AtomicInteger();

  /** A finished request: the counts and the child's CPU seconds while it ran. */
  public record Counted(Map<String, Long> counts, double cpuSeconds) {}

  private final Path work;
  private final Duration timeout;
  private final Process child;
  private final Writer requests;
  private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();

  /**
   * Starts the child and waits until it is ready.
   *
   * @param classpath from {@link #classpath()}
   * @param consumer Kafka consumer settings for the Flink source (Kafka Streams keeps its own)
   */
  public PeerEngines(String classpath, String bootstrapServers, Path work, Duration timeout,
      Duration checkpointInterval, Map<String, String> consumer)
      throws IOException, InterruptedException {
    this.work = Files.createDirectories(work);
    this.timeout = timeout;
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    cmd.add(HEAP);
    cmd.addAll(jvmFlags());
    cmd.addAll(List.of("-cp", classpath, PeerProtocol.MAIN_CLASS, bootstrapServers,
        work.toString(), Long.toString(checkpointInterval.toMillis())));
    consumer.forEach((k, v) -> cmd.add(k + "=" + v));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectError(work.resolve("peers.log").toFile());
    child = pb.start();
    requests = new OutputStreamWriter(child.getOutputStream(), StandardCharsets.UTF_8);
    InputStream out = child.getInputStream();
    DaemonThreads.start("bench-peers-replies", () -> {
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))) {
        String line;
        while ((line = r.readLine()) != null) {
          replies.add(line);
        }
      } catch (IOException e) {
        // The child is gone; the EOF below says so.
      }
      replies.add(EOF);
    });
    String ready = reply(Duration.ofMinutes(2));
    if (!ready.equals(PeerProtocol.READY)) {
      close();
      throw new IllegalStateException("the peer engines' JVM did not start: " + ready);
    }
  }

  /**
   * Where a source build put the peers (target/ beside the product's classes dir), as a class
   * path for the child; null when this is not a source build (e.g. the -spark.jar), see
   * {@link #unavailable()}.
   */
  public static String classpath() {
    Path product = productLocation();
    Path target = product == null ? null : product.getParent();
    if (target == null) {
      return null;
    }
    Path peers = target.resolve("peers-classes");
    Path own = target.resolve("peers.classpath");
    Path shared = target.resolve("peers-shared.classpath");
    if (!Files.isDirectory(peers.resolve("io/trendstream/peers")) || !Files.isRegularFile(own)
        || !Files.isRegularFile(shared)) {
      return null;
    }
    try {
      return String.join(java.io.File.pathSeparator, peers.toString(), product.toString(),
          Files.readString(own).trim(), Files.readString(shared).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One line for the user when {@link #classpath()} is null. */
  public static String unavailable() {
    Path product = productLocation();
    return "the peer engines (Kafka Streams, Flink) run only from a source build, whose "
        + "./mvnw -q -DskipTests compile puts them in target/peers-classes; this runs from "
        + (product == null ? "an unknown location" : product.toString());
  }

  /**
   * The product's classes dir or jar; the peers' build lies beside it (target/) in a source
   * build, also for the jar tests run from.
   */
  private static Path productLocation() {
    try {
      var source = PeerEngines.class.getProtectionDomain().getCodeSource();
      return source == null ? null : Path.of(source.getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  /** The JVM flags the product runs with (add-opens for Kryo and RocksDB's JNI alike). */
  private static List<String> jvmFlags() throws IOException {
    try (InputStream in = PeerEngines.class.getResourceAsStream("/trendstream/jvm.flags")) {
      if (in == null) {
        return List.of();
      }
      String flags = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      return flags.isEmpty() || flags.startsWith("${") ? List.of()
          : List.of(flags.split("\\s+"));
    }
  }

  /**
   * Counts a topic with a peer engine.
   *
   * @param windowMs, slideMs, watermarkMs the windowed count's settings (ignored otherwise)
   * @throws IllegalStateException with the child's one-line error
   */
  public Counted count(Engine e, String topic, long expectedTokens, long windowMs,
      long slideMs, long watermarkMs) throws IOException, InterruptedException {
    Path result = work.resolve("result-" + RESULTS.incrementAndGet());
    String line = String.join(PeerProtocol.SEPARATOR, PeerProtocol.COUNT, e.kind.peerJob, topic,
        e.tokenizer.flagValue(), Long.toString(expectedTokens), result.toString(),
        e.stateBackend == null ? "-" : e.stateBackend, windowMs + "," + slideMs,
        Long.toString(watermarkMs));
    requests.write(line + "\n");
    requests.flush();
    String reply = reply(timeout);
    String[] f = reply.split(PeerProtocol.SEPARATOR, 2);
    if (!f[0].equals(PeerProtocol.OK)) {
      throw new IllegalStateException(e.key + " failed in the peer JVM: "
          + (f.length > 1 ? f[1] : reply) + " (its log: " + work.resolve("peers.log") + ")");
    }
    try {
      return new Counted(PeerProtocol.readCounts(result), Long.parseLong(f[1]) / 1e9);
    } finally {
      Files.deleteIfExists(result);
    }
  }

  private String reply(Duration wait) throws InterruptedException {
    String r = replies.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    if (r == null) {
      return PeerProtocol.ERROR + PeerProtocol.SEPARATOR + "no reply within "
          + wait.toSeconds() + " s";
    }
    if (r.equals(EOF)) {
      replies.add(EOF);
      return PeerProtocol.ERROR + PeerProtocol.SEPARATOR + "the peer JVM exited ("
          + (child.isAlive() ? "running" : "code " + child.exitValue()) + ")";
    }
    return r;
  }

  @Override
  public void close() {
    try {
      requests.write(PeerProtocol.QUIT + "\n");
      requests.flush();
      requests.close();
    } catch (IOException e) {
      // Already gone.
    }
    try {
      if (!child.waitFor(30, TimeUnit.SECONDS)) {
        child.destroy();
        if (!child.waitFor(10, TimeUnit.SECONDS)) {
          child.destroyForcibly();
        }
      }
    } catch (InterruptedException e) {
      child.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
