package io.trendstream.pipeline.sink;

import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.pipeline.StreamConfig;
import io.trendstream.post.Post;
import io.trendstream.post.TwitterTime;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --sink parquet:DIR} against the real embedded broker: every post exactly once, in the
 * partition of its date, also after the last batch is replayed from the checkpoint.
 */
@IntegrationTest
class ParquetPostSinkTest {
  /** 300 posts at 2/s from here cross midnight: two date partitions. */
  private static final Instant START = Instant.parse("2026-11-24T23:58:30Z");

  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension().partitions(2);
  @TempDir Path dir;

  @Test
  void everyPostExactlyOncePartitionedByDateAcrossAReplay() throws Exception {
    StreamConfig config = kafka.streamConfig(dir.resolve("data"));
    Path out = dir.resolve("parquet");
    ParquetPostSink sink = new ParquetPostSink(out);
    List<Post> posts = SinkTesting.posts(START, 300);

    SinkTesting.runOverTwoHalves(sink, config, posts);
    assertExactlyOnce(out, posts);
    try (Stream<Path> dates = Files.list(out)) {
      assertThat(dates.map(p -> p.getFileName().toString()))
          .contains("date=2026-11-24", "date=2026-11-25", "_spark_metadata");
    }

    SinkTesting.replayLastBatch(sink, config, ParquetPostSink.QUERY);
    assertExactlyOnce(out, posts);
  }

  private static void assertExactlyOnce(Path out, List<Post> posts) {
    List<Row> rows = spark().read().parquet(out.toString())
        .select("id", "text", "event_time", ParquetPostSink.DATE).collectAsList();
    Map<Long, Long> timesSeen = rows.stream()
        .collect(Collectors.groupingBy(r -> r.getLong(0), Collectors.counting()));
    assertThat(timesSeen).hasSize(posts.size());
    assertThat(timesSeen.values()).containsOnly(1L);
    Map<Long, Post> byId = new HashMap<>();
    posts.forEach(p -> byId.put(p.id(), p));
    for (Row r : rows) {
      Post p = byId.get(r.getLong(0));
      Instant time = TwitterTime.parse(p.createdAt());
      assertThat(r.getString(1)).isEqualTo(p.text());
      assertThat(r.<Instant>getAs(2)).isEqualTo(time);
      assertThat(r.<LocalDate>getAs(3)).isEqualTo(LocalDate.ofInstant(time, ZoneOffset.UTC));
    }
  }
}
