package io.trendstream.pipeline;

import static io.trendstream.testing.SparkTestSupport.post;
import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.pipeline.JobStatus.QueryStatus;
import io.trendstream.serve.QueryService.QueryRejectedException;
import io.trendstream.serve.QueryService.TableResult;
import io.trendstream.serve.StoreQueryService;
import io.trendstream.store.LiveStore;
import io.trendstream.store.StoreSettings;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.SparkTestSupport;
import io.trendstream.testing.SparkTestSupport.KafkaLikeStream;
import io.trendstream.testing.TestStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The job over a memory stream into the serving store (a real PostgreSQL), queried through the
 * SQL API's service as its read-only role.
 */
@IntegrationTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LiveSqlTest {
  private static final Instant T0 = Instant.parse("2018-03-13T10:02:00Z");
  /** Posts more than two minutes older than the newest leave the tweets table. */
  private static final Duration RETAIN = Duration.ofMinutes(2);
  @TempDir static Path dataDir;
  private static KafkaLikeStream in;
  private static StreamingJob job;
  private static LiveStore store;
  private static StoreQueryService service;

  @BeforeAll
  static void startJob() throws Exception {
    in = new KafkaLikeStream();
    StreamConfig config = SparkTestSupport.memoryJobConfig(dataDir, "live");
    store = TestStore.fresh("live_sql", new StoreSettings(RETAIN, 1_000,
        StoreSettings.DEFAULT_WINDOW_RETENTION, Duration.ofSeconds(20), 4));
    job = new StreamingJob(spark(), config, s -> in.records(), new StoreSink(store));
    job.start();
    in.add(List.of(
        post(1, T0, "kafka spark kafka"),
        post(2, T0.plusSeconds(60), "spark #trend"),
        post(3, T0.plusSeconds(120), "kafka")), T0);
    awaitAllProcessed();
    in.add(List.of(post(4, T0.plusSeconds(180), "kafka again"), post(5, T0, "more")), T0);
    awaitAllProcessed();
    service = new StoreQueryService(store.readers(), 5, Duration.ofSeconds(20),
        new JobStatus(job::queries)::queries);
  }

  private static void awaitAllProcessed() {
    for (StreamingQuery q : job.queries()) {
      q.processAllAvailable();
    }
  }

  @AfterAll
  static void stopJob() {
    job.close();
    store.close();
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
  void postsTableKeepsThePostsWithinTheRetentionOfTheNewest() throws Exception {
    // Newest T0+3min, retention 2 min: posts 1 and 5 (T0) are gone, 2 (T0+1min) is the oldest.
    TableResult r = service.sql("SELECT id FROM tweets ORDER BY id");
    assertThat(r.rows()).containsExactly(List.of(2L), List.of(3L), List.of(4L));
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
    // The store's one query, which writes all three tables.
    assertThat(qs).singleElement().extracting(QueryStatus::name).asString()
        .endsWith(StreamingJob.LIVE_TABLES);
    assertThat(qs.get(0).lastProgress()).isNotNull();
    assertThat(qs.get(0).recentProgress()).isNotEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "DROP TABLE word_counts",
      "CREATE TABLE x AS SELECT * FROM word_counts",
      "CREATE TEMP TABLE x (a int)",
      "INSERT INTO word_counts VALUES ('a', 1)",
      "UPDATE word_counts SET count = 0",
      "DELETE FROM tweets",
      "TRUNCATE word_counts",
      "SET statement_timeout = 0",
      "SELECT 1; SELECT 2",
      "SELECT 1; DROP TABLE word_counts",
      "SELECT pg_read_file('/etc/passwd')",
      "SELECT * FROM pg_read_binary_file('/etc/passwd')",
      "SELECT pg_ls_dir('/')",
      "SELECT lo_import('/etc/passwd')",
      "COPY word_counts TO PROGRAM 'id'",
      "COPY (SELECT 1) TO '/tmp/x'",
      "WITH d AS (DELETE FROM word_counts RETURNING *) SELECT * FROM d",
      "SELECT * FROM trendstream_batches",
      "SELECT rpad('a', 1000000000, 'b')",
      "SELECT * FROM other_table",
      "SHOW ALL",
      "EXPLAIN SELECT * FROM word_counts",
      "GRANT SELECT ON trendstream_batches TO trendstream_reader",
      "",
      "SELEC word FROM word_counts"})
  void refusesAnythingButOneSelectOverTheLiveTables(String sql) {
    assertThatThrownBy(() -> service.sql(sql))
        .isInstanceOf(QueryRejectedException.class)
        .hasMessageNotContaining("\n");
  }

  @Test
  void aSettingChangedInOneRequestIsGoneInTheNext() throws Exception {
    service.sql("SELECT set_config('default_transaction_read_only', 'off', false)");
    service.sql("SELECT set_config('statement_timeout', '0', false)");
    for (int i = 0; i < 8; i++) { // every pooled connection
      assertThat(service.sql("SELECT current_setting('default_transaction_read_only'), "
          + "current_setting('transaction_read_only'), current_user").rows())
          .containsExactly(List.of("on", "on", "trendstream_reader"));
    }
  }

  @Test
  void theReaderIsNoSuperuserAndHoldsNoServerRoles() throws Exception {
    assertThat(service.sql("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles "
        + "WHERE rolname = current_user").rows()).containsExactly(List.of(false, false, false));
    assertThat(service.sql("SELECT count(*) FROM pg_auth_members m JOIN pg_roles r "
        + "ON m.member = r.oid WHERE r.rolname = current_user").rows())
        .containsExactly(List.of(0L));
  }

  @Test
  void acceptsCtesSubqueriesAndJoinsOverLiveTables() throws Exception {
    TableResult r = service.sql("WITH top AS (SELECT word FROM word_counts WHERE count > 1) "
        + "SELECT t.word FROM top t JOIN word_counts w ON t.word = w.word "
        + "WHERE t.word IN (SELECT word FROM word_counts) ORDER BY t.word");
    assertThat(r.rows()).containsExactly(List.of("kafka"), List.of("spark"));
  }

  @Test
  void aQueryRunningPastTheTimeoutIsCancelledByTheServer() throws Exception {
    StoreQueryService impatient = new StoreQueryService(store.readers(), 5,
        Duration.ofSeconds(1), List::of);
    for (String slow : List.of("SELECT pg_sleep(1000000)",
        "SELECT count(*) FROM generate_series(1, 10000000000)")) {
      assertThatThrownBy(() -> impatient.sql(slow))
          .isInstanceOf(QueryRejectedException.class)
          .hasMessage("query ran longer than 1 s and was cancelled");
    }
    // The server stopped them: no backend is still running either.
    assertThat(service.sql("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' "
        + "AND (query LIKE '%pg_sleep(1000000)%' OR query LIKE '%generate_series(1, 1000%') "
        + "AND pid <> pg_backend_pid()").rows()).containsExactly(List.of(0L));
  }

  @Test
  @Order(Integer.MAX_VALUE) // last: it adds a post, which the exact checks above do not expect
  void valueBombsFiredTogetherAreRefusedWhileTheCountsStayExact() throws Exception {
    StoreQueryService impatient = new StoreQueryService(store.readers(), 5,
        Duration.ofSeconds(2), List::of);
    List<String> bombs = List.of("SELECT rpad('a', 1000000000, 'b')",
        "SELECT length(repeat(rpad('a', 100000000, 'b'), 10))",
        "SELECT count(*) FROM generate_series(1, 10000000000)",
        "SELECT string_agg(md5(g::text), '') FROM generate_series(1, 100000000) g");
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> fired = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String bomb = bombs.get(i % bombs.size());
        fired.add(pool.submit(() -> {
          assertThatThrownBy(() -> impatient.sql(bomb)).isInstanceOf(Exception.class);
          return null;
        }));
      }
      // Meanwhile the job goes on writing into the store.
      in.add(List.of(post(6, T0.plusSeconds(200), "bomb proof")), T0);
      awaitAllProcessed();
      for (Future<?> f : fired) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(job.queries()).allMatch(StreamingQuery::isActive);
    assertThat(service.sql("SELECT word, count FROM word_counts WHERE word IN "
        + "('bomb', 'proof', 'kafka') ORDER BY word").rows())
        .containsExactly(List.of("bomb", 1L), List.of("kafka", 4L), List.of("proof", 1L));
  }

  @Test
  void unknownColumnsAreTheUsersMistake() {
    assertThatThrownBy(() -> service.sql("SELECT nope FROM word_counts"))
        .isInstanceOf(QueryRejectedException.class)
        .hasMessageContaining("nope");
  }
}
