package io.trendstream.broker;

import static io.trendstream.common.Messages.rootMessage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, roles broker+controller, node id 1) running inside this
 * JVM. Input: a data directory (created and formatted on first use, reused afterwards so topics
 * and records survive a restart) and a client port. Output: a PLAINTEXT listener at
 * {@link #bootstrapServers()} that any Kafka client or tool can use; records are whatever
 * clients write. Kafka's server classes are internal APIs, so this is the only class that touches
 * them.
 *
 * <p>Optionally ({@link #withQuorum}) one node of a multi-node cluster: combined
 * broker/controller nodes, each in its own process with its own data dir, that name the same
 * static controller quorum ({@code 1@127.0.0.1:19093,2@127.0.0.1:19094,...}); topics then get
 * replication factor {@code min(3, nodes)} and {@code min.insync.replicas} {@code min(2, nodes)}
 * by default.
 *
 * <p>Optionally ({@link #withSaslPlain}) a second listener that only lets in one user by
 * SASL/PLAIN, the way a secured cluster does, for testing the clients' security settings; the
 * PLAINTEXT listener stays, for the broker's own health check and for tests' fixtures.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  /** Written and read back by {@link #start()} to prove the broker serves real traffic. */
  public static final String HEALTH_TOPIC = "_trendstream_health";
  public static final int DEFAULT_PORT = 9092;

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final String HOST = "127.0.0.1";
  private static final int SINGLE_NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String SASL_LISTENER = "SASL_PLAINTEXT";
  private static final String PLAIN_LOGIN_MODULE =
      "org.apache.kafka.common.security.plain.PlainLoginModule";
  private static final String META_PROPERTIES = "meta.properties";
  /** After an unclean kill, log recovery made a start take ~12 s; leave plenty of margin. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

  /** Tries at picking free ports before a port taken under the broker is an error. */
  private static final int START_ATTEMPTS = 3;

  private final Path dataDir;
  private final int requestedPort;
  private final IntSupplier freePorts;
  private int nodeId = SINGLE_NODE_ID;
  /** The static controller quorum; null: a single node that is its own quorum. */
  private Quorum quorum;
  private int port;
  private KafkaRaftServer server;
  /** The one user the SASL listener lets in; null: no SASL listener. */
  private String saslUser;
  private String saslPassword;
  private int saslPort;

  /**
   * @param dataDir where the broker keeps its log (created if missing)
   * @param port client port; 0 picks a free one at {@link #start()}
   */
  public EmbeddedKafkaBroker(Path dataDir, int port) {
    this(dataDir, port, EmbeddedKafkaBroker::freePort);
  }

  /** @param freePorts picks the ports the broker chooses itself (tests make it collide) */
  EmbeddedKafkaBroker(Path dataDir, int port, IntSupplier freePorts) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is not in 0..65535");
    }
    this.dataDir = dataDir.toAbsolutePath();
    this.requestedPort = port;
    this.freePorts = freePorts;
  }

  /**
   * Also opens a SASL_PLAINTEXT listener, mechanism PLAIN, on a free port, that accepts only
   * {@code user} with {@code password} (a JAAS config built here: no file, no system
   * property). Call before {@link #start()}.
   *
   * @throws IllegalArgumentException for a name or password JAAS could not quote
   */
  public synchronized EmbeddedKafkaBroker withSaslPlain(String user, String password) {
    if (server != null) {
      throw new IllegalStateException("withSaslPlain must be called before start()");
    }
    this.saslUser = jaasValue("user", user);
    this.saslPassword = jaasValue("password", password);
    return this;
  }

  /**
   * Makes this broker node {@code nodeId} of a multi-node cluster whose controllers are
   * {@code voters} ({@code ID@HOST:PORT,...}, Kafka's {@code controller.quorum.voters}); the
   * node's controller listens on its own entry's port. Every node of one cluster must get the
   * same voters: the cluster id is derived from them, so nodes formatted apart still agree.
   * Call before {@link #start()}; the client port must then be fixed (not 0), since the other
   * nodes' clients learn it from the metadata.
   *
   * @throws IllegalArgumentException for malformed voters or a node id not among them
   */
  public synchronized EmbeddedKafkaBroker withQuorum(int nodeId, String voters) {
    if (server != null) {
      throw new IllegalStateException("withQuorum must be called before start()");
    }
    Quorum q = Quorum.parse(voters);
    q.controllerPort(nodeId);
    if (requestedPort == 0) {
      throw new IllegalArgumentException("a node of a multi-node cluster needs a fixed port");
    }
    this.nodeId = nodeId;
    this.quorum = q;
    return this;
  }

  /** Nodes in the controller quorum: 1 for a single node. */
  public int nodes() {
    return quorum == null ? 1 : quorum.size();
  }

  /** Replication factor of the topics this broker creates by default: up to 3 copies. */
  public short defaultReplication() {
    return (short) Math.min(3, nodes());
  }

  /** {@code min.insync.replicas} of those topics: 2 once there are 2 nodes. */
  public int defaultMinInsync() {
    return Math.min(2, nodes());
  }

  /** {@code 127.0.0.1:PORT} of the SASL listener; valid after {@link #start()}. */
  public String saslBootstrapServers() {
    if (saslUser == null || saslPort == 0) {
      throw new IllegalStateException("no SASL listener: call withSaslPlain before start()");
    }
    return HOST + ":" + saslPort;
  }

  /**
   * Kafka client settings that log in at {@link #saslBootstrapServers()} as {@code user}:
   * {@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}.
   */
  public static Map<String, String> saslPlainClientSettings(String user, String password) {
    return Map.of(
        "security.protocol", "SASL_PLAINTEXT",
        "sasl.mechanism", "PLAIN",
        "sasl.jaas.config", PLAIN_LOGIN_MODULE + " required username=\""
            + jaasValue("user", user) + "\" password=\"" + jaasValue("password", password)
            + "\";");
  }

  private static String jaasValue(String what, String value) {
    if (value == null || value.isEmpty() || value.contains("\"") || value.contains("\\")
        || value.contains(";")) {
      throw new IllegalArgumentException("the SASL " + what + " must be non-empty, without "
          + "quotes, backslashes or semicolons");
    }
    return value;
  }

  /**
   * Formats the data directory if needed, starts the broker and returns once a record has made
   * a produce and consume round trip through {@link #HEALTH_TOPIC}.
   *
   * @throws IllegalStateException with a one-line reason (port in use, data dir unusable, ...)
   */
  public synchronized EmbeddedKafkaBroker start() {
    if (server != null) {
      return this;
    }
    try {
      Files.createDirectories(dataDir);
    } catch (IOException e) {
      throw new IllegalStateException("cannot create Kafka data dir " + dataDir + ": " + e, e);
    }
    for (int attempt = 1; server == null; attempt++) {
      port = requestedPort == 0 ? freePorts.getAsInt() : requirePortFree(requestedPort);
      int controllerPort = quorum == null ? freePorts.getAsInt() : quorum.controllerPort(nodeId);
      saslPort = saslUser != null ? freePorts.getAsInt() : 0;
      KafkaConfig config = new KafkaConfig(brokerProperties(port, controllerPort), false);
      formatIfNeeded(config);
      KafkaRaftServer s = new KafkaRaftServer(config, Time.SYSTEM);
      // Kafka halts the JVM when its controller cannot start (a bind failure included), which
      // would take Spark and the HTTP server down too: during start-up a halt throws instead.
      Exit.setHaltProcedure((code, message) -> {
        throw new IllegalStateException("the Kafka controller did not start (its error is "
            + "logged above)");
      });
      try {
        s.startup();
        server = s;
      } catch (RuntimeException e) {
        shutdownQuietly(s);
        // The ports picked here were free when picked, but another process may bind one before
        // the broker does (the controller's port is always picked here): pick again.
        if (attempt >= START_ATTEMPTS || quorum != null
            || !portTaken(port, controllerPort, saslPort)) {
          throw new IllegalStateException("Kafka broker failed to start: " + e.getMessage(), e);
        }
        LOG.debug("Kafka broker could not bind its ports (attempt {}): {}", attempt, e.toString());
      } finally {
        Exit.resetHaltProcedure();
      }
    }
    try {
      healthCheck();
    } catch (RuntimeException e) {
      stop();
      throw e;
    }
    LOG.debug("Kafka broker ready at {} (data in {})", bootstrapServers(), dataDir);
    return this;
  }

  /** {@code 127.0.0.1:PORT}; valid after {@link #start()}. */
  public String bootstrapServers() {
    if (port == 0) {
      throw new IllegalStateException("broker not started");
    }
    return HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** Creates a topic; an existing topic of that name is fine and left unchanged. */
  public void createTopic(String name, int partitions, short replication) {
    createTopic(name, partitions, replication, Map.of());
  }

  /**
   * Creates a topic with extra topic configs (e.g. {@code cleanup.policy=compact}); an existing
   * topic of that name is fine and left unchanged.
   */
  public void createTopic(
      String name, int partitions, short replication, Map<String, String> configs) {
    try (Admin admin = admin()) {
      createTopic(admin, name, partitions, replication, configs);
    }
  }

  /** Names of all non-internal topics. */
  public Set<String> topics() {
    try (Admin admin = admin()) {
      return admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot list topics: " + rootMessage(e), e);
    }
  }

  /** Stops the broker and waits until it is down. Idempotent. */
  public synchronized void stop() {
    KafkaRaftServer s = server;
    server = null;
    if (s != null) {
      shutdownQuietly(s);
      LOG.debug("Kafka broker at {} stopped", bootstrapServers());
    }
  }

  @Override
  public void close() {
    stop();
  }

  private Properties brokerProperties(int clientPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(nodeId));
    p.put("controller.quorum.voters",
        quorum == null ? nodeId + "@" + HOST + ":" + controllerPort : quorum.voters());
    String sasl = saslUser == null ? "" : "," + SASL_LISTENER + "://" + HOST + ":" + saslPort;
    p.put("listeners",
        "PLAINTEXT://" + HOST + ":" + clientPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":"
            + controllerPort + sasl);
    p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + clientPort + sasl);
    p.put("controller.listener.names", CONTROLLER_LISTENER);
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
        + (saslUser == null ? "" : "," + SASL_LISTENER + ":SASL_PLAINTEXT"));
    if (saslUser != null) {
      // The server side of PLAIN: one user_NAME="PASSWORD" entry per user it accepts.
      String prefix = "listener.name." + SASL_LISTENER.toLowerCase(Locale.ROOT) + ".";
      p.put(prefix + "sasl.enabled.mechanisms", "PLAIN");
      p.put(prefix + "plain.sasl.jaas.config", PLAIN_LOGIN_MODULE + " required user_"
          + saslUser + "=\"" + saslPassword + "\";");
    }
    p.put("log.dirs", dataDir.toString());
    // Internal topics cannot have more replicas than brokers: one node gets 1; a cluster gets
    // what its own topics get, so losing one node loses no committed offset.
    String replication = Short.toString(defaultReplication());
    String minIsr = Integer.toString(defaultMinInsync());
    p.put("offsets.topic.replication.factor", replication);
    p.put("transaction.state.log.replication.factor", replication);
    p.put("transaction.state.log.min.isr", minIsr);
    p.put("share.coordinator.state.topic.replication.factor", replication);
    p.put("share.coordinator.state.topic.min.isr", minIsr);
    // Topics created without a replication factor (the sinks') get the cluster's; an acks=all
    // write then needs two copies, so one node's loss loses no acked record.
    p.put("default.replication.factor", replication);
    p.put("min.insync.replicas", minIsr);
    // Few partitions: 50 offsets partitions cost seconds of start-up on a 2-core machine.
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.num.partitions", "1");
    // A lone consumer should not wait 3 s for group members that will never come.
    p.put("group.initial.rebalance.delay.ms", "0");
    // Topics are created on purpose (createTopic); a typo in --topic must not make a new one.
    p.put("auto.create.topics.enable", "false");
    // The default 128 MiB dedupe buffer is sized for big servers; compacted topics here are small.
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    return p;
  }

  /** Kafka's storage formatter, as {@code kafka-storage format} runs it, on first use only. */
  private void formatIfNeeded(KafkaConfig config) {
    if (Files.exists(dataDir.resolve(META_PROPERTIES))) {
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      new Formatter()
          .setPrintStream(ps)
          .setNodeId(nodeId)
          .setClusterId(quorum == null ? Uuid.randomUuid().toString() : quorum.clusterId())
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setMetadataLogDirectory(config.metadataLogDir())
          .addDirectory(dataDir.toString())
          .run();
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot format Kafka data dir " + dataDir + ": " + rootMessage(e), e);
    }
    LOG.debug("formatted {}: {}", dataDir, out.toString(StandardCharsets.UTF_8).trim());
  }

  private void healthCheck() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try (Admin admin = admin()) {
      // On a cluster one copy per node, of which one suffices: any node that is up can check.
      createTopic(admin, HEALTH_TOPIC, 1, defaultReplication(),
          quorum == null ? Map.of() : Map.of("min.insync.replicas", "1"));
    }
    String marker = "health-" + UUID.randomUUID();
    Properties pp = clientProperties();
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    pp.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) START_TIMEOUT.toMillis());
    pp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
    RecordMetadata sent;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
      sent = producer.send(new ProducerRecord<>(HEALTH_TOPIC, marker, marker))
          .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("Kafka broker did not accept a record: " + rootMessage(e), e);
    }
    Properties cp = clientProperties();
    cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
      TopicPartition tp = new TopicPartition(HEALTH_TOPIC, sent.partition());
      consumer.assign(List.of(tp));
      consumer.seek(tp, sent.offset());
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          if (marker.equals(r.value())) {
            return;
          }
        }
      }
    }
    throw new IllegalStateException(
        "Kafka broker accepted a record but did not serve it back within " + START_TIMEOUT);
  }

  private static void createTopic(
      Admin admin, String name, int partitions, short replication, Map<String, String> configs) {
    NewTopic topic = new NewTopic(name, partitions, replication).configs(configs);
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try {
      while (true) {
        try {
          admin.createTopics(List.of(topic)).all()
              .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          break;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof TopicExistsException) {
            break;
          }
          // The nodes of a cluster start together: until enough have registered, a topic
          // with one copy per node cannot be placed yet.
          if (!(e.getCause() instanceof InvalidReplicationFactorException)
              || System.nanoTime() > deadline) {
            throw e;
          }
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
      }
      TopicReadiness.await(admin, name, ADMIN_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + name + ": " + rootMessage(e), e);
    }
  }

  private Admin admin() {
    Properties p = clientProperties();
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    return Admin.create(p);
  }

  private Properties clientProperties() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return p;
  }

  private static void shutdownQuietly(KafkaRaftServer s) {
    try {
      s.shutdown();
      s.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Kafka broker shutdown: {}", e.toString());
    }
  }

  /** Whether another process holds one of the ports now that the broker has let go. */
  private static boolean portTaken(int... ports) {
    for (int p : ports) {
      if (!isFree(p)) {
        return true;
      }
    }
    return false;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("cannot find a free port on " + HOST + ": " + e, e);
    }
  }

  /** Fails fast with a clear message instead of Kafka's bind error deep in start-up. */
  private static int requirePortFree(int port) {
    if (!isFree(port)) {
      throw new IllegalStateException(
          "port " + port + " on " + HOST + " is already in use (another broker running?)");
    }
    return port;
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
