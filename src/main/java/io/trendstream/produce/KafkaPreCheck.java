package io.trendstream.produce;

import static io.trendstream.common.Messages.rootMessage;

import io.trendstream.common.UserError;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The one question {@code produce}, {@code stream} and {@code demo --bootstrap-server} ask the
 * broker before they start: does the posts topic exist? Without it the producer would block for
 * max.block.ms and then fail each post, and Spark's Kafka source would retry an unreachable
 * broker silently and wait forever for a missing topic.
 *
 * <p>The admin client logs in with every client setting the user gave ({@code --kafka-config},
 * {@code --kafka-property}: SASL, SSL, ...), as the producer and Spark's source will: a check
 * with fewer settings would call a secured cluster unreachable although they connect to it.
 * Here in {@code produce}, the lowest layer that needs it, so the CLI can use it too.
 */
public final class KafkaPreCheck {
  /**
   * How long the broker has to answer: the admin client's request and API timeouts, and the
   * wait for its answer. Enough for the TLS and SASL round trips of a remote cluster.
   */
  public static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final String MIN_INSYNC = "min.insync.replicas";

  private KafkaPreCheck() {}

  /**
   * @param clientSettings Kafka client settings without a prefix; keys the admin client does
   *     not know (producer or consumer tuning) are left out, the timeouts are this class's
   * @return whether the topic exists
   * @throws UserError one line: nothing answered within {@link #TIMEOUT}, the broker refused
   *     the login or the topic, or the settings cannot make a client
   */
  public static boolean topicExists(String bootstrap, String topic,
      Map<String, String> clientSettings) {
    Admin admin = admin(bootstrap, clientSettings);
    Duration timeout = timeout(clientSettings);
    try {
      // A little longer than the API timeout, so the client's own timeout answers first.
      admin.describeTopics(List.of(topic)).allTopicNames()
          .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UnknownTopicOrPartitionException) {
        return false;
      }
      if (cause instanceof AuthenticationException) {
        throw new UserError("Kafka at " + bootstrap + " refused the login: "
            + rootMessage(cause) + " (check the SASL/SSL settings of --kafka-config and "
            + "--kafka-property)", e);
      }
      if (cause instanceof AuthorizationException) {
        throw new UserError("Kafka at " + bootstrap + " does not let this client describe "
            + "topic '" + topic + "': " + rootMessage(cause), e);
      }
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw unreachable(bootstrap, timeout);
      }
      throw new UserError("Kafka at " + bootstrap + ": " + rootMessage(e), e);
    } catch (TimeoutException e) {
      throw unreachable(bootstrap, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while connecting to Kafka at " + bootstrap);
    } finally {
      admin.close(Duration.ofSeconds(2));
    }
  }

  /**
   * Whether every partition of the topic has at least {@code min.insync.replicas} in-sync
   * copies: with fewer, the brokers refuse each acks=all write (NOT_ENOUGH_REPLICAS) and the
   * producer would only find out per post, {@code delivery.timeout.ms} later. Call after
   * {@link #topicExists} said yes.
   *
   * @throws UserError one line naming the partition, its in-sync copies and the minimum
   */
  public static void requireInSync(String bootstrap, String topic,
      Map<String, String> clientSettings) {
    Admin admin = admin(bootstrap, clientSettings);
    try {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      long waitMs = timeout(clientSettings).toMillis() + 1000;
      Config config = admin.describeConfigs(List.of(resource)).all()
          .get(waitMs, TimeUnit.MILLISECONDS).get(resource);
      ConfigEntry entry = config == null ? null : config.get(MIN_INSYNC);
      int minInsync = entry == null || entry.value() == null ? 1 : Integer.parseInt(entry.value());
      TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
          .get(waitMs, TimeUnit.MILLISECONDS).get(topic);
      for (TopicPartitionInfo p : d.partitions()) {
        if (p.isr().size() < minInsync) {
          throw new UserError("topic '" + topic + "' partition " + p.partition() + " has "
              + p.isr().size() + " in-sync replica(s) of " + p.replicas().size() + ", fewer than "
              + "its " + MIN_INSYNC + "=" + minInsync + ": Kafka at " + bootstrap + " would "
              + "refuse every write (acks=all); start the missing brokers");
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      // Not allowed to describe configs, or slow: the sends themselves will tell.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while connecting to Kafka at " + bootstrap);
    } finally {
      admin.close(Duration.ofSeconds(2));
    }
  }

  /**
   * {@link #TIMEOUT}, or the client's own {@code default.api.timeout.ms} when that is longer:
   * a user who gives the clients more time over a slow link gives this check as much.
   */
  static Duration timeout(Map<String, String> clientSettings) {
    String ms = clientSettings.get(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG);
    if (ms != null && ms.trim().matches("\\d{1,9}")) {
      return Duration.ofMillis(Math.max(TIMEOUT.toMillis(), Long.parseLong(ms.trim())));
    }
    return TIMEOUT;
  }

  private static Admin admin(String bootstrap, Map<String, String> clientSettings) {
    Properties p = new Properties();
    clientSettings.forEach((k, v) -> {
      if (AdminClientConfig.configNames().contains(k)) {
        p.put(k, v);
      }
    });
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    int timeoutMs = (int) timeout(clientSettings).toMillis();
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, timeoutMs);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
    try {
      return Admin.create(p);
    } catch (KafkaException e) {
      throw new UserError("cannot make a Kafka client for " + bootstrap + " from these "
          + "settings: " + rootMessage(e), e);
    }
  }

  /**
   * A plaintext client at a SASL or SSL listener looks like this too: the broker drops the
   * connection and the client retries until the timeout, so the hint names the settings.
   */
  private static UserError unreachable(String bootstrap, Duration timeout) {
    return new UserError("cannot reach Kafka at " + bootstrap + " within "
        + timeout.toSeconds() + " s (is a broker running? try 'trendstream broker'; a secured "
        + "cluster needs its client settings in --kafka-config or --kafka-property)");
  }
}
