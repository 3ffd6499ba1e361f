package io.trendstream.serve;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.testing.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.support.ui.Select;

/**
 * The dashboard in headless Chromium against {@link HttpServer} with known tables behind it
 * ({@link FixedQueryService#showcase()}): charts show the expected data, the SQL box answers
 * and shows errors inline, the watched terms' ticker appears with the first alert, and the page
 * survives a server restart. Leaves
 * {@code target/screenshots/dashboard.png}.
 */
@IntegrationTest
class DashboardBrowserTest {
  @TempDir
  static Path profile;

  private static HttpServer server;
  private static Browser browser;

  @BeforeAll
  static void start() {
    Browser.assumeAvailable();
    server = new HttpServer(FixedQueryService.showcase(), HttpServer.DEFAULT_HOST, 0).start();
    browser = Browser.start(profile);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.close();
    }
    if (server != null) {
      server.stop();
    }
  }

  @BeforeEach
  void freshPage() {
    // The page remembers its controls in localStorage: each test starts from the defaults.
    browser.open(server.url());
    browser.script("localStorage.clear();");
    browser.open(server.url());
    browser.awaitAttribute("body", "data-connection", "live");
  }

  @Test
  void topWordsChartShowsTheTopWordWithStopWordsHidden() {
    browser.awaitAttribute("#top-words-card", "data-top-word", "spark");

    assertThat(browser.texts("#top-words-table tbody tr td:first-child"))
        .hasSize(10).startsWith("spark", "streaming", "#kafka").doesNotContain("the");
    assertThat(browser.text("#top-words-table tbody tr td:nth-child(2)")).isEqualTo("3954");
    assertThat(browser.script("return typeof echarts")).as("ECharts loaded").isEqualTo("object");
    assertThat(browser.driver().findElements(
        org.openqa.selenium.By.cssSelector("#top-words-chart canvas"))).isNotEmpty();
  }

  @Test
  void controlsChangeTheTopWords() {
    browser.awaitAttribute("#top-words-card", "data-top-word", "spark");

    browser.find("#hide-stop").click();
    browser.awaitAttribute("#top-words-card", "data-top-word", "the");

    browser.find("#hashtags-only").click();
    browser.awaitAttribute("#top-words-card", "data-top-word", "#kafka");
    assertThat(browser.texts("#top-words-table tbody tr td:first-child"))
        .containsExactly("#kafka", "#bigdata", "#java");

    browser.find("#hashtags-only").click();
    new Select(browser.find("#top-n")).selectByVisibleText("20");
    browser.awaitAttribute("#top-words-card", "data-words", "20");
  }

  @Test
  void headerTrendsAndLanguagesShowTheirData() {
    browser.awaitAttribute("#trends-card", "data-words",
        "#kafka,spark,streaming,data,pipeline");
    browser.await("three query cards", () -> browser.texts(".query .query-name").size() == 3);

    assertThat(browser.texts(".query .query-name"))
        .containsExactly("tweets", "word_counts", "windowed_word_counts");
    assertThat(browser.texts(".query .badge")).containsOnly("ACTIVE");
    assertThat(browser.text("#connection")).isEqualTo("Live");
    assertThat(browser.text("#total-posts")).isEqualTo("9,590");
    assertThat(browser.texts("#languages-table tbody tr td:first-child"))
        .containsExactly("en", "es", "pt", "ja", "fr", "de", "und", "other");
    assertThat(browser.texts("#throughput-table tbody tr")).hasSize(20);
    assertThat(browser.visible("#banner")).isFalse();
  }

  @Test
  void trendingNowShowsRisingWordsWithScoreAndHistory() {
    browser.awaitAttribute("#trending-card", "data-words", "#kafka,#bigdata,latency");
    assertThat(browser.texts("#trending-table tbody tr:first-child td"))
        .startsWith("#kafka", "14.3", "1,097", "310.4");
    assertThat(browser.driver().findElements(org.openqa.selenium.By.cssSelector(
        "#trending-table tbody tr svg.spark polyline"))).hasSize(3);
    assertThat(browser.script("return document.querySelector('#trending-table tbody svg')"
        + ".getAttribute('aria-label')")).asString().startsWith("counts 107, 136");
  }

  @Test
  void sqlBoxShowsRowsAndAChart() throws Exception {
    browser.awaitAttribute("#top-words-card", "data-top-word", "spark");
    runSql("SELECT word, count FROM word_counts ORDER BY count DESC LIMIT 8");

    browser.await("8 result rows", () -> browser.texts("#sql-table tbody tr").size() == 8);
    assertThat(browser.texts("#sql-table thead th")).containsExactly("word", "count");
    assertThat(browser.texts("#sql-table tbody tr:first-child td")).containsExactly("the", "9120");
    assertThat(browser.text("#sql-status")).isEqualTo("8 rows");
    assertThat(browser.visible("#sql-chart")).as("label + number gives a bar chart").isTrue();
    assertThat(browser.visible("#sql-error")).isFalse();

    browser.fitPage(1440);
    Path shot = browser.screenshot("dashboard");
    assertThat(Files.size(shot)).isGreaterThan(10_000);  }

  @Test
  void invalidSqlShowsAnInlineError() {
    browser.awaitAttribute("#top-words-card", "data-top-word", "spark");
    runSql("SELECT * FROM " + FixedQueryService.REJECTED);

    browser.await("inline error", () -> browser.visible("#sql-error"));
    assertThat(browser.text("#sql-error")).isEqualTo(FixedQueryService.REJECTION);
    assertThat(browser.visible("#sql-table-wrap")).isFalse();
    // The rest of the page is untouched.
    assertThat(browser.attribute("#top-words-card", "data-top-word")).isEqualTo("spark");
    assertThat(browser.text("#connection")).isEqualTo("Live");
  }

  @Test
  void tickerAppearsWithTheFirstAlertAndShowsTheNewestFirst(@TempDir Path otherProfile) {
    List<Map<String, Object>> alerts = new CopyOnWriteArrayList<>();
    AlertFeed feed = n -> {
      List<Map<String, Object>> newest = new ArrayList<>(alerts);
      Collections.reverse(newest);
      return newest.subList(0, Math.min(n, newest.size()));
    };
    try (HttpServer withAlerts = new HttpServer(FixedQueryService.showcase(),
            HttpServer.DEFAULT_HOST, 0).alerts(feed).start();
        Browser own = Browser.start(otherProfile)) {
      own.open(withAlerts.url());
      own.awaitAttribute("body", "data-connection", "live");
      assertThat(own.visible("#alerts-card")).as("hidden before any alert").isFalse();

      alerts.add(alert("1", "#kafka", "first <b>post</b> about #kafka"));
      own.await("ticker shown", () -> own.visible("#alerts-card"));
      alerts.add(alert("2", "spark", "then spark"));
      own.await("two alerts", () -> own.texts("#alerts-list li").size() == 2);
      assertThat(own.texts("#alerts-list li .alert-terms")).containsExactly("spark", "#kafka");
      // Post text is shown as text, never as markup.
      assertThat(own.texts("#alerts-list li .alert-text"))
          .containsExactly("then spark", "first <b>post</b> about #kafka");
      assertThat(own.text("#alerts-count")).isEqualTo("newest 2");
    }
  }

  private static Map<String, Object> alert(String id, String term, String text) {
    return Map.of("id_str", id, "terms", List.of(term), "text", text,
        "alerted_at", "2026-12-01T10:00:0" + id + ".123Z");
  }

  @Test
  void pageSaysDisconnectedAndRecoversAcrossARestart(@TempDir Path otherProfile) {
    FixedQueryService service = FixedQueryService.showcase();
    HttpServer first = new HttpServer(service, HttpServer.DEFAULT_HOST, 0).start();
    int port = first.port();
    try (Browser own = Browser.start(otherProfile)) {
      own.open(first.url());
      own.awaitAttribute("body", "data-connection", "live");
      own.awaitAttribute("#top-words-card", "data-top-word", "spark");

      first.stop();
      own.awaitAttribute("body", "data-connection", "down");
      assertThat(own.visible("#banner")).isTrue();
      assertThat(own.text("#banner")).contains("Disconnected").contains("reconnecting");
      assertThat(own.text("#connection")).isEqualTo("Disconnected");
      own.screenshot("dashboard-disconnected");

      HttpServer second = new HttpServer(service, HttpServer.DEFAULT_HOST, port).start();
      try {
        own.awaitAttribute("body", "data-connection", "live");
        assertThat(own.visible("#banner")).isFalse();
        int before = Integer.parseInt(own.attribute("body", "data-snapshots"));
        own.await("snapshots flow again",
            () -> Integer.parseInt(own.attribute("body", "data-snapshots")) > before);
      } finally {
        second.stop();
      }
    }
  }

  private static void runSql(String sql) {
    var input = browser.find("#sql-input");
    input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
    input.sendKeys(sql);
    browser.find("#sql-run").click();
  }
}
