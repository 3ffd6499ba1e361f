package io.trendstream.pipeline.sink;

import io.trendstream.pipeline.DurableSink;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * One {@code --sink} value, parsed: {@code kafka}, {@code parquet:DIR} or a PostgreSQL JDBC URL
 * ({@code jdbc:postgresql://HOST[:PORT]/DB?user=…&password=…}). Input: the flag's text.
 * Output: a {@link DurableSink} to start, or an IllegalArgumentException with a one-line
 * message for a value that is none of these.
 */
public record SinkSpec(Kind kind, String target) {
  public static final String USAGE =
      "kafka, parquet:DIR or jdbc:postgresql://HOST[:PORT]/DB?user=…&password=…";

  /** The kinds of durable sink. */
  public enum Kind { KAFKA, PARQUET, JDBC }

  /** Parses a {@code --sink} value; names are case-insensitive, paths and URLs are not. */
  public static SinkSpec parse(String value) {
    String v = value == null ? "" : value.trim();
    String lower = v.toLowerCase(Locale.ROOT);
    if (lower.equals("kafka")) {
      return new SinkSpec(Kind.KAFKA, "");
    }
    if (lower.startsWith("parquet:")) {
      String dir = v.substring("parquet:".length()).trim();
      if (dir.isEmpty()) {
        throw new IllegalArgumentException("--sink parquet: needs a directory, e.g. "
            + "parquet:data/posts");
      }
      try {
        Path.of(dir);
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException("--sink parquet: '" + dir + "' is not a path");
      }
      return new SinkSpec(Kind.PARQUET, dir);
    }
    if (lower.startsWith("jdbc:")) {
      // "jdbc:URL" where the URL is itself jdbc:postgresql:…: accept it once or twice.
      String url = lower.startsWith("jdbc:jdbc:") ? v.substring("jdbc:".length()) : v;
      if (!url.startsWith(JdbcCountSink.URL_PREFIX)) {
        throw new IllegalArgumentException("--sink jdbc: only PostgreSQL is supported ("
            + "jdbc:postgresql://HOST[:PORT]/DB?user=…&password=…), not '"
            + JdbcCountSink.masked(url) + "'");
      }
      return new SinkSpec(Kind.JDBC, url);
    }
    throw new IllegalArgumentException("unknown --sink '" + JdbcCountSink.masked(v)
        + "' (expected: " + USAGE + ")");
  }

  /** A new sink for this spec, with the default topic and table names. */
  public DurableSink create() {
    switch (kind) {
      case KAFKA:
        return new KafkaCountSink();
      case PARQUET:
        return new ParquetPostSink(Path.of(target));
      case JDBC:
        return new JdbcCountSink(target);
      default:
        throw new IllegalStateException("unknown sink kind " + kind);
    }
  }

  @Override
  public String toString() {
    switch (kind) {
      case KAFKA:
        return "kafka";
      case PARQUET:
        return "parquet:" + target;
      default:
        return JdbcCountSink.masked(target);
    }
  }
}
