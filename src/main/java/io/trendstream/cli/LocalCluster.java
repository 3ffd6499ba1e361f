package io.trendstream.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trendstream.common.UserError;
import io.trendstream.post.Post;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

/**
 * A Spark standalone cluster and a multi-node KRaft Kafka on this machine, each node a child
 * process from this JVM's own class path (no Spark or Kafka download). Input: a directory, the
 * number of workers and brokers. Output, in that directory: {@value #ENV_FILE} ({@code
 * SPARK_MASTER=spark://...}, {@code BOOTSTRAP=...}, one {@code PID_NODE=...} per process),
 * {@value #LAYOUT_FILE} (each node's command line, so a later {@code up} restarts dead nodes on
 * the same ports and data), one log per node in {@code logs/}, each node's data, and
 * {@code spark-home/jars} (links to the class path's jars: a worker launches executors from a
 * SPARK_HOME whose {@code jars/} holds Spark).
 */
final class LocalCluster {
  static final String ENV_FILE = "cluster.env";
  static final String LAYOUT_FILE = "nodes.json";
  static final String MASTER = "master";
  static final String WORKER = "worker-";
  static final String BROKER = "broker-";
  /** Marks a node's JVM, so a PID reused by another process is never taken for the node. */
  static final String NODE_PROPERTY = "-Dtrendstream.node=";
  /** Master and worker daemons only schedule; the executors get their own heap. */
  private static final String DAEMON_HEAP = "-Xmx256m";
  /** A broker of a test-sized cluster: small batches, a few partitions. */
  private static final String BROKER_HEAP = "-Xmx512m";
  private static final String READY_LINE = "Kafka broker ready at ";
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** One child process: how to (re)start it and how to tell it is ready. */
  record Node(String name, List<String> command, Map<String, String> env, int workerPort) {}

  /** The cluster's shape and addresses; saved as {@value #LAYOUT_FILE}. */
  record Layout(String masterUrl, String masterUi, String bootstrap, List<Node> nodes) {}

  private final Path dir;
  private final PrintStream out;

  LocalCluster(Path dir, PrintStream out) {
    this.dir = dir.toAbsolutePath().normalize();
    this.out = out;
  }

  /**
   * Starts a new cluster, or on a directory that holds one, starts again whichever of its
   * nodes is not running; returns once every node is ready.
   */
  Layout up(int workers, int brokers, int workerCores, String workerMemory, int partitions,
      Duration timeout) {
    Layout layout = Files.exists(dir.resolve(LAYOUT_FILE)) ? readLayout()
        : newLayout(workers, brokers, workerCores, workerMemory, partitions);
    Map<String, Long> pids = new LinkedHashMap<>(readPids());
    List<Node> started = new ArrayList<>();
    try {
      for (Node node : layout.nodes()) {
        if (alive(node.name(), pids.get(node.name())).isPresent()) {
          continue;
        }
        pids.put(node.name(), launch(node));
        started.add(node);
      }
      writeEnv(layout, pids);
      awaitReady(layout, started, pids, timeout);
    } catch (RuntimeException e) {
      // A node that never got ready must not linger where the next 'up' would adopt it.
      started.forEach(n -> alive(n.name(), pids.get(n.name())).ifPresent(ProcessHandle::destroy));
      throw e;
    }
    return layout;
  }

  /** Stops every node of the cluster: SIGTERM, then SIGKILL after a grace period. */
  List<String> down() {
    if (!Files.exists(dir.resolve(ENV_FILE))) {
      throw new UserError("no " + ENV_FILE + " in " + dir + ": no cluster was started there");
    }
    Map<String, Long> pids = readPids();
    List<String> names = new ArrayList<>(pids.keySet());
    // Spark before Kafka, workers before the master: the reverse of the start.
    java.util.Collections.reverse(names);
    List<String> stopped = new ArrayList<>();
    List<ProcessHandle> brokers = new ArrayList<>();
    for (String name : names) {
      Optional<ProcessHandle> p = alive(name, pids.get(name));
      if (p.isEmpty()) {
        continue;
      }
      stopped.add(name);
      if (name.startsWith(BROKER)) {
        brokers.add(p.get());
      } else {
        stop(List.of(p.get()));
      }
    }
    // All brokers at once: one by one, the last would wait for a quorum that is gone.
    stop(brokers);
    return stopped;
  }

  private static void stop(List<ProcessHandle> processes) {
    processes.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    for (ProcessHandle p : processes) {
      try {
        long left = Math.max(1, deadline - System.nanoTime());
        p.onExit().get(left, TimeUnit.NANOSECONDS);
      } catch (Exception notYet) {
        p.destroyForcibly();
      }
    }
  }

  private Layout newLayout(int workers, int brokers, int workerCores, String workerMemory,
      int partitions) {
    List<String> classpath = List.of(System.getProperty("java.class.path")
        .split(File.pathSeparator));
    Path sparkHome = sparkHome(classpath);
    List<String> flags = jvmFlags();
    String cp = String.join(File.pathSeparator, classpath);
    List<Node> nodes = new ArrayList<>();

    int[] brokerPorts = new int[brokers];
    List<String> voters = new ArrayList<>();
    for (int i = 1; i <= brokers; i++) {
      brokerPorts[i - 1] = freePort();
      voters.add(i + "@127.0.0.1:" + freePort());
    }
    for (int i = 1; i <= brokers; i++) {
      String name = BROKER + i;
      nodes.add(new Node(name, java(name, BROKER_HEAP, flags, cp, Main.class.getName(),
          "broker", "--node-id", Integer.toString(i),
          "--controller-quorum", String.join(",", voters),
          "--port", Integer.toString(brokerPorts[i - 1]),
          "--partitions", Integer.toString(partitions),
          "--data-dir", dir.resolve(name).toString()), Map.of(), 0));
    }
    int masterPort = freePort();
    int masterUiPort = freePort();
    String masterUrl = "spark://127.0.0.1:" + masterPort;
    Map<String, String> sparkEnv = Map.of("SPARK_LOCAL_IP", "127.0.0.1");
    nodes.add(new Node(MASTER, java(MASTER, DAEMON_HEAP, flags, cp,
        "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
        "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(masterUiPort)),
        sparkEnv, 0));
    // Executors fail with "Cannot find any build directories" unless the worker knows the
    // Scala version, and need Spark's jars from SPARK_HOME/jars (../shared/notes).
    Map<String, String> workerEnv = Map.of("SPARK_LOCAL_IP", "127.0.0.1",
        "SPARK_SCALA_VERSION", "2.13", "SPARK_HOME", sparkHome.toString());
    for (int i = 1; i <= workers; i++) {
      String name = WORKER + i;
      int port = freePort();
      nodes.add(new Node(name, java(name, DAEMON_HEAP, flags, cp,
          "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
          "--port", Integer.toString(port), "--webui-port", Integer.toString(freePort()),
          "--cores", Integer.toString(workerCores), "--memory", workerMemory,
          "--work-dir", dir.resolve(name).toString(), masterUrl), workerEnv, port));
    }
    String bootstrap = java.util.Arrays.stream(brokerPorts).mapToObj(p -> "127.0.0.1:" + p)
        .collect(Collectors.joining(","));
    Layout layout = new Layout(masterUrl, "http://127.0.0.1:" + masterUiPort, bootstrap, nodes);
    try {
      Files.createDirectories(dir.resolve("logs"));
      JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(LAYOUT_FILE).toFile(), layout);
    } catch (IOException e) {
      throw new UserError("cannot write the cluster's layout to " + dir + ": " + e.getMessage());
    }
    return layout;
  }

  private static List<String> java(String name, String heap, List<String> flags, String cp,
      String mainClass, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add(heap);
    cmd.add(NODE_PROPERTY + name);
    cmd.addAll(flags);
    cmd.add("-cp");
    cmd.add(cp);
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** A SPARK_HOME for the workers: {@code jars/} links every jar of this class path. */
  private Path sparkHome(List<String> classpath) {
    Path jars = dir.resolve("spark-home").resolve("jars");
    try {
      Files.createDirectories(jars);
      for (String entry : classpath) {
        Path jar = Path.of(entry).toAbsolutePath();
        if (jar.getFileName().toString().endsWith(".jar") && Files.isRegularFile(jar)) {
          Path link = jars.resolve(jar.getFileName());
          if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(link, jar);
          }
        }
      }
    } catch (IOException e) {
      throw new UserError("cannot prepare " + jars + ": " + e.getMessage());
    }
    return jars.getParent();
  }

  private static List<String> jvmFlags() {
    try (InputStream in = Main.class.getResourceAsStream("/trendstream/jvm.flags")) {
      if (in == null) {
        return List.of();
      }
      String flags = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      return flags.isEmpty() ? List.of() : List.of(flags.split("\\s+"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long launch(Node node) {
    Path log = log(node.name());
    try {
      if (Files.exists(log)) {
        // The previous run's log stays readable: it is the one that says why the node died.
        Files.move(log, log.resolveSibling(node.name() + ".log.1"),
            StandardCopyOption.REPLACE_EXISTING);
      }
      ProcessBuilder pb = new ProcessBuilder(node.command())
          .directory(dir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
      pb.environment().putAll(node.env());
      Process p = pb.start();
      out.println("started " + node.name() + " (pid " + p.pid() + "), log " + log);
      return p.pid();
    } catch (IOException e) {
      throw new UserError("cannot start " + node.name() + ": " + e.getMessage());
    }
  }

  private void awaitReady(Layout layout, List<Node> started, Map<String, Long> pids,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Node> waiting = new ArrayList<>(started);
    while (!waiting.isEmpty()) {
      JsonNode master = masterState(layout.masterUi());
      waiting.removeIf(n -> ready(n, master));
      for (Node n : waiting) {
        if (alive(n.name(), pids.get(n.name())).isEmpty()) {
          throw new UserError(n.name() + " exited during start-up; see " + log(n.name()));
        }
      }
      if (waiting.isEmpty()) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new UserError("not ready after " + timeout.toSeconds() + " s: "
            + waiting.stream().map(Node::name).collect(Collectors.joining(", "))
            + "; see their logs in " + dir.resolve("logs"));
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
    }
  }

  private boolean ready(Node node, JsonNode master) {
    if (node.name().startsWith(BROKER)) {
      try {
        return Files.readString(log(node.name()), StandardCharsets.ISO_8859_1)
            .contains(READY_LINE);
      } catch (IOException e) {
        return false;
      }
    }
    if (master == null || !"ALIVE".equals(master.path("status").asText())) {
      return false;
    }
    if (node.name().equals(MASTER)) {
      return true;
    }
    for (JsonNode w : master.path("workers")) {
      if (w.path("port").asInt() == node.workerPort() && "ALIVE".equals(w.path("state").asText())) {
        return true;
      }
    }
    return false;
  }

  /** The master's own JSON status page ({@code /json}), or null while it does not answer. */
  static JsonNode masterState(String masterUi) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(masterUi + "/json/"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while waiting for the cluster");
    }
  }

  private void writeEnv(Layout layout, Map<String, Long> pids) {
    StringBuilder b = new StringBuilder()
        .append("# trendstream cluster in ").append(dir).append('\n')
        .append("SPARK_MASTER=").append(layout.masterUrl()).append('\n')
        .append("SPARK_MASTER_UI=").append(layout.masterUi()).append('\n')
        .append("BOOTSTRAP=").append(layout.bootstrap()).append('\n')
        .append("TOPIC=").append(Post.TOPIC).append('\n');
    for (Node n : layout.nodes()) {
      b.append(pidKey(n.name())).append('=').append(pids.get(n.name())).append('\n');
    }
    try {
      Path tmp = dir.resolve(ENV_FILE + ".tmp");
      Files.writeString(tmp, b.toString());
      Files.move(tmp, dir.resolve(ENV_FILE), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UserError("cannot write " + dir.resolve(ENV_FILE) + ": " + e.getMessage());
    }
  }

  /** {@code PID_BROKER_1} for {@code broker-1}. */
  static String pidKey(String node) {
    return "PID_" + node.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  /** Node name to PID, from {@value #ENV_FILE}; empty when there is none yet. */
  private Map<String, Long> readPids() {
    Map<String, Long> pids = new LinkedHashMap<>();
    if (!Files.exists(dir.resolve(LAYOUT_FILE)) || !Files.exists(dir.resolve(ENV_FILE))) {
      return pids;
    }
    Properties env = new Properties();
    try (var in = Files.newBufferedReader(dir.resolve(ENV_FILE))) {
      env.load(in);
    } catch (IOException e) {
      throw new UserError("cannot read " + dir.resolve(ENV_FILE) + ": " + e.getMessage());
    }
    for (Node n : readLayout().nodes()) {
      String pid = env.getProperty(pidKey(n.name()));
      if (pid != null && pid.matches("\\d+")) {
        pids.put(n.name(), Long.parseLong(pid));
      }
    }
    return pids;
  }

  private Layout readLayout() {
    try {
      return JSON.readValue(dir.resolve(LAYOUT_FILE).toFile(), Layout.class);
    } catch (IOException e) {
      throw new UserError("cannot read " + dir.resolve(LAYOUT_FILE) + ": " + e.getMessage());
    }
  }

  /** The node's process if it runs: the PID alive and its command line naming the node. */
  static Optional<ProcessHandle> alive(String node, Long pid) {
    if (pid == null) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(c -> c.contains(NODE_PROPERTY + node + " "))
            .orElse(false));
  }

  private Path log(String node) {
    return dir.resolve("logs").resolve(node + ".log");
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UserError("cannot find a free port on 127.0.0.1: " + e.getMessage());
    }
  }
}
