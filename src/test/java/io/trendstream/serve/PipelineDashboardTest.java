package io.trendstream.serve;

import static io.trendstream.testing.SparkTestSupport.spark;
import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.broker.EmbeddedKafkaBroker;
import io.trendstream.pipeline.JobStatus;
import io.trendstream.pipeline.StoreSink;
import io.trendstream.pipeline.StreamConfig;
import io.trendstream.pipeline.StreamingJob;
import io.trendstream.pipeline.sink.DeadLetterSink;
import io.trendstream.post.Post;
import io.trendstream.post.TwitterTime;
import io.trendstream.produce.PostProducer;
import io.trendstream.produce.ProducerSettings;
import io.trendstream.source.PostSource;
import io.trendstream.store.LiveStore;
import io.trendstream.testing.Http;
import io.trendstream.testing.IntegrationTest;
import io.trendstream.testing.SparkTestSupport;
import io.trendstream.testing.TestStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;

/**
 * The dashboard in headless Chromium against the real pipeline: known posts through the
 * embedded broker, the Spark job and the serving store; the page must show their top word and
 * answer SQL typed into its box with their exact counts, and its panels' filters must work on
 * the store's real tables.
 */
@IntegrationTest
class PipelineDashboardTest {
  private static final Instant T0 = Instant.parse("2026-11-24T12:00:00Z");
  @TempDir static Path dir;
  private static EmbeddedKafkaBroker broker;
  private static StreamingJob job;
  private static HttpServer http;
  private static Browser browser;
  private static LiveStore store;

  @BeforeAll
  static void start() throws Exception {
    Browser.assumeAvailable();
    broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0).start();
    String topic = "dashboard-" + System.nanoTime();
    broker.createTopic(topic, 2, (short) 1);

    // 40 posts: "#kafka" 40 times, "the" 30 (a stop word), "streaming" 20, "spark" 10.
    List<Post> posts = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String text = "#kafka" + (i % 2 == 0 ? " streaming" : "") + (i % 4 == 0 ? " spark" : "")
          + (i % 4 != 0 ? " the" : "");
      posts.add(Post.of(TwitterTime.format(T0.plusSeconds(i * 10)), 1000 + i, text,
          i % 4 == 0 ? "ja" : "en"));
    }
    Iterator<Post> it = posts.iterator();
    PostSource source = new PostSource() {
      @Override
      public Post next() {
        return it.hasNext() ? it.next() : null;
      }

      @Override
      public String describe() {
        return "known posts";
      }
    };
    new PostProducer(new ProducerSettings(broker.bootstrapServers()), source,
        new PostProducer.Options(topic, 0, 0), s -> {}).run();

    StreamConfig config = new StreamConfig();
    config.bootstrapServers = broker.bootstrapServers();
    config.topic = topic;
    config.dataDir = dir.resolve("data");
    config.queryNamePrefix = SparkTestSupport.unique("dash");
    config.sinks.add(new DeadLetterSink(DeadLetterSink.TOPIC));  // as the CLI's job has it
    store = TestStore.fresh("dashboard");
    job = new StreamingJob(spark(), config, StreamingJob.kafka(config), new StoreSink(store));
    job.start();
    StoreQueryService sql = new StoreQueryService(store.readers(), 1000,
        Duration.ofSeconds(30), new JobStatus(job)::queries);
    // The page is tested, not Spark's start-up: wait until the 100 words are counted.
    io.trendstream.testing.Await.until("the pipeline to count the posts", Duration.ofSeconds(180),
        () -> {
          try {
            Object sum = sql.sql("SELECT sum(count) FROM word_counts").rows().get(0).get(0);
            return sum != null && ((Number) sum).longValue() == 100;
          } catch (QueryService.QueryRejectedException e) {
            throw new AssertionError(e);
          }
        });
    http = new HttpServer(sql, "127.0.0.1", 0).start();
    browser = Browser.start(dir.resolve("profile"));
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (http != null) {
      http.stop();
    }
    if (job != null) {
      job.close();
    }
    if (broker != null) {
      broker.stop();
    }
    if (store != null) {
      store.close();
    }
  }

  @Test
  void panelsFilterStopWordsAndHashtagsInTheStoresTables() {
    var hidden = Http.get(http.url() + "api/snapshot");
    assertThat(words(hidden.get("topWords"))).containsExactly("#kafka", "streaming", "spark");
    var shown = Http.get(http.url() + "api/snapshot?stopwords=show");
    assertThat(words(shown.get("topWords"))).containsExactly("#kafka", "the", "streaming",
        "spark");
    var hashtags = Http.get(http.url() + "api/snapshot?hashtags=only");
    assertThat(words(hashtags.get("topWords"))).containsExactly("#kafka");
    // One window-start row per trend word and window; the stop word never trends.
    List<String> trendWords = new ArrayList<>();
    hashtags.get("trends").get("rows").forEach(r -> trendWords.add(r.get(1).asText()));
    assertThat(trendWords).isNotEmpty().containsOnly("#kafka");
    List<String> trendsAll = new ArrayList<>();
    hidden.get("trends").get("rows").forEach(r -> trendsAll.add(r.get(1).asText()));
    assertThat(trendsAll).contains("#kafka", "streaming", "spark").doesNotContain("the");
    assertThat(hidden.get("languages").get("rows").toString())
        .isEqualTo("[[\"en\",30],[\"ja\",10]]");
  }

  private static List<String> words(com.fasterxml.jackson.databind.JsonNode panel) {
    assertThat(panel.has("error")).as("panel error: %s", panel).isFalse();
    List<String> words = new ArrayList<>();
    panel.get("rows").forEach(r -> words.add(r.get(0).asText()));
    return words;
  }

  @Test
  void pageShowsTheTopWordAndAnswersSqlFromTheLivePipeline() throws Exception {
    browser.open(http.url());
    browser.awaitAttribute("body", "data-connection", "live");
    browser.awaitAttribute("#top-words-card", "data-top-word", "#kafka");
    assertThat(browser.texts("#top-words-table tbody tr td:first-child"))
        .startsWith("#kafka", "streaming", "spark");

    var input = browser.find("#sql-input");
    input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    input.sendKeys("SELECT word, count FROM word_counts ORDER BY count DESC");
    browser.find("#sql-run").click();
    browser.await("4 result rows", () -> browser.texts("#sql-table tbody tr").size() == 4);
    assertThat(browser.texts("#sql-table tbody tr:first-child td")).containsExactly("#kafka", "40");
    assertThat(browser.texts("#sql-table tbody tr:nth-child(4) td")).containsExactly("spark", "10");

    int queries = job.queries().size();  // the three live tables and the dead letters
    browser.await(queries + " query cards",
        () -> browser.texts(".query .query-name").size() == queries);
    browser.fitPage(1440);
    Path shot = browser.screenshot("dashboard-pipeline");
    assertThat(Files.size(shot)).isGreaterThan(10_000);
  }
}
