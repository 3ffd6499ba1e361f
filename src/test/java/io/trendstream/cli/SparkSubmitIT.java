package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.post.Post;
import io.trendstream.testing.Await;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.ChildJvm;
import io.trendstream.testing.ExpectedCounts;
import io.trendstream.testing.Http;
import io.trendstream.testing.SparkClasspath;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.TestPosts;
import io.trendstream.testing.TestStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming job through {@code spark-submit}: Spark's own SparkSubmit launches the
 * {@code -spark.jar} on a classpath that has Spark but none of Trendstream, its Kafka connector
 * or its HTTP server, as a cluster's Spark distribution would.
 */
@IntegrationTest
class SparkSubmitIT {
  private static final Pattern URL = Pattern.compile("query API \\+ dashboard: (http://\\S+)");

  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension().partitions(2);
  @TempDir Path dir;

  @Test
  void streamRunsUnderSparkSubmitFromTheShadedJar() throws Exception {
    Path jar = Path.of(System.getProperty("spark.jar"));
    assertThat(jar).exists();
    String topic = kafka.topic();
    List<Post> posts = TestPosts.synthetic(5, Instant.EPOCH, 1000, 300);
    kafka.produce(topic, posts);
    long tokens = ExpectedCounts.total(ExpectedCounts.words(posts));
    TestStore.Urls store = TestStore.freshDatabase("spark_submit");

    ChildJvm job = ChildJvm.launch(dir, SparkClasspath.withoutTrendstream(),
        "org.apache.spark.deploy.SparkSubmit", List.of("--master", "local[2]",
            "--conf", "spark.ui.enabled=false", "--class", Main.class.getName(), jar.toString(),
            "stream", "--bootstrap-server", kafka.bootstrapServers(), "--topic", topic,
            "--data-dir", dir.resolve("data").toString(), "--http-port", "0",
            // The -spark.jar has no embedded PostgreSQL: on a cluster the store is external.
            "--store", store.writer(), "--store-reader", store.reader()));
    try {
      String url = job.awaitLine(URL, Duration.ofSeconds(120));
      Await.until(tokens + " tokens", Duration.ofSeconds(120), () -> {
        JsonNode r = Http.sql(url, "SELECT sum(count) FROM word_counts");
        return r != null && r.path("rows").path(0).path(0).asLong() == tokens;
      }, () -> "output:\n" + job.output());
    } finally {
      job.terminate();
    }
    assertThat(job.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
  }
}
