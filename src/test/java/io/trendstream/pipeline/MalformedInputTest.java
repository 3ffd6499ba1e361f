package io.trendstream.pipeline;

import static io.trendstream.testing.SparkTestSupport.post;
import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.pipeline.TrendQueries.EventTime;
import io.trendstream.pipeline.JobStatus.QueryStatus;
import io.trendstream.serve.StoreQueryService;
import io.trendstream.store.LiveStore;
import io.trendstream.testing.Await;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.SparkTestSupport;
import io.trendstream.testing.TestStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.execution.streaming.runtime.MemoryStream;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * How each kind of bad Kafka value is classified, that posts and malformed records split the
 * input exactly, and that the malformed count reaches the query progress the HTTP API shows.
 */
@IntegrationTest
class MalformedInputTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:02:00Z");
  private static final StructType KAFKA = new StructType()
      .add("key", DataTypes.BinaryType)
      .add("value", DataTypes.BinaryType)
      .add("topic", DataTypes.StringType)
      .add("partition", DataTypes.IntegerType)
      .add("offset", DataTypes.LongType)
      .add("timestamp", DataTypes.TimestampType);

  @TempDir Path dir;

  /** Values by offset, each with the reason it must get (null: a post). */
  private final Map<Long, String> expectedReason = new LinkedHashMap<>();
  private final List<Row> rows = new ArrayList<>();

  private void add(String reason, byte[] value) {
    long offset = rows.size();
    rows.add(RowFactory.create(null, value, "t", 0, offset, java.sql.Timestamp.from(T0)));
    expectedReason.put(offset, reason);
  }

  private void add(String reason, String value) {
    add(reason, value.getBytes(StandardCharsets.UTF_8));
  }

  private Dataset<Row> records() {
    return spark().createDataFrame(rows, KAFKA);
  }

  @Test
  void everyRecordIsEitherAPostOrMalformedWithItsReason() {
    String good = post(1, T0, "kafka spark");
    add(null, good);
    add(TrendQueries.NOT_JSON, "not json");
    add(TrendQueries.NOT_JSON, "");
    add(TrendQueries.NOT_JSON, "42");
    add(TrendQueries.NOT_JSON, "[{\"text\":\"in an array\"}]");
    add(TrendQueries.NOT_JSON, "{\"text\":\"cut off");
    add(TrendQueries.MISSING_TEXT, "{\"id\":5,\"created_at\":\"Tue Nov 24 10:02:00 +0000 2026\"}");
    add(TrendQueries.MISSING_TEXT, "{\"text\":null}");
    add(TrendQueries.WRONG_TYPE,
        "{\"text\":123,\"created_at\":\"Tue Nov 24 10:02:00 +0000 2026\"}");
    add(TrendQueries.WRONG_TYPE, "{\"text\":{\"a\":1}}");
    add(TrendQueries.WRONG_TYPE, "{\"text\":true}");
    add(TrendQueries.WRONG_TYPE, good.replace("\"id\":1", "\"id\":\"one\""));
    add(TrendQueries.WRONG_TYPE, good.replace("\"favorited\":false", "\"favorited\":\"no\""));
    add(TrendQueries.BAD_CREATED_AT, "{\"text\":\"no time\"}");
    add(TrendQueries.BAD_CREATED_AT, "{\"text\":\"bad time\",\"created_at\":\"yesterday\"}");
    // Text that merely looks like JSON is still text.
    add(null, post(2, T0, "42"));
    add(null, post(3, T0, "[citation needed] {braces} true"));
    add(null, post(4, T0, "-1 points"));
    // The parser stops after the object: what follows it is ignored, as documented.
    add(null, post(6, T0, "trailing") + " and more");
    byte[] invalid = post(5, T0, "caf\u00e9 ok").getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < invalid.length; i++) {
      if (invalid[i] == (byte) 0xc3) {
        invalid[i] = (byte) 0xff;  // é's lead byte: no longer UTF-8
      }
    }
    add(TrendQueries.INVALID_UTF8, invalid);
    add(TrendQueries.INVALID_UTF8, new byte[] {'{', '"', 't', 'e', 'x', 't', '"', ':', '"',
        (byte) 0xc3, '"', '}'});  // a truncated two-byte sequence

    Map<Long, String> reasons = new TreeMap<>();
    for (Row r : TrendQueries.malformed(records(), EventTime.CREATED_AT).collectAsList()) {
      reasons.put(r.getAs("offset"), r.getAs(TrendQueries.REASON));
      // The original value travels unchanged, byte for byte.
      assertThat((byte[]) r.getAs("value"))
          .isEqualTo(rows.get((int) (long) r.<Long>getAs("offset")).get(1));
    }
    Map<Long, String> expectedBad = new TreeMap<>(expectedReason);
    expectedBad.values().removeIf(v -> v == null);
    assertThat(reasons).isEqualTo(expectedBad);

    List<Long> postIds = TrendQueries.posts(records(), EventTime.CREATED_AT)
        .select("id").as(Encoders.LONG()).collectAsList();
    assertThat(postIds).containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 6L);
  }

  @Test
  void valuesOverTheSizeLimitAreMalformedWithoutBeingParsed() {
    String small = post(1, T0, "fits");
    String big = post(2, T0, "x".repeat(200));
    add(null, small);
    add(TrendQueries.OVERSIZED, big);
    add(TrendQueries.OVERSIZED, "not json either " + "y".repeat(200));
    int limit = small.getBytes(StandardCharsets.UTF_8).length;

    List<Row> bad = TrendQueries.malformed(records(), EventTime.CREATED_AT, limit)
        .collectAsList();
    assertThat(bad).extracting(r -> r.getAs(TrendQueries.REASON))
        .containsExactly(TrendQueries.OVERSIZED, TrendQueries.OVERSIZED);
    assertThat(TrendQueries.posts(records(), EventTime.CREATED_AT, limit).count()).isEqualTo(1);
    // The default limit takes both posts.
    assertThat(TrendQueries.posts(records(), EventTime.CREATED_AT).count()).isEqualTo(2);
  }

  @Test
  void emptyPunctuationAndEmojiTextsArePostsWithoutWords() {
    add(null, post(1, T0, ""));
    add(null, post(2, T0, "!!! ... ?!"));
    add(null, post(3, T0, "\ud83d\ude00\ud83d\udd25 \u2764\ufe0f"));
    add(null, post(4, T0, "   "));
    // Keycap and flag emoji: the variation selector and keycap mark are no words either.
    add(null, post(5, T0, "#\ufe0f\u20e3 *\ufe0f\u20e3 \ud83c\uddef\ud83c\uddf5"));
    add(null, post(6, T0, "one word"));

    Dataset<Row> posts = TrendQueries.posts(records(), EventTime.CREATED_AT);
    assertThat(posts.count()).isEqualTo(6);
    assertThat(TrendQueries.malformed(records(), EventTime.CREATED_AT).count()).isZero();
    Map<String, Long> counts = new TreeMap<>();
    TrendQueries.wordCounts(posts, Tokenizer.WORDS).collectAsList()
        .forEach(r -> counts.put(r.getString(0), r.getLong(1)));
    assertThat(counts).containsExactlyEntriesOf(new TreeMap<>(Map.of("one", 1L, "word", 1L)));
  }

  @Test
  void progressShowsMalformedRecordsPerBatchAndInTotal() throws Exception {
    MemoryStream<Tuple2<byte[], Instant>> in = MemoryStream.apply(
        Encoders.tuple(Encoders.BINARY(), Encoders.INSTANT()), spark());
    StreamConfig config = SparkTestSupport.memoryJobConfig(dir, "malformed");
    LiveStore store = TestStore.fresh("malformed");
    StreamingJob job = new StreamingJob(
        spark(), config, s -> in.toDF().toDF("value", "timestamp"), new StoreSink(store));
    try (job) {
      job.start();
      StoreQueryService service = new StoreQueryService(
          store.readers(), 100, Duration.ofSeconds(20), new JobStatus(job)::queries);
      add(in, List.of(post(1, T0, "a b"), "junk", "{\"text\":7}"));
      awaitProcessed(job);
      add(in, List.of(post(2, T0, "c"), "{", post(3, T0, "d"), "more junk", "[]"));
      awaitProcessed(job);

      String wordCounts = config.queryNamePrefix + StreamingJob.LIVE_TABLES;
      // The listener bus delivers progress events asynchronously: wait for the total.
      Await.until("malformed total of 5", Duration.ofSeconds(30),
          () -> status(service, wordCounts).malformedTotal() == 5);
      QueryStatus status = status(service, wordCounts);
      assertThat(status.lastProgress().malformed()).isEqualTo(3);
      assertThat(status.recentProgress())
          .filteredOn(p -> p.inputRows() > 0)
          .extracting(p -> p.malformed())
          .containsExactly(2L, 3L);
      assertThat(service.sql("SELECT count(*) FROM tweets").rows())
          .containsExactly(List.of(3L));
    }
  }

  private static void add(MemoryStream<Tuple2<byte[], Instant>> in, List<String> values) {
    in.addData(CollectionConverters.asScala(values.stream()
        .map(v -> new Tuple2<>(v.getBytes(StandardCharsets.UTF_8), T0))
        .toList()).toSeq());
  }

  private static void awaitProcessed(StreamingJob job) {
    for (StreamingQuery q : job.queries()) {
      q.processAllAvailable();
    }
  }

  private static QueryStatus status(StoreQueryService service, String name) {
    return service.queries().stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElseThrow();
  }
}
