package io.trendstream.pipeline.sink;

import io.trendstream.broker.TopicReadiness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the sinks' output topics before their queries start, so the topic gets the settings
 * the sink relies on (compaction) instead of whatever auto-creation would give it. Input: the
 * broker address, client settings and a topic. Output: the topic exists; an existing topic is
 * left as it is, with a warning when it lacks a required setting.
 */
final class KafkaTopics {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final Map<String, String> COMPACTED =
      Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);

  private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

  private KafkaTopics() {}

  /**
   * @param clientProperties extra Admin client settings (SASL/SSL), without a prefix
   * @param configs topic settings for a new topic; for an existing one they are only checked
   * @throws SinkUnavailableException when the broker does not answer or refuses
   */
  static void ensure(String bootstrap, Map<String, String> clientProperties, String topic,
      int partitions, Map<String, String> configs) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    try (Admin admin = Admin.create(p)) {
      // Replication: the broker's default, so one command works on one node and on a cluster.
      NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), Optional.empty())
          .configs(configs);
      try {
        admin.createTopics(List.of(newTopic)).all()
            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("created topic {} {}", topic, configs);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
        warnIfDifferent(admin, topic, configs);
      }
      TopicReadiness.await(admin, topic, TIMEOUT);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      throw new SinkUnavailableException("cannot create Kafka topic '" + topic + "' at "
          + bootstrap + ": " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SinkUnavailableException("interrupted while creating topic " + topic, e);
    }
  }

  /**
   * Partitions of an existing topic, -1 when it does not exist.
   *
   * @throws SinkUnavailableException when the broker does not answer
   */
  static int partitions(String bootstrap, Map<String, String> clientProperties, String topic) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    try (Admin admin = Admin.create(p)) {
      return admin.describeTopics(List.of(topic)).allTopicNames()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic).partitions().size();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return -1;
      }
      throw new SinkUnavailableException("cannot describe Kafka topic '" + topic + "' at "
          + bootstrap + ": " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new SinkUnavailableException("cannot describe Kafka topic '" + topic + "' at "
          + bootstrap + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SinkUnavailableException("interrupted while describing topic " + topic, e);
    }
  }

  private static void warnIfDifferent(Admin admin, String topic, Map<String, String> wanted)
      throws ExecutionException, TimeoutException, InterruptedException {
    if (wanted.isEmpty()) {
      return;
    }
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config actual = admin.describeConfigs(List.of(resource)).all()
        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(resource);
    wanted.forEach((key, value) -> {
      var entry = actual.get(key);
      String have = entry == null ? null : entry.value();
      if (have == null || !have.contains(value)) {
        LOG.warn("topic {} exists with {}={}, not {}: left as it is", topic, key, have, value);
      }
    });
  }
}
