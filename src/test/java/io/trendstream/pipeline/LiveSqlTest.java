package io.trendstream.pipeline;

import static io.trendstream.testing.SparkTestSupport.post;
import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.serve.QueryService.QueryRejectedException;
import io.trendstream.serve.QueryService.QueryStatus;
import io.trendstream.serve.QueryService.TableResult;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.SparkTestSupport;
import io.trendstream.testing.SparkTestSupport.KafkaLikeStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The job over a memory stream into the live tables, queried through SparkQueryService. */
@IntegrationTest
class LiveSqlTest {
  private static final Instant T0 = Instant.parse("2018-03-13T10:02:00Z");
  @TempDir static Path dataDir;
  private static StreamingJob job;
  private static SparkQueryService service;
  private static LiveTables tables;

  @BeforeAll
  static void startJob() throws Exception {
    KafkaLikeStream in = new KafkaLikeStream();
    StreamConfig config = SparkTestSupport.memoryJobConfig(dataDir, "live");
    tables = new LiveTables(3, LiveTables.DEFAULT_WINDOW_RETENTION);
    job = new StreamingJob(spark(), config, s -> in.records(), tables);
    job.start();
    in.add(List.of(
        post(1, T0, "kafka spark kafka"),
        post(2, T0.plusSeconds(60), "spark #trend"),
        post(3, T0.plusSeconds(120), "kafka")), T0);
    awaitAllProcessed();
    in.add(List.of(post(4, T0.plusSeconds(180), "kafka again"), post(5, T0, "more")), T0);
    awaitAllProcessed();
    service = new SparkQueryService(spark(), tables, job::queries, 5, Duration.ofSeconds(20));
  }

  private static void awaitAllProcessed() {
    for (StreamingQuery q : job.queries()) {
      q.processAllAvailable();
    }
  }

  @AfterAll
  static void stopJob() {
    job.close();
  }

  @Test
  void wordCountsAreExact() throws Exception {
    TableResult r = service.sql("SELECT word, count FROM word_counts ORDER BY count DESC, word");
    assertThat(r.columns()).containsExactly("word", "count");
    assertThat(r.rows()).containsExactly(
        List.of("kafka", 4L), List.of("spark", 2L), List.of("#trend", 1L), List.of("again", 1L),
        List.of("more", 1L));
  }

  @Test
  void windowedTableHoldsOneCurrentRowPerWindowAndWord() throws Exception {
    TableResult r = service.sql("SELECT window_start, window_end, count FROM "
        + "windowed_word_counts WHERE word = 'kafka' ORDER BY window_start");
    // [10:00, 10:10) was updated by both batches (3, then 4): only the current row remains.
    assertThat(r.rows()).containsExactly(
        List.of("2018-03-13T09:55:00Z", "2018-03-13T10:05:00Z", 3L),
        List.of("2018-03-13T10:00:00Z", "2018-03-13T10:10:00Z", 4L),
        List.of("2018-03-13T10:05:00Z", "2018-03-13T10:15:00Z", 1L));
  }

  @Test
  void postsTableKeepsTheNewestPostsOnly() throws Exception {
    TableResult r = service.sql("SELECT count(*) AS n, max(id) AS newest FROM tweets");
    assertThat(r.rows()).containsExactly(List.of(3L, 5L));
  }

  @Test
  void resultsAreCappedAndSaySo() throws Exception {
    TableResult r = service.sql("SELECT * FROM windowed_word_counts");
    assertThat(r.rows()).hasSize(5);
    assertThat(r.truncated()).isTrue();
  }

  @Test
  void queriesReportStatusAndProgress() {
    List<QueryStatus> qs = service.queries();
    assertThat(qs).extracting(QueryStatus::status).containsOnly("ACTIVE");
    assertThat(qs).extracting(QueryStatus::name).allMatch(n -> n.startsWith("live_"));
    assertThat(qs.get(1).lastProgress()).isNotNull();
    assertThat(qs.get(1).recentProgress()).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "DROP TABLE word_counts",
      "CREATE TABLE x AS SELECT * FROM word_counts",
      "INSERT INTO word_counts VALUES ('a', 1)",
      "SET spark.sql.shuffle.partitions=1",
      "ADD JAR /tmp/evil.jar",
      "SELECT 1; SELECT 2",
      "SELECT * FROM text.`/etc/passwd`",
      "SELECT * FROM parquet.`/tmp`",
      "SELECT * FROM json.`/tmp/x.json`",
      "SELECT * FROM csv.`/tmp/x.csv`",
      "SELECT reflect('java.lang.System', 'exit', '0')",
      "SELECT java_method('java.lang.Runtime', 'getRuntime')",
      "SELECT * FROM other_table",
      "SELECT * FROM read_files('/etc')",
      "SELECT * FROM range(10)",
      "SELECT explode(sequence(1, 1000000000))",
      "SELECT repeat('x', 2000000000)",
      "SELECT array_repeat(1, 2000000000)",
      "SHOW TABLES",
      "CACHE TABLE word_counts",
      "EXPLAIN SELECT * FROM word_counts",
      "SELECT * FROM word_counts WHERE word IN (SELECT reflect('a', 'b'))",
      "",
      "SELEC word FROM word_counts"})
  void refusesAnythingButOneSelectOverTheLiveTables(String sql) {
    assertThatThrownBy(() -> service.sql(sql))
        .isInstanceOf(QueryRejectedException.class)
        .hasMessageNotContaining("\n");
  }

  @Test
  void acceptsCtesSubqueriesAndJoinsOverLiveTables() throws Exception {
    TableResult r = service.sql("WITH top AS (SELECT word FROM word_counts WHERE count > 1) "
        + "SELECT t.word FROM top t JOIN word_counts w ON t.word = w.word "
        + "WHERE t.word IN (SELECT word FROM word_counts) ORDER BY t.word");
    assertThat(r.rows()).containsExactly(List.of("kafka"), List.of("spark"));
  }

  @Test
  void aQueryRunningPastTheTimeoutIsCancelled() {
    SparkQueryService impatient = new SparkQueryService(
        spark(), tables, job::queries, 5, Duration.ofSeconds(1));
    // 5^14 (six billion) joined rows: far more than a second's work on any machine.
    String crossJoin = java.util.stream.IntStream.range(0, 14)
        .mapToObj(i -> "word_counts w" + i)
        .collect(java.util.stream.Collectors.joining(", "));
    assertThatThrownBy(() -> impatient.sql("SELECT count(*) FROM " + crossJoin))
        .isInstanceOf(QueryRejectedException.class)
        .hasMessage("query ran longer than 1 s and was cancelled");
    // The cancelled work is gone: the next query answers at once, not after it.
    assertThat(service.queries()).isNotEmpty();
    long start = System.nanoTime();
    try {
      service.sql("SELECT count(*) FROM word_counts");
    } catch (QueryRejectedException e) {
      throw new AssertionError(e);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void unknownColumnsAreTheUsersMistake() {
    assertThatThrownBy(() -> service.sql("SELECT nope FROM word_counts"))
        .isInstanceOf(QueryRejectedException.class)
        .hasMessageContaining("nope");
  }
}
