package io.trendstream.cli;

import io.trendstream.common.UserError;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Asks the broker about the posts topic before Spark starts: Spark's Kafka source would
 * otherwise retry an unreachable broker silently and wait forever for a missing topic.
 */
final class KafkaCheck {
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private KafkaCheck() {}

  /**
   * @return whether the topic exists
   * @throws UserError when no broker answers at the address
   */
  static boolean topicExists(String bootstrap, String topic, Map<String, String> props) {
    Properties p = new Properties();
    p.putAll(props);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    try (Admin admin = Admin.create(p)) {
      return admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .contains(topic);
    } catch (TimeoutException | ExecutionException e) {
      throw new UserError("no Kafka broker answered at " + bootstrap + " within "
          + TIMEOUT.toSeconds() + " s (start one with 'trendstream broker', or pass "
          + "--bootstrap-server)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted while connecting to Kafka at " + bootstrap);
    }
  }
}
