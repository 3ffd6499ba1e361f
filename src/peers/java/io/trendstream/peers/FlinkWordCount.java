package io.trendstream.peers;

import io.trendstream.bench.PeerProtocol;
import io.trendstream.pipeline.PostFields;
import io.trendstream.pipeline.Tokenizer;
import io.trendstream.pipeline.TrendQueries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.assigners.SlidingEventTimeWindows;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Apache Flink's word counts over a topic, the engine most people would pick instead of Spark
 * for this job. Input: every record of the topic, from the earliest offset to the end offsets
 * at the job's start (a bounded {@link KafkaSource}), so the job finishes. Output: the final
 * counts, collected by a sink inside this JVM: word counts, or windowed counts keyed
 * {@link PeerProtocol#windowKey}.
 *
 * <p>The jobs do what Trendstream's do: the job's parsing ({@link PostFields}: what is a post,
 * its {@code created_at} time) and {@link Tokenizer}; the running count keeps a count per word
 * in keyed state and emits each update (the streaming equivalent of {@code keyBy(word).sum()});
 * the windowed count assigns each post to every sliding event-time window
 * ({@link SlidingEventTimeWindows}: start on the slide grid from the epoch, as Spark's
 * {@code window()}), with a watermark of {@code max event time - watermark} per Kafka partition
 * as Spark's {@code withWatermark} (Spark keeps one across partitions, Flink the minimum of the
 * partitions'); both drop a (window, post) only when the window has closed below the watermark,
 * which the bench's time-ordered feed never does, as the reference (no drops) checks. The
 * windows fire when the watermark passes them, the last ones at the end of the input.
 *
 * <p>Set-up: one {@link MiniCluster} for the life of this object (1 task manager, 2 slots),
 * each job at parallelism 2 with exactly-once checkpoints at a fixed interval into a
 * file-system checkpoint directory, with the state backend named per run: Flink's default
 * {@code hashmap} (objects on the heap) or {@code rocksdb} (serialized, off-heap, Flink's
 * defaults for managed memory). Source consumers take the same settings as the job's own.
 */
public final class FlinkWordCount implements AutoCloseable {
  public static final int PARALLELISM = 2;
  private static final AtomicInteger RUNS = new AtomicInteger();
  /** Each run's sink writers put their final counts here (the job runs in this JVM). */
  private static final Map<String, Map<String, Long>> RESULTS = new ConcurrentHashMap<>();

  private final String bootstrapServers;
  private final Path workDir;
  private final Duration checkpointInterval;
  private final Map<String, String> consumerProperties;
  private MiniCluster cluster;

  /**
   * @param checkpointInterval how often the jobs take an exactly-once checkpoint
   * @param consumerProperties Kafka consumer settings of the source (the job's own)
   */
  public FlinkWordCount(String bootstrapServers, Path workDir, Duration checkpointInterval,
      Map<String, String> consumerProperties) {
    this.bootstrapServers = bootstrapServers;
    this.workDir = workDir;
    this.checkpointInterval = checkpointInterval;
    this.consumerProperties = Map.copyOf(consumerProperties);
  }

  /** Starts the MiniCluster the runs share, as Spark's runs share one session. */
  public FlinkWordCount start() throws Exception {
    Configuration conf = new Configuration();
    MiniClusterConfiguration mc = new MiniClusterConfiguration.Builder()
        .setConfiguration(conf)
        .setNumTaskManagers(1)
        .setNumSlotsPerTaskManager(PARALLELISM)
        .build();
    cluster = new MiniCluster(mc);
    cluster.start();
    return this;
  }

  @Override
  public void close() throws Exception {
    if (cluster != null) {
      cluster.close();
      cluster = null;
    }
  }

  /** The running word count: every word's count over the whole topic. */
  public Map<String, Long> running(String topic, Tokenizer tokenizer, String stateBackend)
      throws Exception {
    String run = "flink-running-" + RUNS.incrementAndGet();
    StreamExecutionEnvironment env = environment(run, stateBackend);
    env.fromSource(source(topic, run, false), WatermarkStrategy.noWatermarks(), "posts")
        .flatMap(new Words(tokenizer))
        .returns(Types.STRING)
        .keyBy(new Identity())
        .process(new RunningCount())
        .returns(Types.TUPLE(Types.STRING, Types.LONG))
        .sinkTo(new LatestSink(run));
    return execute(env, run, stateBackend);
  }

  /** The sliding event-time windowed count: every (window, word)'s count. */
  public Map<String, Long> windowed(String topic, Tokenizer tokenizer, String stateBackend,
      Duration window, Duration slide, Duration watermark) throws Exception {
    String run = "flink-windowed-" + RUNS.incrementAndGet();
    StreamExecutionEnvironment env = environment(run, stateBackend);
    WatermarkStrategy<TimedText> watermarks = WatermarkStrategy
        .<TimedText>forBoundedOutOfOrderness(watermark)
        .withTimestampAssigner((post, ignored) -> post.millis);
    DataStream<String> words = env.fromSource(source(topic, run, true), watermarks, "posts")
        .flatMap(new Words(tokenizer))
        .returns(Types.STRING);
    words.keyBy(new Identity())
        .window(SlidingEventTimeWindows.of(window, slide))
        .aggregate(new Count(), new WindowKey(), Types.LONG, Types.LONG,
            Types.TUPLE(Types.STRING, Types.LONG))
        .sinkTo(new LatestSink(run));
    return execute(env, run, stateBackend);
  }

  private StreamExecutionEnvironment environment(String run, String stateBackend)
      throws IOException {
    if (!stateBackend.equals(PeerProtocol.HASHMAP) && !stateBackend.equals(PeerProtocol.ROCKSDB)) {
      throw new IllegalArgumentException("unknown state backend " + stateBackend);
    }
    Path dir = Files.createDirectories(workDir.resolve(run));
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("state.backend.type", stateBackend);
    conf.put("execution.checkpointing.interval", checkpointInterval.toMillis() + " ms");
    conf.put("execution.checkpointing.mode", "EXACTLY_ONCE");
    // Spark checkpoints its state to local disk too; the jobmanager storage caps state at 5 MB.
    conf.put("execution.checkpointing.storage", "filesystem");
    conf.put("execution.checkpointing.dir", dir.resolve("checkpoints").toUri().toString());
    conf.put("state.backend.rocksdb.localdir", dir.resolve("rocksdb").toString());
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(Configuration.fromMap(conf));
    env.setParallelism(PARALLELISM);
    return env;
  }

  private KafkaSource<TimedText> source(String topic, String run, boolean eventTime) {
    var builder = KafkaSource.<TimedText>builder()
        .setBootstrapServers(bootstrapServers)
        .setTopics(topic)
        .setGroupId("trendstream-bench-" + run)
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setBounded(OffsetsInitializer.latest())
        .setDeserializer(new Posts(eventTime))
        // Offsets live in Flink's checkpoints; committing them to Kafka is for monitoring only.
        .setProperty("commit.offsets.on.checkpoint", "false");
    consumerProperties.forEach(builder::setProperty);
    return builder.build();
  }

  private Map<String, Long> execute(StreamExecutionEnvironment env, String run,
      String stateBackend) throws Exception {
    RESULTS.put(run, new ConcurrentHashMap<>());
    try {
      cluster.executeJobBlocking(env.getStreamGraph().getJobGraph());
      Path rocks = workDir.resolve(run).resolve("rocksdb");
      if (stateBackend.equals(PeerProtocol.ROCKSDB) && !Files.isDirectory(rocks)) {
        throw new IllegalStateException("the job ran without RocksDB: " + rocks + " is missing");
      }
      return new HashMap<>(RESULTS.get(run));
    } finally {
      RESULTS.remove(run);
      io.trendstream.bench.Dirs.deleteQuietly(workDir.resolve(run));
    }
  }

  /** A post's text and, for the windowed count, its {@code created_at} in epoch ms. */
  public static final class TimedText {
    public String text;
    public long millis;

    public TimedText() {}

    TimedText(String text, long millis) {
      this.text = text;
      this.millis = millis;
    }
  }

  /** Kafka values to posts, classified and parsed by the job's own {@link PostFields}. */
  private static final class Posts implements KafkaRecordDeserializationSchema<TimedText> {
    private final boolean eventTime;

    Posts(boolean eventTime) {
      this.eventTime = eventTime;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<TimedText> out) {
      if (!eventTime) {
        String text = PostFields.postText(record.value());
        if (text != null) {
          out.collect(new TimedText(text, 0));
        }
        return;
      }
      PostFields.Parsed p =
          PostFields.read(record.value(), TrendQueries.DEFAULT_MAX_VALUE_BYTES, false, true);
      if (p.reason == null) {
        out.collect(new TimedText(p.text, p.createdAtMicros / 1000));
      }
    }

    @Override
    public TypeInformation<TimedText> getProducedType() {
      return TypeInformation.of(TimedText.class);
    }
  }

  private static final class Words implements FlatMapFunction<TimedText, String> {
    private final Tokenizer tokenizer;

    Words(Tokenizer tokenizer) {
      this.tokenizer = tokenizer;
    }

    @Override
    public void flatMap(TimedText post, Collector<String> out) {
      for (String w : tokenizer.tokenArray(post.text)) {
        out.collect(w);
      }
    }
  }

  private static final class Identity implements KeySelector<String, String> {
    @Override
    public String getKey(String word) {
      return word;
    }
  }

  /** A count per word in keyed state; every word in emits the word's new count. */
  private static final class RunningCount
      extends KeyedProcessFunction<String, String, Tuple2<String, Long>> {
    private transient ValueState<Long> count;

    @Override
    public void open(OpenContext context) {
      count = getRuntimeContext().getState(new ValueStateDescriptor<>("count", Types.LONG));
    }

    @Override
    public void processElement(String word, Context ctx, Collector<Tuple2<String, Long>> out)
        throws IOException {
      Long c = count.value();
      long next = c == null ? 1 : c + 1;
      count.update(next);
      out.collect(Tuple2.of(word, next));
    }
  }

  private static final class Count implements AggregateFunction<String, Long, Long> {
    @Override
    public Long createAccumulator() {
      return 0L;
    }

    @Override
    public Long add(String word, Long acc) {
      return acc + 1;
    }

    @Override
    public Long getResult(Long acc) {
      return acc;
    }

    @Override
    public Long merge(Long a, Long b) {
      return a + b;
    }
  }

  /** A fired window's count as (window key, count). */
  private static final class WindowKey
      extends ProcessWindowFunction<Long, Tuple2<String, Long>, String, TimeWindow> {
    @Override
    public void process(String word, Context ctx, Iterable<Long> counts,
        Collector<Tuple2<String, Long>> out) {
      long start = ctx.window().getStart();
      out.collect(Tuple2.of(PeerProtocol.windowKey(start / 1000, word),
          counts.iterator().next()));
    }
  }

  /**
   * Keeps each key's latest value per writer (keys are partitioned, so a key has one writer)
   * and hands them to {@link #RESULTS} at the end of the input.
   */
  private static final class LatestSink implements Sink<Tuple2<String, Long>> {
    private final String run;

    LatestSink(String run) {
      this.run = run;
    }

    @Override
    public SinkWriter<Tuple2<String, Long>> createWriter(WriterInitContext context) {
      Map<String, Long> latest = new HashMap<>();
      return new SinkWriter<>() {
        @Override
        public void write(Tuple2<String, Long> kv, Context ctx) {
          latest.put(kv.f0, kv.f1);
        }

        @Override
        public void flush(boolean endOfInput) {
          if (endOfInput) {
            RESULTS.get(run).putAll(latest);
          }
        }

        @Override
        public void close() {
          RESULTS.getOrDefault(run, new HashMap<>()).putAll(latest);
        }
      };
    }
  }
}
