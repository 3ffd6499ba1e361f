package io.trendstream.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trendstream.common.DaemonThreads;
import io.trendstream.serve.AlertFeed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerts topic as an {@link AlertFeed}: a consumer of its own (no group, nothing
 * committed) that starts {@link #KEEP} alerts before the end of each partition and keeps the
 * newest {@link #KEEP} in memory, each post once (the sink is at-least-once: a replayed alert
 * has a post id already kept). Each alert gets {@code alerted_at}, its Kafka timestamp: when
 * Spark's sink wrote it.
 */
final class KafkaAlertFeed implements AlertFeed, AutoCloseable {
  static final int KEEP = AlertFeed.MAX;
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Logger LOG = LoggerFactory.getLogger(KafkaAlertFeed.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<LinkedHashMap<String, Object>> OBJECT =
      new TypeReference<>() {};

  private final KafkaConsumer<String, String> consumer;
  private final String topic;
  private final Deque<Map<String, Object>> newest = new ArrayDeque<>();
  private final Set<String> ids = new HashSet<>();
  private final Thread thread;
  private volatile boolean running = true;

  KafkaAlertFeed(String bootstrap, Map<String, String> kafkaProperties, String topic) {
    Properties p = new Properties();
    p.putAll(kafkaProperties);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // The ticker's delay is this wait: Kafka's default 500 ms would be most of it.
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(p);
    this.topic = topic;
    this.thread = DaemonThreads.create("alert-feed", this::run);
  }

  KafkaAlertFeed start() {
    thread.start();
    return this;
  }

  @Override
  public synchronized List<Map<String, Object>> newest(int n) {
    List<Map<String, Object>> out = new ArrayList<>(Math.min(n, newest.size()));
    Iterator<Map<String, Object>> it = newest.iterator();
    while (out.size() < n && it.hasNext()) {
      out.add(it.next());
    }
    return out;
  }

  private void run() {
    try {
      List<TopicPartition> parts = awaitPartitions();
      if (parts == null) {
        return;
      }
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      for (TopicPartition tp : parts) {
        consumer.seek(tp, Math.max(0, consumer.position(tp) - KEEP));
      }
      while (running) {
        for (ConsumerRecord<String, String> r : consumer.poll(POLL)) {
          add(r);
        }
      }
    } catch (WakeupException stopping) {
      // close()
    } catch (RuntimeException e) {
      LOG.warn("alert feed stopped reading {}: {}", topic, e.toString());
    } finally {
      consumer.close(Duration.ZERO);
    }
  }

  /** The topic's partitions, once the alert query created it; null when closed first. */
  private List<TopicPartition> awaitPartitions() {
    while (running) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      if (infos != null && !infos.isEmpty()) {
        List<TopicPartition> parts = new ArrayList<>();
        infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
        return parts;
      }
    }
    return null;
  }

  private synchronized void add(ConsumerRecord<String, String> r) {
    if (r.value() == null || !ids.add(String.valueOf(r.key()))) {
      return;
    }
    Map<String, Object> alert;
    try {
      alert = JSON.readValue(r.value(), OBJECT);
    } catch (java.io.IOException e) {
      ids.remove(String.valueOf(r.key()));
      return;  // not ours: the topic may be shared
    }
    alert.put("alerted_at", Instant.ofEpochMilli(r.timestamp()).toString());
    newest.addFirst(alert);
    while (newest.size() > KEEP) {
      Map<String, Object> old = newest.removeLast();
      ids.remove(String.valueOf(old.get(io.trendstream.pipeline.Alerts.ID_STR)));
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(5_000);
  }
}
