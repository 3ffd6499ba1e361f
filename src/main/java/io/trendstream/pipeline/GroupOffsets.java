package io.trendstream.pipeline;

import io.trendstream.common.DaemonThreads;
import io.trendstream.common.Messages;
import io.trendstream.pipeline.JobMetrics.TopicPartitionKey;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits what each query has processed to a Kafka consumer group of its own,
 * {@value #GROUP_PREFIX}{@code <query name>}, so Kafka's own tools ({@code kafka-consumer-groups
 * --describe}, Burrow, lag exporters) see the job's lag. For monitoring only: Spark's checkpoint
 * stays the source of truth, and a commit that fails is logged and forgotten. Input: each
 * completed batch's progress (the Kafka source's {@code endOffset}, the next offset to read).
 * Output: one {@code alterConsumerGroupOffsets} per batch that moved, on a thread of its own so
 * the listener bus never waits for the broker; the group has no members, which that call needs.
 */
public final class GroupOffsets implements AutoCloseable {
  public static final String GROUP_PREFIX = "trendstream-";
  /** How long one commit may take before it is given up (the next batch commits anyway). */
  static final Duration COMMIT_TIMEOUT = Duration.ofSeconds(10);
  /** How long close() waits for the last commits, and then for the client. */
  static final Duration CLOSE_WAIT = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(GroupOffsets.class);

  private final Properties adminProperties = new Properties();
  private final ExecutorService committer =
      Executors.newSingleThreadExecutor(DaemonThreads.factory("trendstream-group-offsets"));
  /** The offsets last committed (or queued) per group, so an idle batch commits nothing. */
  private final Map<String, Map<TopicPartition, Long>> committed = new ConcurrentHashMap<>();
  private Admin admin;
  private boolean warned;

  public GroupOffsets(String bootstrapServers, Map<String, String> kafkaProperties) {
    // The job's Kafka settings (SASL/SSL) apply; the consumer-only ones are left out.
    kafkaProperties.forEach((k, v) -> {
      if (AdminClientConfig.configNames().contains(k)) {
        adminProperties.put(k, v);
      }
    });
    adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    adminProperties.put(AdminClientConfig.CLIENT_ID_CONFIG, "trendstream-group-offsets");
    // No default.api.timeout.ms here: below request.timeout.ms the client refuses to start.
    // Each commit waits COMMIT_TIMEOUT instead.
  }

  /** The consumer group the offsets of {@code queryName} go to. */
  public static String group(String queryName) {
    return GROUP_PREFIX + queryName;
  }

  /** Queues the commit of the batch's end offsets; returns at once. */
  public void commit(StreamingQueryProgress p) {
    if (p.name() == null || p.name().isEmpty()) {
      return;
    }
    Map<TopicPartition, Long> offsets = new HashMap<>();
    for (SourceProgress source : p.sources()) {
      if (source.description() == null || !source.description().startsWith("Kafka")) {
        continue;
      }
      for (Map.Entry<TopicPartitionKey, Long> e
          : JobMetrics.offsets(source.endOffset()).entrySet()) {
        offsets.put(new TopicPartition(e.getKey().topic(), e.getKey().partition()),
            e.getValue());
      }
    }
    String group = group(p.name());
    if (offsets.isEmpty() || offsets.equals(committed.get(group))) {
      return;
    }
    committed.put(group, offsets);
    committer.execute(() -> send(group, offsets));
  }

  private void send(String group, Map<TopicPartition, Long> offsets) {
    Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
    offsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
    try {
      if (admin == null) {
        admin = Admin.create(adminProperties);
      }
      admin.alterConsumerGroupOffsets(group, commit).all()
          .get(COMMIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      committed.remove(group);  // try again with the next batch
      String why = Messages.firstLine(Messages.rootMessage(e));
      if (!warned) {
        warned = true;
        LOG.warn("could not commit offsets of consumer group {} (monitoring only, the job goes "
            + "on; further failures are logged at debug): {}", group, why);
      } else {
        LOG.debug("could not commit offsets of consumer group {}: {}", group, why);
      }
    }
  }

  /**
   * Sends the commits still queued, for {@link #CLOSE_WAIT} at most (a stop must not wait on a
   * broker that is gone: the offsets are for monitoring), then closes the client.
   */
  @Override
  public void close() {
    committer.shutdown();
    try {
      if (!committer.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        committer.shutdownNow();
      }
    } catch (InterruptedException e) {
      committer.shutdownNow();
      Thread.currentThread().interrupt();
    }
    if (admin != null) {
      admin.close(CLOSE_WAIT);
    }
  }
}
