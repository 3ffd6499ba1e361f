package io.trendstream.cli;

import io.trendstream.common.UserError;
import io.trendstream.post.Post;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
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

  @Option(names = "--kafka-config", paramLabel = "FILE",
      description = "Kafka client settings from a properties file (e.g. SASL/SSL); "
          + "--kafka-property wins over it.")
  Path kafkaConfig;

  public String bootstrapServer() {
    return bootstrapServer;
  }

  public String topic() {
    return topic;
  }

  /** --kafka-config's settings overlaid by --kafka-property's. */
  public Map<String, String> kafkaProperties() {
    Map<String, String> all = new LinkedHashMap<>();
    if (kafkaConfig != null) {
      Properties file = new Properties();
      try (Reader r = Files.newBufferedReader(kafkaConfig)) {
        file.load(r);
      } catch (IOException e) {
        throw new UserError("cannot read --kafka-config " + kafkaConfig + ": " + e.getMessage());
      }
      file.stringPropertyNames().forEach(k -> all.put(k, file.getProperty(k)));
    }
    all.putAll(kafkaProperties);
    return all;
  }
}
