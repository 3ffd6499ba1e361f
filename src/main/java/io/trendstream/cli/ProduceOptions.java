package io.trendstream.cli;

import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.source.PostSource;
import io.trendstream.source.Sources;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The producer's flags, shared by {@code produce} and {@code demo} as a picocli
 * {@code @Mixin}. Input: command-line flags, validated while parsing (bad values are a
 * ParameterException, exit 2). Output: the pieces a {@link PostProducer} is built from:
 * {@link #producerSettings()}, {@link #openSource(double)}, {@link #producerOptions(double)}.
 */
public final class ProduceOptions {
  /** Posts/s when --rate is not given: readable in a live dashboard, easy on the machine. */
  public static final double DEFAULT_RATE = 100;
  public static final long DEFAULT_SEED = 42;

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  @Mixin KafkaOptions kafka;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
      description = "Seed of the synthetic source (default: ${DEFAULT-VALUE}).")
  long seed = DEFAULT_SEED;

  private String source = Sources.SYNTHETIC;
  private Double rate;
  private long count;

  @Option(names = "--source", defaultValue = Sources.SYNTHETIC, paramLabel = "SOURCE",
      description = "Where posts come from: " + Sources.VALID_FORMS
          + " (default: ${DEFAULT-VALUE}).")
  void setSource(String value) {
    try {
      Sources.check(value);
    } catch (IllegalArgumentException e) {
      throw bad("--source", e.getMessage());
    }
    source = value;
  }

  @Option(names = "--rate", paramLabel = "POSTS_PER_S",
      description = "Posts per second, 0 = as fast as possible (default: 100).")
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

  /** --rate, or {@link #DEFAULT_RATE} when not given. */
  public double rate() {
    return rateOr(DEFAULT_RATE);
  }

  /** --rate, or the calling command's own default when not given (e.g. demo's). */
  public double rateOr(double commandDefault) {
    return rate != null ? rate : commandDefault;
  }

  public long count() {
    return count;
  }

  public long seed() {
    return seed;
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
   * Opens --source.
   *
   * @param rate the rate the producer will run at (synthetic event time keeps pace with it)
   * @throws UserError when a file cannot be read
   */
  public PostSource openSource(double rate) {
    return Sources.open(source, seed, rate);
  }

  public PostProducer.Options producerOptions(double rate) {
    return new PostProducer.Options(topic(), rate, count);
  }
}
