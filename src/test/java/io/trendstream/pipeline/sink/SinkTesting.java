package io.trendstream.pipeline.sink;

import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.broker.KafkaTestClients;
import io.trendstream.pipeline.DurableSink;
import io.trendstream.pipeline.SinkContext;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.pipeline.Tokenizer;
import io.trendstream.pipeline.TrendQueries;
import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import io.trendstream.post.TwitterTime;
import io.trendstream.source.SyntheticSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * What the sink tests share: deterministic posts, raw bytes into the real broker, expected
 * counts recomputed from the posts in plain Java, topics read to their end, and the checkpoint
 * surgery that makes Spark replay a batch. Never sleeps: reads poll up to the end offsets.
 */
final class SinkTesting {
  static final Duration READ_TIMEOUT = Duration.ofSeconds(60);
  private static final AtomicLong NAMES = new AtomicLong(System.nanoTime());

  private SinkTesting() {}

  /** A name no other test in this JVM uses, for topics, query prefixes and databases. */
  static String unique(String prefix) {
    return prefix + "_" + NAMES.incrementAndGet();
  }

  /** Posts [0, n) of a seeded synthetic stream, two per event-time second from {@code start}. */
  static List<Post> posts(Instant start, int n) {
    SyntheticSource source = new SyntheticSource(11, start.toEpochMilli(), 2);
    List<Post> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(source.next());
    }
    return out;
  }

  static byte[] bytes(Post p) {
    return PostJson.toJson(p).getBytes(StandardCharsets.UTF_8);
  }

  /** Sends the values in order, acknowledged by the broker; returns where each one landed. */
  static List<RecordMetadata> send(String bootstrap, String topic, List<byte[]> values) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    List<RecordMetadata> out = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
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
          + KafkaTestClients.describe(bootstrap, topic), e.getCause());
    }
    return out;
  }

  static List<RecordMetadata> sendPosts(String bootstrap, String topic, List<Post> posts) {
    return send(bootstrap, topic, posts.stream().map(SinkTesting::bytes).toList());
  }

  /** Every record of the topic, read from the beginning up to the end offsets of now. */
  static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "sink-test-" + UUID.randomUUID());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
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

  static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    var h = r.headers().lastHeader(name);
    return h == null ? null : text(h.value());
  }

  /** Running count per word over the posts, as the WORDS tokenizer splits them. */
  static Map<String, Long> wordCounts(Collection<Post> posts) {
    Map<String, Long> counts = new HashMap<>();
    for (Post p : posts) {
      for (String w : Tokenizer.WORDS.tokenize(p.text())) {
        counts.merge(w, 1L, Long::sum);
      }
    }
    return counts;
  }

  /** Count per "window_start/window_end/word" for 10-minute windows sliding by 5 minutes. */
  static Map<String, Long> windowedCounts(Collection<Post> posts) {
    long slide = Duration.ofMinutes(5).toMillis();
    long length = Duration.ofMinutes(10).toMillis();
    Map<String, Long> counts = new HashMap<>();
    for (Post p : posts) {
      long t = TwitterTime.parse(p.createdAt()).toEpochMilli();
      for (long start = t - Math.floorMod(t, slide); start > t - length; start -= slide) {
        String window = Instant.ofEpochMilli(start) + "/" + Instant.ofEpochMilli(start + length);
        for (String w : Tokenizer.WORDS.tokenize(p.text())) {
          counts.merge(window + "/" + w, 1L, Long::sum);
        }
      }
    }
    return counts;
  }

  /** The job's config for a test: its broker, topic, data dir and query-name prefix. */
  static StreamConfig config(EmbeddedKafkaBroker broker, String topic, Path dataDir) {
    StreamConfig c = new StreamConfig();
    c.bootstrapServers = broker.bootstrapServers();
    c.topic = topic;
    c.dataDir = dataDir;
    c.queryNamePrefix = unique("sink") + "_";
    return c;
  }

  /** A sink's view of a fresh Kafka source on the config's topic, as the job builds it. */
  static SinkContext context(StreamConfig config) {
    Dataset<Row> records = StreamingJob.kafka(config).apply(spark());
    return new SinkContext(config, records,
        TrendQueries.posts(records, config.eventTime, config.maxValueBytes));
  }

  static List<StreamingQuery> start(DurableSink sink, StreamConfig config) {
    try {
      return sink.start(context(config));
    } catch (TimeoutException e) {
      throw new AssertionError(e);
    }
  }

  static void processAll(List<StreamingQuery> queries) {
    for (StreamingQuery q : queries) {
      q.processAllAvailable();
    }
  }

  static void stop(List<StreamingQuery> queries) {
    for (StreamingQuery q : queries) {
      try {
        q.stop();
      } catch (TimeoutException e) {
        throw new AssertionError(e);
      }
    }
  }

  /**
   * Deletes the newest file of the checkpoint's commit log, as if the process died after the
   * batch wrote its output but before Spark recorded it: the next start runs that batch again.
   *
   * @return the id of the batch that will be replayed
   */
  static long dropLastCommit(String checkpoint) {
    Path commits = Path.of(checkpoint).resolve("commits");
    try (Stream<Path> files = Files.list(commits)) {
      long last = files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.matches("\\d+"))
          .mapToLong(Long::parseLong)
          .max()
          .orElseThrow(() -> new AssertionError("no commits in " + commits));
      Files.delete(commits.resolve(Long.toString(last)));
      Files.deleteIfExists(commits.resolve("." + last + ".crc"));
      return last;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts the restarted query ran {@code batchId} again (so the replay really happened). */
  static void assertReplayed(StreamingQuery q, long batchId) {
    assertThat(q.recentProgress())
        .as("batches %s ran after the restart", q.name())
        .anyMatch(p -> p.batchId() == batchId);
  }
}
