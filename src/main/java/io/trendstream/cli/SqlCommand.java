package io.trendstream.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trendstream.common.UserError;
import io.trendstream.serve.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code trendstream sql "SELECT ..."}: runs one SELECT on a running Trendstream server
 * ({@code trendstream demo} or {@code trendstream stream}) through {@code GET /api/sql}. Input:
 * the statement (words are joined with spaces, so quoting is optional). Output on stdout: an
 * aligned text table and a row count; a rejected statement or a missing server is one line on
 * stderr and exit code 1.
 */
@Command(
    name = "sql",
    mixinStandardHelpOptions = true,
    description = "Run a SELECT on a running Trendstream server and print the result as a table.")
public final class SqlCommand implements Callable<Integer> {
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Generous: a query over a large table on a busy 2-core machine can take a while. */
  static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);

  @Spec
  CommandSpec spec;

  @Option(names = "--http-host", paramLabel = "HOST",
      description = "Server address (default: ${DEFAULT-VALUE}).")
  String host = HttpServer.DEFAULT_HOST;

  @Option(names = "--http-port", paramLabel = "PORT",
      description = "Server port (default: ${DEFAULT-VALUE}).")
  int port = HttpServer.DEFAULT_PORT;

  @Option(names = "--http-token", paramLabel = "TOKEN",
      description = "Bearer token, when the server was started with one.")
  String token;

  @Parameters(arity = "1..*", paramLabel = "SELECT", description = "The statement to run.")
  List<String> words;

  private final ObjectMapper json = new ObjectMapper();

  @Override
  public Integer call() {
    if (port < 1 || port > 65535) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--http-port must be between 1 and 65535: " + port);
    }
    String base = "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    String sql = String.join(" ", words).strip();
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/sql?q="
            + URLEncoder.encode(sql, StandardCharsets.UTF_8)))
        .timeout(REQUEST_TIMEOUT)
        .header("Accept", "application/json");
    if (token != null && !token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = send(base, request.build());
    JsonNode body = parse(base, response);
    switch (response.statusCode()) {
      case 200:
        print(body, spec.commandLine().getOut());
        return 0;
      case 400:
        throw new UserError(error(body));
      case 401:
        throw new UserError(token == null
            ? "the server at " + base + " needs a token: pass --http-token"
            : "the server at " + base + " rejected the token");
      default:
        throw new UserError("server error (HTTP " + response.statusCode() + "): " + error(body));
    }
  }

  private HttpResponse<String> send(String base, HttpRequest request) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw noServer(base);
    } catch (HttpTimeoutException e) {
      throw new UserError("no answer from " + base + " within "
          + REQUEST_TIMEOUT.toSeconds() + " s");
    } catch (IOException e) {
      // The JDK client wraps some refusals (e.g. a reset while connecting) in plain IOException.
      if (e.getCause() instanceof ConnectException) {
        throw noServer(base);
      }
      throw new UserError("cannot talk to " + base + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserError("interrupted");
    }
  }

  private static UserError noServer(String base) {
    return new UserError("no Trendstream server at " + base
        + " (start `trendstream demo` or `trendstream stream`)");
  }

  private JsonNode parse(String base, HttpResponse<String> response) {
    try {
      JsonNode body = json.readTree(response.body());
      if (body != null && body.isObject()) {
        return body;
      }
    } catch (JsonProcessingException e) {
      // Falls through: something else answers on that port.
    }
    throw new UserError("unexpected answer from " + base + " (HTTP " + response.statusCode()
        + "): is it a Trendstream server?");
  }

  private static String error(JsonNode body) {
    JsonNode error = body.get("error");
    return error == null ? body.toString() : error.asText();
  }

  /** The result as an aligned table followed by {@code (N rows)}. */
  static void print(JsonNode result, PrintWriter out) {
    List<String> columns = new ArrayList<>();
    result.path("columns").forEach(c -> columns.add(c.asText()));
    List<List<JsonNode>> rows = new ArrayList<>();
    for (JsonNode row : result.path("rows")) {
      List<JsonNode> cells = new ArrayList<>();
      row.forEach(cells::add);
      rows.add(cells);
    }
    out.print(table(columns, rows));
    int n = rows.size();
    out.println("(" + n + (n == 1 ? " row" : " rows")
        + (result.path("truncated").asBoolean() ? ", truncated by the server" : "") + ")");
    out.flush();
  }

  /** psql-style: {@code a | b} header, dashes, numbers right-aligned, null as {@code null}. */
  static String table(List<String> columns, List<List<JsonNode>> rows) {
    int[] width = new int[columns.size()];
    boolean[] numeric = new boolean[columns.size()];
    for (int c = 0; c < columns.size(); c++) {
      width[c] = columns.get(c).codePointCount(0, columns.get(c).length());
      numeric[c] = !rows.isEmpty();
    }
    List<List<String>> cells = new ArrayList<>();
    for (List<JsonNode> row : rows) {
      List<String> line = new ArrayList<>();
      for (int c = 0; c < columns.size(); c++) {
        JsonNode v = c < row.size() ? row.get(c) : null;
        String text = cell(v);
        if (v != null && !v.isNull() && !v.isNumber()) {
          numeric[c] = false;
        }
        width[c] = Math.max(width[c], text.codePointCount(0, text.length()));
        line.add(text);
      }
      cells.add(line);
    }
    StringBuilder out = new StringBuilder();
    List<String> header = new ArrayList<>();
    List<String> rule = new ArrayList<>();
    for (int c = 0; c < columns.size(); c++) {
      header.add(pad(columns.get(c), width[c], false));
      rule.add("-".repeat(width[c]));
    }
    out.append(String.join(" | ", header).stripTrailing()).append('\n');
    out.append(String.join("-+-", rule)).append('\n');
    for (List<String> line : cells) {
      List<String> padded = new ArrayList<>();
      for (int c = 0; c < line.size(); c++) {
        padded.add(pad(line.get(c), width[c], numeric[c]));
      }
      out.append(String.join(" | ", padded).stripTrailing()).append('\n');
    }
    return out.toString();
  }

  /** One line per row: control characters (newlines in post text) shown as a space. */
  private static String cell(JsonNode v) {
    if (v == null || v.isNull()) {
      return "null";
    }
    String text = v.isValueNode() ? v.asText() : v.toString();
    return text.replaceAll("\\p{Cntrl}", " ");
  }

  private static String pad(String text, int width, boolean right) {
    String space = " ".repeat(Math.max(0, width - text.codePointCount(0, text.length())));
    return right ? space + text : text + space;
  }
}
