package io.trendstream.testing;

import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.broker.KafkaTestClients;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.post.Post;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The project's real {@link EmbeddedKafkaBroker} for a test class, a fresh topic for each test,
 * and what clients need to reach them. Register it as a static field for one broker per class
 * (started by the first test that needs it, stopped after the last), or as an instance field
 * for one broker per test:
 *
 * <pre>{@code
 * @RegisterExtension static final BrokerExtension kafka = new BrokerExtension().partitions(2);
 *
 * @Test void counts() {
 *   kafka.produce(kafka.topic(), posts);       // this test's own topic
 *   StreamConfig config = kafka.streamConfig(dir);
 * }
 * }</pre>
 *
 * <p>The broker starts lazily, so a class can mix tests that need it with tests that do not;
 * starting it from a test that is not {@link IntegrationTest} fails, which keeps the fast tier
 * fast. Its data lives in a temporary directory deleted after it stops.
 */
public final class BrokerExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
  /** How long {@link #consume} waits for the records it expects. */
  public static final Duration WAIT = Duration.ofSeconds(60);
  private static final AtomicInteger NAMES = new AtomicInteger();

  private int partitions = 1;
  private String saslUser;
  private String saslPassword;
  private boolean perClass;
  private ExtensionContext context;
  private Path dataDir;
  private EmbeddedKafkaBroker broker;
  private String topic;

  /** Partitions of the topics this extension creates (default 1). */
  public BrokerExtension partitions(int count) {
    this.partitions = count;
    return this;
  }

  /** Adds the broker's SASL/PLAIN listener for one user (see EmbeddedKafkaBroker). */
  public BrokerExtension withSaslPlain(String user, String password) {
    this.saslUser = user;
    this.saslPassword = password;
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext ctx) {
    perClass = true;
    context = ctx;
  }

  @Override
  public void beforeEach(ExtensionContext ctx) {
    context = ctx;
    topic = null;
  }

  @Override
  public void afterEach(ExtensionContext ctx) {
    topic = null;
    context = ctx.getParent().orElse(null);
    if (!perClass) {
      stop();
    }
  }

  @Override
  public void afterAll(ExtensionContext ctx) {
    stop();
  }

  /** The running broker; starts it on first use. */
  public synchronized EmbeddedKafkaBroker broker() {
    if (broker == null) {
      if (context != null && !context.getTags().contains(IntegrationTest.TAG)) {
        throw new IllegalStateException(context.getDisplayName() + " starts a Kafka broker: "
            + "mark it @IntegrationTest so that the fast tier (./mvnw test) leaves it out");
      }
      try {
        dataDir = Files.createTempDirectory("test-broker");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      broker = newBroker(0);
    }
    return broker;
  }

  private EmbeddedKafkaBroker newBroker(int port) {
    EmbeddedKafkaBroker b = new EmbeddedKafkaBroker(dataDir, port);
    if (saslUser != null) {
      b.withSaslPlain(saslUser, saslPassword);
    }
    return b.start();
  }

  public String bootstrapServers() {
    return broker().bootstrapServers();
  }

  /** What a Kafka client needs to reach the broker (Admin, producer, consumer). */
  public Map<String, Object> clientConfig() {
    return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
  }

  /** The current test's own topic, created on first use. */
  public synchronized String topic() {
    if (topic == null) {
      String owner = context == null ? "topic" : context.getTestMethod()
          .map(m -> m.getName()).orElse(context.getDisplayName());
      topic = newTopic(owner);
    }
    return topic;
  }

  /** Another topic no other test uses, created with the extension's partitions. */
  public String newTopic(String prefix) {
    return newTopic(prefix, partitions);
  }

  public String newTopic(String prefix, int topicPartitions) {
    String name = uniqueName(prefix);
    broker().createTopic(name, topicPartitions, (short) 1);
    return name;
  }

  /**
   * Deletes the topic and creates it again, empty, as an operator might under a running reader:
   * the offsets the reader had reached are gone (Kafka data loss).
   */
  public void recreateTopic(String name, int topicPartitions) throws Exception {
    try (Admin admin = Admin.create(clientConfig())) {
      admin.deleteTopics(List.of(name)).all().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    Await.until("topic " + name + " deleted", WAIT, () -> !broker().topics().contains(name));
    // Deletion finishes in the background: creating fails until it has.
    Await.until("topic " + name + " created again", WAIT, () -> {
      try {
        broker().createTopic(name, topicPartitions, (short) 1);
        return true;
      } catch (RuntimeException stillDeleting) {
        return false;
      }
    });
  }

  /** A topic name no other test uses, for a topic the code under test creates itself. */
  public static String uniqueName(String prefix) {
    return prefix.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + NAMES.incrementAndGet();
  }

  /**
   * The streaming job's settings for the current test's topic on this broker: its own data
   * directory (checkpoints) and query names.
   */
  public StreamConfig streamConfig(Path jobDataDir) {
    return streamConfig(topic(), jobDataDir);
  }

  public StreamConfig streamConfig(String jobTopic, Path jobDataDir) {
    StreamConfig config = new StreamConfig();
    config.bootstrapServers = bootstrapServers();
    config.topic = jobTopic;
    config.dataDir = jobDataDir;
    config.queryNamePrefix = SparkTestSupport.unique("job");
    return config;
  }

  /** Sends the posts with the project's producer (keyed by id, idempotent); all are acked. */
  public PostProducer.Status produce(String to, List<Post> posts) {
    PostProducer.Status status = new PostProducer(new ProducerSettings(bootstrapServers()),
        TestPosts.source(posts), new PostProducer.Options(to, 0, 0), s -> {}).run();
    if (status.acked() != posts.size()) {
      throw new AssertionError("acked " + status.acked() + " of " + posts.size() + " posts: "
          + status.line());
    }
    return status;
  }

  /** The topic's records from the start, as many as expected or what came within {@link #WAIT}. */
  public List<ConsumerRecord<String, String>> consume(String from, int expected) {
    return KafkaTestClients.consume(bootstrapServers(), from, expected, WAIT);
  }

  /**
   * Stops the broker and starts it again on the same data and port, as a broker restart under
   * running clients.
   */
  public synchronized void restart() {
    int port = broker().port();
    broker.stop();
    broker = newBroker(port);
  }

  private synchronized void stop() {
    if (broker != null) {
      broker.stop();
      broker = null;
    }
    if (dataDir != null) {
      deleteQuietly(dataDir);
      dataDir = null;
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | UncheckedIOException ignored) {
      // A temporary directory: what is left goes with the machine's temp cleanup.
    }
  }
}
