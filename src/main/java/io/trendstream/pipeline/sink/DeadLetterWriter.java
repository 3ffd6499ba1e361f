package io.trendstream.pipeline.sink;

import io.trendstream.pipeline.RejectWriter;
import io.trendstream.pipeline.TrendQueries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.spark.sql.Row;

/**
 * The dead letters of {@link DeadLetterSink}, written by the tasks of the query that parsed the
 * records: the same Kafka records (key and value unchanged, the same headers) that the sink's
 * own query writes with Spark's Kafka sink. Input: {@link TrendQueries#REJECTED} structs. Each
 * JVM keeps one producer per writer, as Spark's Kafka sink caches its producers; a task flushes
 * it before its output is handed on, so a batch never commits ahead of its dead letters.
 */
final class DeadLetterWriter implements RejectWriter {
  private static final long serialVersionUID = 1L;
  /** Spark's {@code date_format} pattern of the sink's query, in the session time zone. */
  static final String TIMESTAMP_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
  /** This JVM's producers, by writer: one per job run, closed with the sink (or at exit). */
  private static final Map<String, KafkaProducer<byte[], byte[]>> PRODUCERS =
      new ConcurrentHashMap<>();

  // The struct's fields, by name.
  private static final int KEY = TrendQueries.REJECTED_FIELDS.indexOf("key");
  private static final int VALUE = TrendQueries.REJECTED_FIELDS.indexOf("value");
  private static final int TOPIC = TrendQueries.REJECTED_FIELDS.indexOf("topic");
  private static final int PARTITION = TrendQueries.REJECTED_FIELDS.indexOf("partition");
  private static final int OFFSET = TrendQueries.REJECTED_FIELDS.indexOf("offset");
  private static final int TIMESTAMP = TrendQueries.REJECTED_FIELDS.indexOf("timestamp");
  private static final int REASON = TrendQueries.REJECTED_FIELDS.size();

  private final String id;
  private final String topic;
  private final Map<String, String> clientProperties;
  private final String timeZone;

  DeadLetterWriter(String id, String topic, String bootstrap,
      Map<String, String> clientProperties, String timeZone) {
    this.id = id;
    this.topic = topic;
    Map<String, String> p = new HashMap<>(clientProperties);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    this.clientProperties = Map.copyOf(p);
    this.timeZone = timeZone;
  }

  @Override
  public Task open() {
    KafkaProducer<byte[], byte[]> producer = PRODUCERS.computeIfAbsent(id, k -> {
      Map<String, Object> p = new HashMap<>(clientProperties);
      return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    });
    DateTimeFormatter time = DateTimeFormatter.ofPattern(TIMESTAMP_PATTERN)
        .withZone(ZoneId.of(timeZone, ZoneId.SHORT_IDS));
    AtomicReference<Exception> failed = new AtomicReference<>();
    return new Task() {
      @Override
      public void write(Row r) {
        Object t = r.get(TIMESTAMP);
        Instant at = t == null ? null : t instanceof Instant i ? i : ((Timestamp) t).toInstant();
        List<Header> headers = List.of(
            header(DeadLetterSink.REASON_HEADER, r.getString(REASON)),
            header(DeadLetterSink.TOPIC_HEADER, r.getString(TOPIC)),
            header(DeadLetterSink.PARTITION_HEADER, String.valueOf(r.getInt(PARTITION))),
            header(DeadLetterSink.OFFSET_HEADER, String.valueOf(r.getLong(OFFSET))),
            header(DeadLetterSink.TIMESTAMP_HEADER, at == null ? null : time.format(at)));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, null,
            bytes(r.get(KEY)), bytes(r.get(VALUE)), headers);
        producer.send(record, (metadata, e) -> {
          if (e != null) {
            failed.compareAndSet(null, e);
          }
        });
      }

      @Override
      public void close() throws IOException {
        producer.flush();
        Exception e = failed.get();
        if (e != null) {
          throw new IOException("could not write a dead letter to Kafka topic '" + topic + "': "
              + e.getMessage(), e);
        }
      }
    };
  }

  /** Closes this JVM's producer of {@code id}, if it made one. */
  static void close(String id) {
    KafkaProducer<byte[], byte[]> p = PRODUCERS.remove(id);
    if (p != null) {
      p.close(KafkaTopics.TIMEOUT);
    }
  }

  private static Header header(String name, String value) {
    return new RecordHeader(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
  }

  /** Kafka's binary columns as they are; tests may hand in strings. */
  private static byte[] bytes(Object v) {
    return v == null ? null : v instanceof byte[] b ? b
        : v.toString().getBytes(StandardCharsets.UTF_8);
  }
}
