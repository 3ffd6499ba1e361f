package io.trendstream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.serve.FixedQueryService;
import io.trendstream.serve.HttpServer;
import io.trendstream.serve.QueryService.TableResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code trendstream sql} against a real {@link HttpServer} with fixed tables behind it. */
class SqlCommandTest {
  private static FixedQueryService service;
  private static HttpServer server;

  @BeforeAll
  static void start() {
    service = FixedQueryService.demo()
        .table("FROM mixed", new TableResult(List.of("id", "text", "lang", "score"), List.of(
            Arrays.asList(1234567890123456789L, "line one\nline two", null, 1.5),
            Arrays.asList(7L, "ünïcode ✓", "en", -20.25)), true));
    server = new HttpServer(service, HttpServer.DEFAULT_HOST, 0).start();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  /** Runs {@code trendstream <args>} through Main's handlers; returns exit code, out, err. */
  private static Run run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  private record Run(int code, String out, String err) {}

  private static String port() {
    return String.valueOf(server.port());
  }

  @Test
  void printsAnAlignedTableAndTheRowCount() {
    Run run = run("sql", "--http-port", port(), "SELECT word, count FROM word_counts");

    assertThat(run.err()).isEmpty();
    assertThat(run.code()).isZero();
    assertThat(run.out()).isEqualTo(String.join("\n",
        "word      | count",
        "----------+------",
        "the       |   300",
        "spark     |   120",
        "streaming |    95",
        "#kafka    |    40",
        "(4 rows)",
        ""));
  }

  @Test
  void unquotedWordsAreOneStatement() {
    Run run = run("sql", "--http-port", port(), "--http-host", "127.0.0.1",
        "SELECT", "word,", "count", "FROM", "word_counts", "LIMIT", "1");

    assertThat(run.code()).isZero();
    assertThat(run.out()).endsWith("(1 row)\n");
    assertThat(service.seen()).contains("SELECT word, count FROM word_counts LIMIT 1");
  }

  @Test
  void nullsNewlinesBigNumbersAndTruncation() {
    Run run = run("sql", "--http-port", port(), "SELECT * FROM mixed");

    assertThat(run.code()).isZero();
    assertThat(run.out()).isEqualTo(String.join("\n",
        "id                  | text              | lang | score",
        "--------------------+-------------------+------+-------",
        "1234567890123456789 | line one line two | null |    1.5",
        "                  7 | ünïcode ✓         | en   | -20.25",
        "(2 rows, truncated by the server)",
        ""));
  }

  @Test
  void rejectedStatementIsOneLineAndExit1() {
    Run run = run("sql", "--http-port", port(), "SELECT * FROM " + FixedQueryService.REJECTED);

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("trendstream: " + FixedQueryService.REJECTION + "\n");
  }

  @Test
  void serverFailureIsOneLineAndExit1() {
    Run run = run("sql", "--http-port", port(), "SELECT " + FixedQueryService.BROKEN);

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("trendstream: server error (HTTP 500): executor lost\n");
  }

  @Test
  void noServerIsOneLineAndExit1() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Run run = run("sql", "--http-port", String.valueOf(closed), "SELECT 1");

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("trendstream: no Trendstream server at http://127.0.0.1:"
        + closed + " (start `trendstream demo` or `trendstream stream`)\n");
  }

  @Test
  void tokenIsSentWhenGiven() {
    try (HttpServer guarded = new HttpServer(service, "127.0.0.1", 0, "t0k").start()) {
      String p = String.valueOf(guarded.port());

      Run without = run("sql", "--http-port", p, "SELECT word FROM word_counts");
      assertThat(without.code()).isEqualTo(1);
      assertThat(without.err()).isEqualTo("trendstream: the server at http://127.0.0.1:" + p
          + " needs a token: pass --http-token\n");

      Run wrong = run("sql", "--http-port", p, "--http-token", "nope", "SELECT 1");
      assertThat(wrong.code()).isEqualTo(1);
      assertThat(wrong.err()).contains("rejected the token");

      Run right = run("sql", "--http-port", p, "--http-token", "t0k",
          "SELECT word FROM word_counts");
      assertThat(right.code()).isZero();
      assertThat(right.out()).endsWith("(4 rows)\n");
    }
  }

  @Test
  void badFlagsAreExit2() {
    assertThat(run("sql", "--http-port", "70000", "SELECT 1").code()).isEqualTo(2);
    assertThat(run("sql", "--http-port", "abc", "SELECT 1").code()).isEqualTo(2);
    Run missing = run("sql");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("SELECT");
  }
}
