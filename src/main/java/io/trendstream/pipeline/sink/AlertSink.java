package io.trendstream.pipeline.sink;

import io.trendstream.pipeline.Alerts;
import io.trendstream.pipeline.Alerts.Mode;
import io.trendstream.pipeline.DurableSink;
import io.trendstream.pipeline.SinkContext;
import io.trendstream.pipeline.StreamConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The watched terms' alert query ({@code --watch}): {@link Alerts#matches} of the posts topic
 * into the Kafka topic {@link Alerts#TOPIC} (key = post id, value = the alert's JSON), as the
 * query {@value Alerts#QUERY}, in the {@link Mode} asked for when Spark can run it.
 *
 * <p>Real-time and continuous modes keep one task per partition of the posts topic running for
 * the whole query, each on a core of its own. When Spark has fewer free cores than that (its
 * cores minus {@code reservedCores} the job's other queries need), the query would hold every
 * core and starve the counts, or never get all its tasks scheduled: it runs as micro-batches
 * instead, and {@code notice} gets one line saying so. Likewise on a Spark without real-time
 * mode.
 *
 * <p>At-least-once in every mode: Spark's Kafka sink writes again what a batch or epoch cut
 * short by a crash had written; the key identifies the post.
 */
public final class AlertSink implements DurableSink {
  /**
   * Cores the job's other queries need next to the alert query: the counts and the rest run
   * one micro-batch at a time, whose tasks wait for a core; with none left they never finish.
   */
  public static final int BESIDE_THE_COUNTS = 1;
  /** Partitions of the alerts topic when this sink creates it. */
  public static final int PARTITIONS = 1;
  /**
   * Real-time mode's batch length, which is its checkpoint interval, not a latency: a crash
   * re-sends at most this much of alerts; shorter ones add commit gaps to the tail latency.
   */
  public static final Duration REALTIME_CHECKPOINT = Duration.ofSeconds(60);
  /** Continuous mode's epoch (checkpoint) interval: Spark's documented example, 1 s. */
  public static final Duration CONTINUOUS_CHECKPOINT = Duration.ofSeconds(1);
  /**
   * The micro-batch trigger (also the fallback): a batch's own fixed cost (~100 ms on 2 cores)
   * and no more wait on top; an idle topic runs no batch at all.
   */
  public static final Duration MICROBATCH_INTERVAL = Duration.ofMillis(100);
  /** The alert writer's producer linger: alerts are few and their latency is the point. */
  static final String ALERT_LINGER_MS = "0";

  private final List<String> terms;
  private final Mode requested;
  private final String topic;
  private final int reservedCores;
  private final Consumer<String> notice;
  private volatile Mode running;

  /**
   * @param terms normalized ({@link Alerts#normalize})
   * @param reservedCores cores the other queries of the job need: 1 next to the counts (they
   *     run one batch at a time), 0 when the alert query runs alone
   * @param notice gets the one line that says a mode could not run
   */
  public AlertSink(List<String> terms, Mode mode, String topic, int reservedCores,
      Consumer<String> notice) {
    this.terms = List.copyOf(terms);
    this.requested = mode;
    this.topic = topic;
    this.reservedCores = reservedCores;
    this.notice = notice;
  }

  @Override
  public String describe() {
    return "alerts for " + terms + " to " + topic + " (" + requested.flagValue() + ")";
  }

  /** The mode the query runs in once started; null before. */
  public Mode mode() {
    return running;
  }

  @Override
  public boolean longRunningTasks() {
    return running != null && running.holdsCores();
  }

  @Override
  public List<StreamingQuery> start(SinkContext context) throws TimeoutException {
    StreamConfig config = context.config();
    KafkaTopics.ensure(config.bootstrapServers, config.kafkaProperties, topic, PARTITIONS,
        Map.of());
    Dataset<Row> alerts = Alerts.matches(context.records(), terms, config.tokenizer,
        config.eventTime, config.maxValueBytes);
    int cores = alerts.sparkSession().sparkContext().defaultParallelism();
    int partitions = KafkaTopics.partitions(config.bootstrapServers, config.kafkaProperties,
        config.topic);
    Trigger trigger = null;
    running = requested;
    if (requested.holdsCores()) {
      String mode = requested == Mode.REALTIME ? "real-time mode" : "continuous mode";
      int free = cores - reservedCores;
      if (partitions < 0) {
        fallBack(mode + " needs one core per partition of '" + config.topic
            + "', which does not exist yet");
      } else if (free < partitions) {
        fallBack(mode + " needs " + partitions + " free cores (one per partition of '"
            + config.topic + "'), Spark has " + cores
            + (reservedCores > 0 ? " and the counts keep " + reservedCores : "")
            + " (more: --master local[" + (partitions + reservedCores) + "])");
      } else {
        trigger = requested == Mode.REALTIME ? realTime() : continuous();
        if (trigger == null) {
          fallBack("this Spark has no real-time mode (Spark 4.1 or later has)");
        }
      }
    }
    if (trigger == null) {
      trigger = Trigger.ProcessingTime(MICROBATCH_INTERVAL.toMillis());
    }
    // Update: the only mode real-time mode takes; for a stateless query it is append.
    return List.of(context.writer(Alerts.QUERY, alerts, OutputMode.Update())
        .trigger(trigger)
        .format("kafka")
        // An alert is sent as soon as it is made: Kafka 4's producer lingers 5 ms by default
        // to fill batches, a quarter of real-time mode's whole latency; --kafka-property wins.
        .option("kafka." + ProducerConfig.LINGER_MS_CONFIG, ALERT_LINGER_MS)
        .options(context.kafkaOptions())
        .option("topic", topic)
        .start());
  }

  private void fallBack(String why) {
    running = Mode.MICROBATCH;
    notice.accept("alerts: " + why + "; running them as micro-batches every "
        + MICROBATCH_INTERVAL.toMillis() + " ms instead");
  }

  /** Null on a Spark without it (spark-submit to an older cluster). */
  private static Trigger realTime() {
    try {
      return Trigger.RealTime(REALTIME_CHECKPOINT.toMillis());
    } catch (NoSuchMethodError | NoClassDefFoundError e) {
      return null;
    }
  }

  private static Trigger continuous() {
    return Trigger.Continuous(CONTINUOUS_CHECKPOINT.toMillis());
  }
}
