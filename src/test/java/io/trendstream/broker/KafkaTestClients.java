package io.trendstream.broker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plain Kafka clients for tests. Input: a running broker's bootstrap address and a topic.
 * Output: records as {@code ConsumerRecord<String, String>} (key, value as UTF-8 text), or as
 * raw bytes ({@link #send}, {@link #readAll}). Consumption polls until the expected count, the
 * end offsets or a deadline, never sleeps.
 */
public final class KafkaTestClients {
  private KafkaTestClients() {}

  /** How long {@link #readAll} may take to reach the end offsets. */
  public static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  public static KafkaProducer<String, String> producer(String bootstrap) {
    return new KafkaProducer<>(producerProperties(bootstrap, StringSerializer.class));
  }

  private static Properties producerProperties(String bootstrap, Class<?> serializer) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, serializer.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, serializer.getName());
    return p;
  }

  /** Sends the values in order, acknowledged by the broker; returns where each one landed. */
  public static List<RecordMetadata> send(String bootstrap, String topic, List<byte[]> values) {
    List<RecordMetadata> out = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(producerProperties(bootstrap, ByteArraySerializer.class))) {
      List<Future<RecordMetadata>> acks = new ArrayList<>();
      for (byte[] v : values) {
        acks.add(producer.send(new ProducerRecord<>(topic, v)));
      }
      for (Future<RecordMetadata> ack : acks) {
        out.add(ack.get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      throw new AssertionError("send failed: " + e.getCause() + "; "
          + describe(bootstrap, topic), e.getCause());
    }
    return out;
  }

  /**
   * Creates {@code rounds} new topics of {@code partitions} partitions with {@code create} and,
   * right after each, sends one record to every partition with a producer that never retries
   * (no idempotence, no retries, no linger). Returns the sends that failed (topic-partition:
   * error): right after creation, a failure means a leader did not serve its partition yet
   * (see {@link TopicReadiness}).
   */
  public static List<String> failedFirstWrites(String bootstrap, int rounds, int partitions,
      Consumer<String> create) throws InterruptedException {
    Properties p = producerProperties(bootstrap, StringSerializer.class);
    p.put(ProducerConfig.ACKS_CONFIG, "1");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    p.put(ProducerConfig.RETRIES_CONFIG, 0);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    List<String> failures = new ArrayList<>();
    try (KafkaProducer<String, String> unretried = new KafkaProducer<>(p)) {
      for (int round = 0; round < rounds; round++) {
        String topic = "first-write-" + UUID.randomUUID();
        create.accept(topic);
        for (int partition = 0; partition < partitions; partition++) {
          try {
            unretried.send(new ProducerRecord<>(topic, partition, "first", "first")).get();
          } catch (ExecutionException e) {
            failures.add(topic + "-" + partition + ": " + e.getCause());
          }
        }
      }
    }
    return failures;
  }

  /** A consumer in a fresh group reading from the earliest offset. */
  public static KafkaConsumer<String, String> consumer(String bootstrap) {
    return new KafkaConsumer<>(consumerProperties(bootstrap, StringDeserializer.class));
  }

  private static Properties consumerProperties(String bootstrap, Class<?> deserializer) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, deserializer.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, deserializer.getName());
    return p;
  }

  /** Every record of the topic, read from the beginning up to the end offsets of now. */
  public static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(consumerProperties(bootstrap, ByteArrayDeserializer.class))) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo info : c.partitionsFor(topic, READ_TIMEOUT)) {
        parts.add(new TopicPartition(topic, info.partition()));
      }
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, READ_TIMEOUT);
      long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end " + end);
        }
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  /**
   * Reads the topic from the beginning until {@code expected} records arrived or the timeout
   * passed, then keeps polling briefly so that extra (duplicate) records would show up too.
   */
  public static List<ConsumerRecord<String, String>> consume(
      String bootstrap, String topic, int expected, Duration timeout) {
    List<ConsumerRecord<String, String>> out = new ArrayList<>();
    try (KafkaConsumer<String, String> c = consumer(bootstrap)) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (out.size() < expected && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      // One more short poll: a record beyond the expected count means duplicates.
      c.poll(Duration.ofMillis(300)).forEach(out::add);
    }
    return out;
  }

  /**
   * One line on what the broker says about a topic and itself (leaders, ISR, fenced brokers), for
   * the message of a failed send: a send that expires unacknowledged says only "timeout", and
   * the reason is gone once the test's broker stops.
   */
  public static String describe(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    try (Admin admin = Admin.create(p)) {
      String brokers = admin
          .describeCluster(new DescribeClusterOptions().includeFencedBrokers(true))
          .nodes().get(10, TimeUnit.SECONDS).stream()
          .map(n -> n.idString() + (n.isFenced() ? " fenced" : " unfenced"))
          .collect(Collectors.joining(", "));
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
          .get(10, TimeUnit.SECONDS).get(topic);
      String partitions = d.partitions().stream()
          .map(tp -> tp.partition() + ": leader " + node(tp.leader()) + " isr "
              + tp.isr().stream().map(KafkaTestClients::node).toList())
          .collect(Collectors.joining("; "));
      return "brokers [" + brokers + "], " + topic + " [" + partitions + "]";
    } catch (Exception e) {
      return "broker did not answer a describe of " + topic + ": " + e;
    }
  }

  private static String node(Node n) {
    return n == null || n.isEmpty() ? "none" : n.idString();
  }
}
