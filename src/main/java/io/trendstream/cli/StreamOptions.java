package io.trendstream.cli;

import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.Tokenizer;
import io.trendstream.pipeline.TrendQueries;
import io.trendstream.pipeline.TrendQueries.EventTime;
import io.trendstream.pipeline.sink.DeadLetterSink;
import io.trendstream.pipeline.sink.SinkSpec;
import io.trendstream.serve.StoreQueryService;
import io.trendstream.store.EmbeddedStore;
import io.trendstream.store.LiveStore;
import io.trendstream.store.StoreSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The streaming job's and query API's flags, shared by {@code stream} and {@code demo}. */
public final class StreamOptions {
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "data",
      description = "Checkpoints (and the embedded broker's log) live here (default: ${DEFAULT-VALUE}).")
  public Path dataDir;

  @Option(names = "--checkpoint-location", paramLabel = "URI",
      description = "Checkpoints here instead of DATA_DIR/checkpoints: any Hadoop file system "
          + "URI, e.g. hdfs://namenode/trendstream (on a cluster every node must see it).")
  public String checkpointLocation;

  @Option(names = "--http-port", paramLabel = "N", defaultValue = "8080",
      description = "Port of the query API and dashboard (default: ${DEFAULT-VALUE}; 0 = any free).")
  public int httpPort;

  @Option(names = "--http-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
      description = "Address the query API binds (default: ${DEFAULT-VALUE}, this machine only).")
  public String httpHost;

  @Option(names = "--http-token", paramLabel = "TOKEN",
      description = "Require 'Authorization: Bearer TOKEN' on every HTTP request.")
  public String httpToken;

  @Option(names = "--no-group-offsets", negatable = false,
      description = "Do not commit each batch's offsets to the consumer group "
          + "trendstream-<query> (they let Kafka's tools show the job's lag; monitoring only).")
  public boolean noGroupOffsets;

  @Option(names = "--tokenizer", paramLabel = "words|whitespace", defaultValue = "words",
      description = "words: lowercased words, hashtags, mentions, CJK segmented; "
          + "whitespace: split on single spaces like the original demo (default: ${DEFAULT-VALUE}).")
  public String tokenizer;

  @Option(names = "--window", paramLabel = "DURATION", defaultValue = StreamConfig.DEFAULT_WINDOW,
      description = "Window length of windowed_word_counts (default: ${DEFAULT-VALUE}).")
  public String window;

  @Option(names = "--slide", paramLabel = "DURATION", defaultValue = StreamConfig.DEFAULT_SLIDE,
      description = "How often a new window starts (default: ${DEFAULT-VALUE}).")
  public String slide;

  @Option(names = "--watermark", paramLabel = "DURATION",
      defaultValue = StreamConfig.DEFAULT_WATERMARK,
      description = "How late a post may arrive and still count (default: ${DEFAULT-VALUE}).")
  public String watermark;

  @Option(names = "--event-time", paramLabel = "created_at|kafka", defaultValue = "created_at",
      description = "Clock of the windows: the post's created_at, or the Kafka record timestamp "
          + "(default: ${DEFAULT-VALUE}).")
  public String eventTime;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: local[*], or what spark-submit set).")
  public String master;

  @Option(names = "--conf", paramLabel = "KEY=VALUE",
      description = "Any Spark setting, e.g. --conf spark.sql.shuffle.partitions=4 (repeatable).")
  public Map<String, String> sparkConf = new LinkedHashMap<>();

  @Option(names = "--sql-max-rows", paramLabel = "N",
      defaultValue = "" + StoreQueryService.DEFAULT_MAX_ROWS,
      description = "Most rows one SQL query returns (default: ${DEFAULT-VALUE}).")
  public int sqlMaxRows;

  @Option(names = "--sql-timeout", paramLabel = "SECONDS", defaultValue = "30",
      description = "A live SQL query running longer is cancelled (default: ${DEFAULT-VALUE}).")
  public int sqlTimeoutSeconds;

  @Option(names = "--fail-on-data-loss", paramLabel = "true|false", arity = "1",
      defaultValue = "true",
      description = "Stop when Kafka lost records the job had not read (topic deleted, "
          + "retention expired); false skips the gap and goes on (default: ${DEFAULT-VALUE}).")
  public boolean failOnDataLoss;

  @Option(names = "--store", paramLabel = "URL",
      description = "The PostgreSQL that serves the live tables, e.g. "
          + "jdbc:postgresql://HOST[:PORT]/DB?user=U&password=P (default: an embedded "
          + "PostgreSQL with its data in DATA_DIR/postgres).")
  public String store;

  @Option(names = "--store-reader", paramLabel = "URL",
      description = "How the SQL API logs in to --store: a JDBC URL of a SELECT-only role "
          + "(default: the --store URL as user trendstream_reader, without password).")
  public String storeReader;

  @Option(names = "--store-port", paramLabel = "N", defaultValue = "" + EmbeddedStore.DEFAULT_PORT,
      description = "Port of the embedded PostgreSQL on 127.0.0.1 (default: ${DEFAULT-VALUE}; "
          + "0 = any free).")
  public int storePort;

  @Option(names = "--retain", paramLabel = "DURATION", defaultValue = "24 hours",
      description = "Posts this much older than the newest leave the tweets table "
          + "(default: ${DEFAULT-VALUE}).")
  public String retain;

  @Option(names = "--retain-posts", paramLabel = "N",
      defaultValue = "" + StoreSettings.DEFAULT_RETAIN_POSTS,
      description = "The tweets table keeps at most this many posts, the newest "
          + "(default: ${DEFAULT-VALUE}).")
  public long retainPosts;

  @Option(names = "--sink", paramLabel = "SINK",
      description = "Also write results durably (repeatable): kafka (counts to compacted topics "
          + "word-counts, windowed-word-counts), parquet:DIR (posts, by date), "
          + "jdbc:postgresql://HOST[:PORT]/DB?user=U&password=P (a copy of the counts, in a "
          + "database other than --store's). "
          + "The live tables for SQL always run.")
  public List<String> sinks = new ArrayList<>();

  @Option(names = "--dead-letter-topic", paramLabel = "TOPIC",
      defaultValue = DeadLetterSink.TOPIC,
      description = "Records that are not posts go here, with reason, partition and offset as "
          + "headers (default: ${DEFAULT-VALUE}).")
  public String deadLetterTopic;

  @Option(names = "--max-post-bytes", paramLabel = "N",
      defaultValue = "" + TrendQueries.DEFAULT_MAX_VALUE_BYTES,
      description = "Larger Kafka values are dead letters, not parsed (default: ${DEFAULT-VALUE}).")
  public int maxPostBytes;

  @Option(names = "--max-offsets-per-trigger", paramLabel = "N",
      description = "At most N Kafka records per micro-batch and query (Spark's "
          + "maxOffsetsPerTrigger): a job that was down catches up in bounded batches "
          + "(default: no limit).")
  public Long maxOffsetsPerTrigger;

  /** Validates the values picocli cannot and builds the job's config. */
  public StreamConfig toConfig(String bootstrapServers, String topic,
      Map<String, String> kafkaProperties) {
    StreamConfig c = new StreamConfig();
    c.bootstrapServers = bootstrapServers;
    c.topic = topic;
    c.kafkaProperties.putAll(kafkaProperties);
    c.dataDir = dataDir;
    c.checkpointRoot = checkpointLocation;
    c.groupOffsets = !noGroupOffsets;
    try {
      c.tokenizer = Tokenizer.of(tokenizer);
      c.eventTime = EventTime.of(eventTime);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    c.window = duration("--window", window);
    c.slide = duration("--slide", slide);
    c.watermark = duration("--watermark", watermark);
    if (httpPort < 0 || httpPort > 65535) {
      throw new ParameterException(spec.commandLine(),
          "--http-port must be between 0 and 65535, not " + httpPort);
    }
    if (sqlMaxRows < 1 || retainPosts < 1 || sqlTimeoutSeconds < 1) {
      throw new ParameterException(spec.commandLine(),
          "--sql-max-rows, --sql-timeout and --retain-posts must be at least 1");
    }
    if (storePort < 0 || storePort > 65535) {
      throw new ParameterException(spec.commandLine(),
          "--store-port must be between 0 and 65535, not " + storePort);
    }
    if (store != null && !store.startsWith("jdbc:postgresql:")) {
      throw new ParameterException(spec.commandLine(), "--store must be a PostgreSQL JDBC URL "
          + "(jdbc:postgresql://HOST[:PORT]/DB?user=U&password=P), not " + store);
    }
    if (storeReader != null && (store == null || !storeReader.startsWith("jdbc:postgresql:"))) {
      throw new ParameterException(spec.commandLine(),
          "--store-reader needs --store, and must be a jdbc:postgresql: URL");
    }
    storeSettings();
    c.failOnDataLoss = failOnDataLoss;
    if (maxPostBytes < 1) {
      throw new ParameterException(spec.commandLine(),
          "--max-post-bytes must be at least 1, not " + maxPostBytes);
    }
    c.maxValueBytes = maxPostBytes;
    if (maxOffsetsPerTrigger != null) {
      if (maxOffsetsPerTrigger < 1) {
        throw new ParameterException(spec.commandLine(),
            "--max-offsets-per-trigger must be at least 1, not " + maxOffsetsPerTrigger);
      }
      c.sourceOptions.put("maxOffsetsPerTrigger", Long.toString(maxOffsetsPerTrigger));
    }
    if (deadLetterTopic.isBlank()) {
      throw new ParameterException(spec.commandLine(), "--dead-letter-topic must not be empty");
    }
    // First, before the --sink ones, as the job always started it.
    c.sinks.add(new DeadLetterSink(deadLetterTopic.trim()));
    // Query and checkpoint names are per kind, so two sinks of one kind would collide.
    Set<SinkSpec.Kind> kinds = EnumSet.noneOf(SinkSpec.Kind.class);
    for (String sink : sinks) {
      SinkSpec parsed;
      try {
        parsed = SinkSpec.parse(sink);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage());
      }
      if (!kinds.add(parsed.kind())) {
        throw new ParameterException(spec.commandLine(), "--sink "
            + parsed.kind().name().toLowerCase(Locale.ROOT)
            + " given twice: at most one sink of each kind");
      }
      refuseStoreDatabase(parsed);
      c.sinks.add(parsed.create());
    }
    return c;
  }

  /**
   * The jdbc sink keeps its own copy of the store's count tables, under the same names and batch
   * records: in the store's database the two would overwrite each other's counts.
   */
  private void refuseStoreDatabase(SinkSpec sink) {
    if (sink.kind() != SinkSpec.Kind.JDBC || (store == null && storePort == 0)) {
      return;  // port 0: the embedded store's port is anyone's guess, so no sink can name it
    }
    String storeUrl = store != null ? store
        : EmbeddedStore.url(storePort, EmbeddedStore.DATABASE, EmbeddedStore.SUPERUSER);
    if (LiveStore.sameDatabase(sink.target(), storeUrl)) {
      throw new ParameterException(spec.commandLine(), "--sink " + sink + " is the database of "
          + (store != null ? "--store" : "the embedded store") + ": the jdbc sink writes its own "
          + "copy of word_counts and windowed_word_counts, give it another database");
    }
  }

  /** How the store keeps and serves the live tables, from the flags. */
  public StoreSettings storeSettings() {
    return new StoreSettings(toDuration("--retain", retain), retainPosts,
        StoreSettings.DEFAULT_WINDOW_RETENTION, Duration.ofSeconds(sqlTimeoutSeconds),
        StoreSettings.DEFAULT_READERS);
  }

  /** The reader's URL for an external --store: the same server and database, as the role. */
  public String storeReaderUrl() {
    if (storeReader != null) {
      return storeReader;
    }
    String noUser = store.replaceAll("([?&])(user|password)=[^&]*&?", "$1")
        .replaceAll("[?&]$", "");
    return noUser + (noUser.contains("?") ? "&" : "?") + "user="
        + io.trendstream.store.StoreTables.READER_ROLE;
  }

  private Duration toDuration(String flag, String value) {
    String[] parts = duration(flag, value).split(" ");
    long n = Long.parseLong(parts[0]);
    String unit = parts[1].toLowerCase(Locale.ROOT);
    Duration d = unit.startsWith("millisecond") ? Duration.ofMillis(n)
        : unit.startsWith("second") ? Duration.ofSeconds(n)
        : unit.startsWith("minute") ? Duration.ofMinutes(n)
        : unit.startsWith("hour") ? Duration.ofHours(n)
        : unit.startsWith("day") ? Duration.ofDays(n)
        : Duration.ofDays(7 * n);
    if (d.isZero()) {
      throw new ParameterException(spec.commandLine(), flag + " must be longer than 0");
    }
    return d;
  }

  /** Spark's interval syntax: a number and a unit, e.g. "10 minutes", "30 seconds". */
  private String duration(String flag, String value) {
    if (!value.trim().matches("(?i)\\d+ (milliseconds?|seconds?|minutes?|hours?|days?|weeks?)")) {
      throw new ParameterException(spec.commandLine(), flag + " '" + value
          + "' is not a duration (e.g. '10 minutes', '30 seconds', '1 hour')");
    }
    return value.trim();
  }
}
