package io.trendstream.pipeline;

import static io.trendstream.testing.SparkTestSupport.post;
import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.pipeline.TrendQueries.EventTime;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.SparkTestSupport;
import io.trendstream.testing.SparkTestSupport.KafkaLikeStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each query function over an in-memory stream, into Spark's memory sink. */
@IntegrationTest
class TrendQueriesTest {
  private static final Instant T0 = Instant.parse("2018-03-13T10:02:00Z");

  @TempDir Path checkpoints;

  private StreamingQuery start(String name, Dataset<Row> result, OutputMode mode) throws Exception {
    return result.writeStream()
        .format("memory")
        .queryName(name)
        .outputMode(mode)
        .option("checkpointLocation", checkpoints.resolve(name).toString())
        .start();
  }

  private static Map<String, Long> counts(String table) {
    return spark().table(table).collectAsList().stream()
        .collect(Collectors.toMap(r -> r.getString(0), r -> r.getLong(1), (a, b) -> b,
            TreeMap::new));
  }

  @Test
  void parsesOurPostsAndRealV11TweetsAndDropsMalformedValues() throws Exception {
    KafkaLikeStream in = new KafkaLikeStream();
    String name = SparkTestSupport.unique("posts");
    StreamingQuery q = start(name, TrendQueries.posts(in.records(), EventTime.CREATED_AT),
        OutputMode.Append());
    List<String> v11 = Files.readAllLines(
        Path.of("src/test/resources/twitter-v1.1-sample.jsonl"), StandardCharsets.UTF_8);
    in.add(v11, T0);
    in.add(List.of(post(1, T0, "hello world"), "not json", "{\"id\":5}",
        "{\"text\":\"no time\",\"id\":6,\"created_at\":\"yesterday\"}"), T0);
    q.processAllAvailable();
    q.stop();

    List<Row> rows = spark().table(name).collectAsList();
    assertThat(rows).hasSize(44);
    Row first = spark().table(name).where("id_str = '536946943952707584'").first();
    assertThat(first.<Long>getAs("id")).isEqualTo(536946943952707584L);
    assertThat(first.<String>getAs("lang")).isEqualTo("pt");
    assertThat(first.<Instant>getAs(TrendQueries.EVENT_TIME))
        .isEqualTo(Instant.parse("2014-11-24T18:18:22Z"));
    assertThat(rows).filteredOn(r -> r.<String>getAs("text").contains("\n")).hasSize(2);
  }

  @Test
  void runningWordCountIsExactAndContinuesAfterRestartFromCheckpoint() throws Exception {
    KafkaLikeStream in = new KafkaLikeStream();
    String name = SparkTestSupport.unique("wc");
    Dataset<Row> counts = TrendQueries.wordCounts(
        TrendQueries.posts(in.records(), EventTime.CREATED_AT), Tokenizer.WORDS);
    StreamingQuery q = start(name, counts, OutputMode.Complete());
    in.add(List.of(post(1, T0, "Kafka and Spark"), post(2, T0, "spark, #Spark!")), T0);
    q.processAllAvailable();
    assertThat(counts(name)).containsExactlyEntriesOf(
        new TreeMap<>(Map.of("#spark", 1L, "and", 1L, "kafka", 1L, "spark", 2L)));
    q.stop();

    in.add(List.of(post(3, T0, "spark streaming")), T0);
    StreamingQuery restarted = start(name, counts, OutputMode.Complete());
    restarted.processAllAvailable();
    restarted.stop();
    assertThat(counts(name)).containsEntry("spark", 3L).containsEntry("streaming", 1L)
        .containsEntry("kafka", 1L);
  }

  @Test
  void whitespaceTokenizerCountsEmptyStringsLikeTheOriginalDemo() throws Exception {
    KafkaLikeStream in = new KafkaLikeStream();
    String name = SparkTestSupport.unique("ws");
    StreamingQuery q = start(name, TrendQueries.wordCounts(
        TrendQueries.posts(in.records(), EventTime.CREATED_AT), Tokenizer.WHITESPACE),
        OutputMode.Complete());
    in.add(List.of(post(1, T0, "Kafka  kafka Kafka")), T0);
    q.processAllAvailable();
    q.stop();
    assertThat(counts(name)).containsExactlyEntriesOf(
        new TreeMap<>(Map.of("", 1L, "Kafka", 2L, "kafka", 1L)));
  }

  @Test
  void windowedCountsUseEventTimeWindowBoundariesAndDropPostsBeyondTheWatermark()
      throws Exception {
    KafkaLikeStream in = new KafkaLikeStream();
    String name = SparkTestSupport.unique("win");
    StreamingQuery q = start(name, TrendQueries.windowedWordCounts(
        TrendQueries.posts(in.records(), EventTime.CREATED_AT), Tokenizer.WORDS,
        "10 minutes", "5 minutes", "10 minutes"), OutputMode.Update());
    // 10:02 falls in [09:55, 10:05) and [10:00, 10:10).
    in.add(List.of(post(1, T0, "kafka")), T0);
    q.processAllAvailable();
    // 11:00 moves the watermark to 10:50; a later batch at 10:03 is then beyond it.
    in.add(List.of(post(2, Instant.parse("2018-03-13T11:00:00Z"), "spark")), T0);
    q.processAllAvailable();
    in.add(List.of(post(3, Instant.parse("2018-03-13T11:01:00Z"), "flink")), T0);
    q.processAllAvailable();
    in.add(List.of(post(4, Instant.parse("2018-03-13T10:03:00Z"), "kafka late")), T0);
    q.processAllAvailable();
    long dropped = JobStatus.lateRows(q.lastProgress());
    q.stop();

    List<String> rows = spark().table(name).collectAsList().stream()
        .map(r -> r.get(0) + "/" + r.get(1) + "/" + r.getString(2) + "=" + r.getLong(3))
        .sorted()
        .toList();
    assertThat(rows).contains(
        "2018-03-13T09:55:00Z/2018-03-13T10:05:00Z/kafka=1",
        "2018-03-13T10:00:00Z/2018-03-13T10:10:00Z/kafka=1",
        "2018-03-13T10:55:00Z/2018-03-13T11:05:00Z/spark=1",
        "2018-03-13T11:00:00Z/2018-03-13T11:10:00Z/spark=1");
    assertThat(rows).noneMatch(r -> r.contains("late") || r.endsWith("kafka=2"));
    // Spark counts dropped rows after window assignment: 2 words x 2 sliding windows.
    assertThat(dropped).isEqualTo(4);
  }

  @Test
  void partialCountsAddUpToTheBatchCountsAcrossPartitions() {
    StructType schema = new StructType()
        .add(TrendQueries.TOKENS, DataTypes.createArrayType(DataTypes.StringType, false))
        .add(TrendQueries.EVENT_TIME, DataTypes.TimestampType);
    Instant late = Instant.parse("2018-03-13T10:14:59.900Z");
    List<Row> rows = List.of(
        RowFactory.create(new String[] {"kafka", "spark", "kafka"}, T0),
        RowFactory.create(new String[] {"kafka"}, Instant.parse("2018-03-13T10:05:00Z")),
        RowFactory.create(new String[] {"kafka", "flink"}, Instant.parse("2018-03-13T10:06:00Z")),
        RowFactory.create(new String[] {"flink"}, Instant.parse("2018-03-13T09:59:59.999Z")),
        RowFactory.create(new String[] {"spark"}, Instant.parse("1969-12-31T23:58:00Z")),
        RowFactory.create(new String[0], late));
    // Three partitions, so a word comes from more than one task.
    Dataset<Row> batch = spark().createDataFrame(rows, schema).repartition(3);
    assertThat(batch.rdd().getNumPartitions()).isEqualTo(3);

    Map<String, Long> partial = new java.util.TreeMap<>();
    for (Row r : TrendQueries.partialWordCounts(batch).collectAsList()) {
      partial.merge(r.getString(0), r.getLong(1), Long::sum);
    }
    Map<String, Long> whole = new java.util.TreeMap<>();
    for (Row r : TrendQueries.wordCounts(batch, null).collectAsList()) {
      whole.put(r.getString(0), r.getLong(1));
    }
    assertThat(partial).isEqualTo(whole).containsEntry("kafka", 4L);

    for (String[] ws : List.of(new String[] {"10 minutes", "5 minutes"},
        new String[] {"7 minutes", "3 minutes"})) {
      Dataset<Row> mine = TrendQueries.partialWindowedCounts(batch,
          StreamConfig.duration(ws[0]), StreamConfig.duration(ws[1]));
      Map<String, Long> summed = new java.util.TreeMap<>();
      for (Row r : mine.where(org.apache.spark.sql.functions.col("word").isNotNull())
          .collectAsList()) {
        summed.merge(r.get(0) + "/" + r.get(1) + "/" + r.getString(2), r.getLong(3), Long::sum);
      }
      Map<String, Long> sparks = new java.util.TreeMap<>();
      for (Row r : TrendQueries.windowedWordCounts(batch, Tokenizer.WORDS, ws[0], ws[1],
          "10 minutes").collectAsList()) {
        sparks.put(r.get(0) + "/" + r.get(1) + "/" + r.getString(2), r.getLong(3));
      }
      assertThat(summed).as(ws[0] + " / " + ws[1]).isNotEmpty().isEqualTo(sparks);
      assertThat(mine.agg(org.apache.spark.sql.functions.max(TrendQueries.MAX_EVENT_TIME))
          .first().get(0)).isEqualTo(late);
    }
  }

  @Test
  void kafkaEventTimeUsesTheRecordTimestamp() throws Exception {
    KafkaLikeStream in = new KafkaLikeStream();
    String name = SparkTestSupport.unique("kt");
    StreamingQuery q = start(name, TrendQueries.posts(in.records(), EventTime.KAFKA),
        OutputMode.Append());
    Instant kafkaTime = Instant.parse("2026-01-01T00:00:00Z");
    in.add(List.of(post(1, T0, "x")), kafkaTime);
    q.processAllAvailable();
    q.stop();
    assertThat(spark().table(name).first().<Instant>getAs(TrendQueries.EVENT_TIME))
        .isEqualTo(kafkaTime);
  }

}
