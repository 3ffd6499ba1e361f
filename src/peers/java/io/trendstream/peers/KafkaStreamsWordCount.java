package io.trendstream.peers;

import io.trendstream.bench.Dirs;
import io.trendstream.pipeline.PostFields;
import io.trendstream.pipeline.Tokenizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Kafka Streams' WordCount, the comparison a Kafka user would reach for. Input: every record of
 * a topic from the beginning. Output: word counts read back from the count store with an
 * interactive query. Topology: values parsed and classified as the job does ({@link PostFields#postText}),
 * split with the job's {@link Tokenizer}, re-keyed by word, repartitioned, counted into the
 * default store (RocksDB with its record cache and changelog topic). That is exactly what
 * {@code groupBy(word).count()} builds; the explicit repartition only gives the counting side a
 * place to count the words it has seen, so the run knows when it is done. Settings are Kafka
 * Streams' defaults (at-least-once) apart from 2 stream threads and a temp state dir. Runs in
 * the bench's peer JVM ({@link PeerMain}), never in the product's.
 */
public final class KafkaStreamsWordCount {
  public static final int THREADS = 2;
  private static final String STORE = "counts";
  private static final AtomicInteger RUNS = new AtomicInteger();

  private final String bootstrapServers;
  private final Path stateRoot;
  private final Duration timeout;

  public KafkaStreamsWordCount(String bootstrapServers, Path stateRoot, Duration timeout) {
    this.bootstrapServers = bootstrapServers;
    this.stateRoot = stateRoot;
    this.timeout = timeout;
  }

  /**
   * Runs a fresh application (new id, empty state) until it has counted {@code expectedTokens}
   * words, then reads the store.
   *
   * @throws IllegalStateException when it has not counted them within the timeout
   */
  public Map<String, Long> count(String topic, Tokenizer tokenizer, long expectedTokens)
      throws InterruptedException {
    String appId = "trendstream-bench-ks-" + RUNS.incrementAndGet() + "-" + System.nanoTime();
    Path stateDir = stateRoot.resolve(appId);
    LongAdder counted = new LongAdder();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    KafkaStreams streams = new KafkaStreams(topology(topic, tokenizer, counted),
        properties(appId, stateDir));
    streams.setUncaughtExceptionHandler(e -> {
      failure.compareAndSet(null, e);
      return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
          .StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    try {
      streams.start();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (counted.sum() < expectedTokens) {
        if (failure.get() != null) {
          throw new IllegalStateException("Kafka Streams failed: " + failure.get(),
              failure.get());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Kafka Streams counted " + counted.sum() + " of "
              + expectedTokens + " words within " + timeout.toSeconds() + " s");
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
      }
      return readStore(streams, expectedTokens, deadline);
    } finally {
      streams.close(Duration.ofSeconds(30));
      streams.cleanUp();
      deleteInternalTopics(appId);
      Dirs.deleteQuietly(stateDir);
    }
  }

  private static Topology topology(String topic, Tokenizer tokenizer, LongAdder counted) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .flatMapValues(value -> {
          String text = PostFields.postText(value);
          return text == null ? List.<String>of() : tokenizer.tokenize(text);
        })
        .selectKey((key, word) -> word)
        .repartition(Repartitioned.with(Serdes.String(), Serdes.String()).withName("words"))
        .peek((word, same) -> counted.increment())
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(STORE)
            .withKeySerde(Serdes.String())
            .withValueSerde(Serdes.Long()));
    return builder.build();
  }

  private Properties properties(String appId, Path stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, THREADS);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    return p;
  }

  /**
   * The last counted word may still be on its way into the store when the counter reaches the
   * total; read until the store's counts add up to it.
   */
  private static Map<String, Long> readStore(KafkaStreams streams, long expectedTokens,
      long deadline) {
    while (true) {
      try {
        ReadOnlyKeyValueStore<String, Long> store = streams.store(
            StoreQueryParameters.fromNameAndType(STORE,
                QueryableStoreTypes.<String, Long>keyValueStore()));
        Map<String, Long> counts = new HashMap<>();
        long total = 0;
        try (KeyValueIterator<String, Long> it = store.all()) {
          while (it.hasNext()) {
            KeyValue<String, Long> kv = it.next();
            counts.put(kv.key, kv.value);
            total += kv.value;
          }
        }
        if (total >= expectedTokens || System.nanoTime() > deadline) {
          return counts;
        }
      } catch (InvalidStateStoreException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("Kafka Streams' store never became queryable: " + e);
        }
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  /** Repartition and changelog topics of a finished run would only fill the broker's disk. */
  private void deleteInternalTopics(String appId) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(p)) {
      Set<String> mine = admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
          .filter(t -> t.startsWith(appId + "-"))
          .collect(Collectors.toSet());
      if (!mine.isEmpty()) {
        admin.deleteTopics(mine).all().get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      // Only disk space is at stake; the broker's dir is removed at the end anyway.
    }
  }
}
