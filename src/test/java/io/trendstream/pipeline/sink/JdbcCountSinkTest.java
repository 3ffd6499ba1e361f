package io.trendstream.pipeline.sink;

import static io.trendstream.pipeline.sink.SinkTesting.jdbcWindowedCounts;
import static io.trendstream.pipeline.sink.SinkTesting.jdbcWordCounts;
import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.pipeline.StoreSink;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.post.Post;
import io.trendstream.store.LiveStore;
import io.trendstream.store.StoreTables;
import io.trendstream.store.StoreUnavailableException;
import io.trendstream.testing.BrokerExtension;
import io.trendstream.testing.ExpectedCounts;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.TestStore;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --sink jdbc:postgresql:…} against a real PostgreSQL ({@link TestStore}) and the real
 * embedded broker, through the store's batch writes it now shares: exact counts, a replayed
 * batch that changes nothing, a fresh checkpoint that starts the tables over, every window kept,
 * the tables created idempotently, and one-line errors for an unreachable server. Each test has
 * its own database.
 */
@IntegrationTest
class JdbcCountSinkTest {
  private static final Instant START = Instant.parse("2026-11-24T10:00:00Z");
  /** Spark's local property that tells a foreachBatch function which query runs it. */
  private static final String QUERY_ID = "sql.streaming.queryId";
  private static final StructType WORDS = new StructType()
      .add("word", DataTypes.StringType)
      .add("count", DataTypes.LongType);

  @RegisterExtension static final BrokerExtension kafka = new BrokerExtension().partitions(2);
  @TempDir Path dir;
  /** The sinks a test opened, closed after it as the job closes its own. */
  private final List<JdbcCountSink> sinks = new ArrayList<>();

  @AfterEach
  void closeSinks() {
    sinks.forEach(JdbcCountSink::close);
  }

  private JdbcCountSink sink(String url) {
    JdbcCountSink sink = new JdbcCountSink(url);
    sinks.add(sink);
    return sink;
  }

  /** A fresh database's JDBC URL, as a user writes it. */
  private static String newDatabase(String name) {
    return TestStore.freshDatabase("jdbc_sink_" + name).writer();
  }

  @Test
  void countsAreExactAndAReplayedBatchChangesNothing() throws Exception {
    String url = newDatabase("counts");
    StreamConfig config = kafka.streamConfig(dir.resolve("data"));
    JdbcCountSink sink = sink(url);
    List<Post> posts = SinkTesting.posts(START.plusSeconds(200), 400);

    SinkTesting.runOverTwoHalves(sink, config, posts);

    assertThat(jdbcWordCounts(url)).isEqualTo(ExpectedCounts.words(posts));
    assertThat(jdbcWindowedCounts(url)).isEqualTo(ExpectedCounts.windowed(posts));
    // Recorded under the table's name, as the store records its own.
    Map<String, Applied> applied = appliedBatches(url);
    assertThat(applied)
        .containsOnlyKeys(StoreTables.WORD_COUNTS, StoreTables.WINDOWED_WORD_COUNTS);

    List<Long> replayed = SinkTesting.replayLastBatch(sink, config,
        JdbcCountSink.WORD_COUNTS_QUERY, JdbcCountSink.WINDOWED_QUERY);
    assertThat(replayed.get(0)).isEqualTo(applied.get(StoreTables.WORD_COUNTS).batchId());

    assertThat(appliedBatches(url)).isEqualTo(applied);
    assertThat(jdbcWordCounts(url)).isEqualTo(ExpectedCounts.words(posts));
    assertThat(jdbcWindowedCounts(url)).isEqualTo(ExpectedCounts.windowed(posts));
  }

  @Test
  void aBatchIdAlreadyAppliedIsSkippedEvenWithOtherRowsAndAFreshCheckpointStartsOver()
      throws Exception {
    String url = newDatabase("replays");
    JdbcCountSink sink = sink(url);
    LiveStore store = sink.prepare();
    Dataset<Row> first = words(RowFactory.create("kafka", 3L),
        RowFactory.create("nul\0word", 1L));
    Dataset<Row> other = words(RowFactory.create("kafka", 99L), RowFactory.create("spark", 5L));

    write(store, "q", StoreTables.WORD_COUNTS, first, 0);
    write(store, "q", StoreTables.WORD_COUNTS, other, 0);
    assertThat(jdbcWordCounts(url)).isEqualTo(Map.of("kafka", 3L, "nul\ufffdword", 1L));
    write(store, "q", StoreTables.WORD_COUNTS, other, 1);
    write(store, "q", StoreTables.WORD_COUNTS, first, 1);
    write(store, "q", StoreTables.WORD_COUNTS, first, 0);
    assertThat(jdbcWordCounts(url))
        .isEqualTo(Map.of("kafka", 99L, "spark", 5L, "nul\ufffdword", 1L));

    // A new checkpoint (another query id) counts from the start: so does the table.
    write(store, "fresh", StoreTables.WORD_COUNTS, other, 0);
    assertThat(jdbcWordCounts(url)).isEqualTo(Map.of("kafka", 99L, "spark", 5L));
  }

  @Test
  void aCheckpointAheadOfAnEmptyDatabaseIsRefusedNamingTheSink() {
    JdbcCountSink sink = sink(newDatabase("lost"));
    LiveStore store = sink.prepare();
    Dataset<Row> rows = words(RowFactory.create("kafka", 3L));
    assertThatThrownBy(() -> write(store, "q", StoreTables.WORD_COUNTS, rows, 5))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("checkpoint is at batch 5")
        .hasMessageContaining("Point --sink at the database");
  }

  @Test
  void everyWindowIsKeptUnlikeInTheServingStore() throws Exception {
    String url = newDatabase("windows");
    JdbcCountSink sink = sink(url);
    StructType schema = new StructType()
        .add("window_start", DataTypes.TimestampType)
        .add("window_end", DataTypes.TimestampType)
        .add("word", DataTypes.StringType)
        .add("count", DataTypes.LongType);
    // A day apart: the store keeps two hours of windows, the sink all of them.
    Instant old = START.minusSeconds(86_400);
    Dataset<Row> windows = spark().createDataFrame(List.of(
        RowFactory.create(old, old.plusSeconds(600), "old", 1L),
        RowFactory.create(START, START.plusSeconds(600), "new",
            2L)), schema);
    write(sink.prepare(), "q", StoreTables.WINDOWED_WORD_COUNTS, windows, 0);
    assertThat(jdbcWindowedCounts(url)).isEqualTo(Map.of(
        old + "/" + old.plusSeconds(600) + "/old", 1L,
        START + "/" + START.plusSeconds(600) + "/new", 2L));
  }

  @Test
  void createsOnlyTheCountTablesWithTheDocumentedKeysAndIsIdempotentAboutIt() throws Exception {
    String url = newDatabase("tables");
    for (int i = 0; i < 2; i++) {
      sink(url).prepare();
    }
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      Set<String> tables = new HashSet<>();
      try (ResultSet rs = s.executeQuery("SELECT table_name FROM information_schema.tables"
          + " WHERE table_schema = 'public'")) {
        while (rs.next()) {
          tables.add(rs.getString(1));
        }
      }
      // No posts table: the sink is a copy of the counts, not a second store.
      assertThat(tables).containsExactlyInAnyOrder(StoreTables.WORD_COUNTS,
          StoreTables.WINDOWED_WORD_COUNTS, StoreTables.BATCHES);
      Map<String, String> keys = new HashMap<>();
      try (ResultSet rs = s.executeQuery("SELECT tc.table_name, kcu.column_name"
          + " FROM information_schema.table_constraints tc"
          + " JOIN information_schema.key_column_usage kcu"
          + " ON tc.constraint_name = kcu.constraint_name"
          + " WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = 'public'"
          + " ORDER BY tc.table_name, kcu.ordinal_position")) {
        while (rs.next()) {
          keys.merge(rs.getString(1), rs.getString(2), (a, b) -> a + "," + b);
        }
      }
      assertThat(keys).isEqualTo(Map.of(
          StoreTables.WORD_COUNTS, "word",
          StoreTables.WINDOWED_WORD_COUNTS, "window_start,window_end,word",
          StoreTables.BATCHES, "query_name"));
    }
  }

  @Test
  void anUnreachableServerIsOneLineWithoutThePassword() {
    JdbcCountSink sink = sink(
        "jdbc:postgresql://127.0.0.1:1/trends?user=u&password=s3cret&connectTimeout=2");
    assertThatThrownBy(sink::prepare)
        .isInstanceOf(SinkUnavailableException.class)
        .hasMessageStartingWith(
            "cannot prepare PostgreSQL tables at jdbc:postgresql://127.0.0.1:1/")
        .hasMessageContaining("password=***")
        // The server's own reason, not a pool's timeout.
        .hasMessageContaining("refused")
        .hasMessageNotContaining("s3cret")
        .hasMessageNotContaining("\n");
  }

  private static Dataset<Row> words(Row... rows) {
    return spark().createDataFrame(List.of(rows), WORDS);
  }

  /**
   * Runs the sink's write of one batch into {@code table} as the query {@code queryId} runs its
   * batch {@code batchId}: Spark tells the function the query id through a local property.
   */
  private static void write(LiveStore store, String queryId, String table, Dataset<Row> batch,
      long batchId) throws Exception {
    SparkContext sc = spark().sparkContext();
    sc.setLocalProperty(QUERY_ID, queryId);
    try {
      StoreSink.batchWriter(store, table, batch).call(batch, batchId);
    } finally {
      sc.setLocalProperty(QUERY_ID, null);
    }
  }

  /** Last applied batch per table, with when it was applied (a re-applied batch moves it). */
  private static Map<String, Applied> appliedBatches(String url) throws SQLException {
    Map<String, Applied> m = new HashMap<>();
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT query_name, batch_id, committed_at FROM "
            + StoreTables.BATCHES)) {
      while (rs.next()) {
        m.put(rs.getString(1), new Applied(rs.getLong(2), rs.getObject(3, OffsetDateTime.class)));
      }
    }
    return m;
  }

  private record Applied(long batchId, OffsetDateTime at) {}
}
