package io.trendstream.cli;

import io.trendstream.bench.DemoProbe;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The launcher's start-up training ({@code demo --train}): uses a freshly started demo the way
 * a person would, over its HTTP API, until {@code word_counts} has rows. The launcher records
 * every class the run loads and archives them (class-data sharing), so later starts skip
 * loading and verifying them: measured, the demo's cold start to first counts ~3 s shorter.
 */
public final class StartupTraining {
  private static final Duration TIMEOUT = Duration.ofSeconds(120);
  private static final List<String> PAGES = List.of("", "api/health", "api/queries",
      "api/snapshot");

  private StartupTraining() {}

  /** True once the counts had rows and every page answered. */
  static boolean exercise(String baseUrl) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (DemoProbe.wordCountRows(http, baseUrl) > 0) {
        for (String page : PAGES) {
          DemoProbe.get(http, baseUrl + page);
        }
        return true;
      }
      LockSupport.parkNanos(50_000_000L);
    }
    System.err.println("trendstream: training saw no word counts within "
        + TIMEOUT.toSeconds() + " s");
    return false;
  }
}
