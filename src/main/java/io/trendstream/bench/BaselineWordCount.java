package io.trendstream.bench;

import io.trendstream.common.DaemonThreads;
import io.trendstream.pipeline.PostFields;
import io.trendstream.pipeline.Tokenizer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The hand-written baseline: what a competent developer writes without a framework. Input:
 * every record of a topic, read from the beginning to the end offsets taken at the start.
 * Output: word counts. Each thread owns a plain {@link KafkaConsumer} (default settings,
 * assigned partitions, no group), parses and classifies the value as the job does
 * ({@link PostFields#postText}: Jackson, one pass), splits it with the job's {@link Tokenizer}
 * and counts into a {@link HashMap} of mutable cells; the per-thread maps are merged at the end.
 */
public final class BaselineWordCount {
  private static final Duration POLL = Duration.ofMillis(100);

  private final String bootstrapServers;
  private final Duration timeout;
  private final Map<String, String> consumerSettings;

  public BaselineWordCount(String bootstrapServers, Duration timeout) {
    this(bootstrapServers, timeout, Map.of());
  }

  /** @param consumerSettings Kafka consumer settings on top of the defaults */
  public BaselineWordCount(String bootstrapServers, Duration timeout,
      Map<String, String> consumerSettings) {
    this.bootstrapServers = bootstrapServers;
    this.timeout = timeout;
    this.consumerSettings = Map.copyOf(consumerSettings);
  }

  /**
   * @param threads 1 reads every partition on the calling thread; more splits the partitions
   *     round-robin across that many threads
   */
  public Map<String, Long> count(String topic, Tokenizer tokenizer, int threads)
      throws InterruptedException, ExecutionException {
    List<TopicPartition> partitions = partitions(topic);
    if (threads <= 1) {
      return toLongs(countPartitions(partitions, tokenizer));
    }
    List<List<TopicPartition>> shares = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      shares.add(new ArrayList<>());
    }
    for (int i = 0; i < partitions.size(); i++) {
      shares.get(i % threads).add(partitions.get(i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads,
        DaemonThreads.factory("bench-baseline"));
    try {
      List<Future<Map<String, long[]>>> futures = new ArrayList<>();
      for (List<TopicPartition> share : shares) {
        if (!share.isEmpty()) {
          futures.add(pool.submit(() -> countPartitions(share, tokenizer)));
        }
      }
      Map<String, long[]> merged = new HashMap<>();
      for (Future<Map<String, long[]>> f : futures) {
        f.get().forEach((w, c) -> merged.computeIfAbsent(w, k -> new long[1])[0] += c[0]);
      }
      return toLongs(merged);
    } finally {
      pool.shutdownNow();
    }
  }

  private Map<String, long[]> countPartitions(List<TopicPartition> partitions,
      Tokenizer tokenizer) {
    Map<String, long[]> counts = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      Set<TopicPartition> remaining = new HashSet<>(partitions);
      remaining.removeIf(tp -> consumer.position(tp) >= end.get(tp));
      while (!remaining.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("baseline did not reach the end of " + remaining
              + " within " + timeout.toSeconds() + " s");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          String text = PostFields.postText(r.value());
          if (text != null) {
            for (String w : tokenizer.tokenize(text)) {
              counts.computeIfAbsent(w, k -> new long[1])[0]++;
            }
          }
        }
        remaining.removeIf(tp -> consumer.position(tp) >= end.get(tp));
      }
    }
    return counts;
  }

  private List<TopicPartition> partitions(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties())) {
      List<TopicPartition> out = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(topic)) {
        out.add(new TopicPartition(topic, p.partition()));
      }
      return out;
    }
  }

  private Properties consumerProperties() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "trendstream-bench-baseline");
    p.putAll(consumerSettings);
    return p;
  }

  private static Map<String, Long> toLongs(Map<String, long[]> counts) {
    Map<String, Long> out = new HashMap<>(counts.size() * 2);
    counts.forEach((w, c) -> out.put(w, c[0]));
    return out;
  }
}
