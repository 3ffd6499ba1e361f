package io.trendstream.cli;

import io.trendstream.common.UserError;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.source.PostSource;
import io.trendstream.source.Sources;
import io.trendstream.source.Vocabulary;
import io.trendstream.source.live.LiveContext;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The producer's flags, shared by {@code produce} and {@code demo} as a picocli
 * {@code @Mixin}, live-source flags ({@link LiveSourceOptions}) included. Input: command-line
 * flags, validated while parsing (bad values are a ParameterException, exit 2), and the
 * environment ({@code X_BEARER_TOKEN}) through a replaceable lookup. Output: the pieces a
 * {@link PostProducer} is built from: {@link #producerSettings()}, {@link #openSource(double)},
 * {@link #producerOptions(double)}.
 */
public final class ProduceOptions {
  /** Posts/s when --rate is not given: readable in a live dashboard, easy on the machine. */
  public static final double DEFAULT_RATE = 100;
  public static final long DEFAULT_SEED = 42;
  /**
   * --vocabulary when not given: the long tail of real posts, so a new user's demo meets the
   * vocabulary growth a real stream brings (docs/sources.md).
   */
  public static final String DEFAULT_VOCABULARY = "realistic";

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Mixin KafkaOptions kafka;

  @Mixin LiveSourceOptions live;

  /** Where the bearer token is looked up; tests replace it instead of the process env. */
  private Function<String, String> env = System::getenv;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
      description = "Seed of the synthetic source (default: ${DEFAULT-VALUE}).")
  long seed = DEFAULT_SEED;

  private String source = Sources.SYNTHETIC;
  private Vocabulary vocabulary = Vocabulary.of(DEFAULT_VOCABULARY);
  private Double rate;
  private long count;

  @Option(names = "--source", defaultValue = Sources.SYNTHETIC, paramLabel = "SOURCE",
      description = "Where posts come from: synthetic; file:PATH or stdin (JSON lines: post "
          + "JSON, tweets, Jetstream events; gzip ok); x (X API v2 recent search, needs "
          + "X_BEARER_TOKEN); bluesky (Bluesky Jetstream, no account) "
          + "(default: ${DEFAULT-VALUE}).")
  void setSource(String value) {
    try {
      Sources.check(value);
    } catch (IllegalArgumentException e) {
      throw bad("--source", e.getMessage());
    }
    source = value;
  }

  @Option(names = "--vocabulary", defaultValue = DEFAULT_VOCABULARY,
      paramLabel = "small|realistic|stress",
      description = "Words of the synthetic source: small (the original 2,507 words), "
          + "realistic (a long tail calibrated to real posts: words, names, typos, handles, "
          + "hashtags, links; ~360 k distinct per 1 M posts, growing), stress (~2.2 M distinct "
          + "per 1 M posts, growing) (default: ${DEFAULT-VALUE}).")
  void setVocabulary(String value) {
    try {
      vocabulary = Vocabulary.of(value);
    } catch (IllegalArgumentException e) {
      throw bad("--vocabulary", e.getMessage());
    }
  }

  @Option(names = "--rate", paramLabel = "POSTS_PER_S",
      description = "Posts per second, 0 = as fast as possible (default: 100; live sources: "
          + "as fast as posts arrive).")
  void setRate(double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw bad("--rate", value + " is not a rate >= 0 (0 = unlimited)");
    }
    rate = value;
  }

  @Option(names = "--count", paramLabel = "N",
      description = "Stop after N posts; 0 = until the source ends or Ctrl-C (default: 0).")
  void setCount(long value) {
    if (value < 0) {
      throw bad("--count", value + " is negative (0 = no limit)");
    }
    count = value;
  }

  private CommandLine.ParameterException bad(String option, String reason) {
    return new CommandLine.ParameterException(mixee.commandLine(),
        "Invalid value for option '" + option + "': " + reason);
  }

  public String bootstrapServer() {
    return kafka.bootstrapServer();
  }

  public String topic() {
    return kafka.topic();
  }

  public String source() {
    return source;
  }

  /** --rate, or {@link #DEFAULT_RATE} when not given (0 for a live source). */
  public double rate() {
    return rateOr(DEFAULT_RATE);
  }

  /**
   * --rate, or the calling command's own default when not given (e.g. demo's). A live source
   * is not paced unless --rate is given: the network sets its pace, and holding posts back
   * would only grow the backlog.
   */
  public double rateOr(double commandDefault) {
    if (rate != null) {
      return rate;
    }
    return isLive() ? 0 : commandDefault;
  }

  /** Whether --source is {@code x} or {@code bluesky}. */
  public boolean isLive() {
    return Sources.isLive(source);
  }

  /** Replaces the environment lookup (the bearer token), so tests need not touch the env. */
  public void environment(Function<String, String> lookup) {
    env = Objects.requireNonNull(lookup, "lookup");
  }

  public long count() {
    return count;
  }

  public long seed() {
    return seed;
  }

  public Vocabulary vocabulary() {
    return vocabulary;
  }

  public Map<String, String> kafkaProperties() {
    return kafka.kafkaProperties();
  }

  /** @throws CommandLine.ParameterException for a --kafka-property Kafka does not know */
  public ProducerSettings producerSettings() {
    try {
      return new ProducerSettings(bootstrapServer(), kafkaProperties());
    } catch (IllegalArgumentException e) {
      throw bad("--kafka-property", e.getMessage());
    }
  }

  /**
   * Opens --source; live-source notices (waits, reconnects, the resume flag) go to stderr.
   *
   * @param rate the rate the producer will run at (synthetic event time keeps pace with it)
   * @throws UserError when a file cannot be read, the x token is missing, or a live-only flag
   *     is given with another source
   */
  public PostSource openSource(double rate) {
    return openSource(rate, null);
  }

  /**
   * @param notices where live sources' one-line notices go, or null for stderr
   * @see #openSource(double)
   */
  public PostSource openSource(double rate, Consumer<String> notices) {
    if (isLive()) {
      LiveContext ctx = notices == null
          ? LiveContext.defaults()
          : LiveContext.defaults().withNotices(notices);
      return live.open(source, env, ctx);
    }
    live.rejectFor(source);
    return Sources.open(source, seed, rate, vocabulary);
  }

  public PostProducer.Options producerOptions(double rate) {
    return new PostProducer.Options(topic(), rate, count);
  }
}
