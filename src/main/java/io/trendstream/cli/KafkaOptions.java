package io.trendstream.cli;

import io.trendstream.post.Post;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the posts topic is: the flags {@code produce}, {@code stream} and {@code demo} share as a
 * picocli {@code @Mixin}. {@code --kafka-property} reaches both the producer and Spark's Kafka
 * source (as {@code kafka.KEY}), so SASL/SSL settings work end to end.
 */
public final class KafkaOptions {
  public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

  @Option(names = "--bootstrap-server", defaultValue = DEFAULT_BOOTSTRAP, paramLabel = "HOST:PORT",
      description = "Kafka broker address (default: ${DEFAULT-VALUE}).")
  String bootstrapServer;

  @Option(names = "--topic", defaultValue = Post.TOPIC, paramLabel = "TOPIC",
      description = "The posts topic (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
      description = "Extra Kafka client setting, e.g. security.protocol=SSL (repeatable).")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  public String bootstrapServer() {
    return bootstrapServer;
  }

  public String topic() {
    return topic;
  }

  public Map<String, String> kafkaProperties() {
    return Map.copyOf(kafkaProperties);
  }
}
