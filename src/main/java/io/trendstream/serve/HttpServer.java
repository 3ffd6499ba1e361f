package io.trendstream.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;
import io.javalin.http.sse.SseClient;
import io.javalin.http.staticfiles.Location;
import io.javalin.json.JavalinJackson;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.trendstream.serve.QueryService.QueryRejectedException;
import io.trendstream.serve.QueryService.TableResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API and the dashboard, over one {@link QueryService}. Input: HTTP requests on
 * {@code host:port}. Output: JSON, Server-Sent Events and the static page.
 *
 * <ul>
 *   <li>{@code GET /api/sql?q=SELECT...} -> {@code {"columns":[..],"rows":[[..]],"truncated":b}};
 *       400 {@code {"error":msg}} for a rejected, failed or missing query, 503 when the store
 *       cannot answer now, 500 with a one-line message for anything else.
 *   <li>{@code GET /api/queries} -> one object per streaming query (see {@link DashboardData}).
 *   <li>{@code GET /metrics} -> the registry's metrics in the Prometheus text format, when the
 *       server was given one (docs/operations.md lists them).
 *   <li>{@code GET /api/health} -> {@code {"status":"ok","startedAt":..,"uptimeSeconds":..}}.
 *   <li>{@code GET /api/snapshot?top=10&stopwords=hide&hashtags=all} -> everything the page
 *       shows; {@code GET /api/events} (same parameters) pushes it as SSE event {@code snapshot}
 *       once a second.
 *   <li>{@code GET /} the dashboard; {@code /vendor/echarts.min.js} comes from the ECharts WebJar.
 * </ul>
 *
 * <p>With a token configured, every request needs {@code Authorization: Bearer <token>}; a
 * browser, which cannot set that header on a page load or an EventSource, may instead open
 * {@code /?access_token=<token>} once (RFC 6750 query form), which sets an HttpOnly cookie.
 */
public final class HttpServer implements AutoCloseable {
  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8080;
  /** Snapshots are pushed at most this often, whatever the number of open pages. */
  public static final Duration PUSH_INTERVAL = Duration.ofSeconds(1);
  /** EventSource's reconnect delay after the server goes away (a pipeline restart). */
  static final long SSE_RETRY_MS = 2000;
  static final String TOKEN_COOKIE = "trendstream_token";
  static final String TOKEN_PARAM = "access_token";
  static final String VENDOR_ECHARTS = "/vendor/echarts.min.js";
  /** The dashboard's index walks take milliseconds; the timeout is 30 s. */
  static final double[] SQL_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private final QueryService service;
  private final String host;
  private final int requestedPort;
  private final byte[] token;
  private final ObjectMapper json = new ObjectMapper();
  private final DashboardData dashboard;
  private final Map<SseClient, DashboardData.View> clients = new ConcurrentHashMap<>();
  private final AtomicReference<Instant> startedAt = new AtomicReference<>();
  /** Null: no /metrics. */
  private final PrometheusRegistry metrics;
  private final Histogram sqlRequests;
  private final PrometheusTextFormatWriter metricsFormat = PrometheusTextFormatWriter.create();
  private Javalin app;
  private ScheduledExecutorService pusher;

  /** A server without a token. */
  public HttpServer(QueryService service, String host, int port) {
    this(service, host, port, null);
  }

  /**
   * @param host the address to bind, {@link #DEFAULT_HOST} unless the user asks otherwise
   * @param port 0 picks a free port; {@link #port()} tells which
   * @param token null or empty for none
   */
  public HttpServer(QueryService service, String host, int port, String token) {
    this(service, host, port, token, null);
  }

  /**
   * @param metrics served at {@code GET /metrics} in the Prometheus text format, with this
   *     server's own SQL request metrics added; null for no {@code /metrics}
   */
  public HttpServer(QueryService service, String host, int port, String token,
      PrometheusRegistry metrics) {
    this.metrics = metrics;
    this.sqlRequests = metrics == null ? null : Histogram.builder()
        .name("trendstream_sql_request_duration_seconds")
        .help("Time to answer GET /api/sql, by HTTP status")
        .labelNames("status")
        .classicOnly()
        .classicUpperBounds(SQL_BUCKETS)
        .register(metrics);
    this.service = service;
    this.host = host == null ? DEFAULT_HOST : host;
    this.requestedPort = port;
    this.token = token == null || token.isEmpty()
        ? null
        : token.getBytes(StandardCharsets.UTF_8);
    this.dashboard = new DashboardData(service);
  }

  /** Binds and serves; throws {@link IllegalStateException} with a one-line reason if not. */
  public synchronized HttpServer start() {
    if (app != null) {
      throw new IllegalStateException("HTTP server already started");
    }
    byte[] echarts = loadEcharts();
    Javalin javalin = Javalin.create(config -> {
      config.showJavalinBanner = false;
      config.startupWatcherEnabled = false;
      config.jsonMapper(new JavalinJackson(json, false));
      config.staticFiles.add(files -> {
        files.hostedPath = "/";
        files.directory = "/web";
        files.location = Location.CLASSPATH;
        // The page is small and changes with the jar: always revalidate.
        files.headers = Map.of("Cache-Control", "no-cache");
      });
    });
    javalin.before(this::authorize);
    // Bad view parameters get a 400 before the event stream starts.
    javalin.before("/api/events", ctx -> view(ctx));
    javalin.get("/api/sql", this::sql);
    if (metrics != null) {
      javalin.get("/metrics", this::metrics);
    }
    javalin.get("/api/queries", ctx -> ctx.json(Json.queries(service.queries())));
    javalin.get("/api/health", ctx -> ctx.json(health()));
    javalin.get("/api/snapshot", ctx -> ctx.json(snapshot(view(ctx))));
    javalin.sse("/api/events", this::subscribe);
    javalin.get(VENDOR_ECHARTS, ctx -> ctx
        .header("Cache-Control", "max-age=86400")
        .contentType("text/javascript; charset=utf-8")
        .result(echarts));
    javalin.exception(HttpResponseException.class,
        (e, ctx) -> error(ctx, e.getStatus(), e.getMessage()));
    javalin.exception(IllegalArgumentException.class, (e, ctx) -> error(ctx, 400, e.getMessage()));
    javalin.exception(Exception.class, (e, ctx) -> {
      LOG.warn("{} {} failed", ctx.method(), ctx.path(), e);
      error(ctx, 500, oneLine(e));
    });
    try {
      javalin.start(host, requestedPort);
    } catch (RuntimeException e) {
      javalin.stop();
      throw new IllegalStateException(
          "cannot serve HTTP on " + host + ":" + requestedPort + ": " + oneLine(rootCause(e)), e);
    }
    app = javalin;
    startedAt.set(Instant.now());
    pusher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "trendstream-sse");
      t.setDaemon(true);
      return t;
    });
    // Fixed delay, not rate: a slow query pushes later instead of piling up work.
    pusher.scheduleWithFixedDelay(
        this::push, PUSH_INTERVAL.toMillis(), PUSH_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("Dashboard and SQL API on {}", url());
    return this;
  }

  /** The bound port (the free one chosen when constructed with port 0). */
  public synchronized int port() {
    if (app == null) {
      throw new IllegalStateException("HTTP server not started");
    }
    return app.port();
  }

  /** {@code http://host:port/}, for log lines and tests. */
  public String url() {
    return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/";
  }

  public synchronized void stop() {
    if (pusher != null) {
      pusher.shutdownNow();
      pusher = null;
    }
    for (SseClient client : clients.keySet()) {
      client.close();
    }
    clients.clear();
    if (app != null) {
      app.stop();
      app = null;
    }
  }

  @Override
  public void close() {
    stop();
  }

  private void authorize(Context ctx) {
    if (token == null) {
      return;
    }
    String header = ctx.header("Authorization");
    if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        && matches(header.substring(7).trim())) {
      return;
    }
    if (matches(ctx.cookie(TOKEN_COOKIE))) {
      return;
    }
    String param = ctx.queryParam(TOKEN_PARAM);
    if (matches(param)) {
      Cookie cookie = new Cookie(TOKEN_COOKIE, param);
      cookie.setHttpOnly(true);
      cookie.setSameSite(SameSite.STRICT);
      cookie.setPath("/");
      ctx.cookie(cookie);
      return;
    }
    ctx.header("WWW-Authenticate", "Bearer realm=\"trendstream\"");
    ctx.skipRemainingHandlers();
    error(ctx, 401, header == null && param == null
        ? "this server needs a token: send Authorization: Bearer <token>"
        : "wrong token");
  }

  private boolean matches(String candidate) {
    return candidate != null
        && MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
  }

  private void metrics(Context ctx) throws IOException {
    ctx.contentType(metricsFormat.getContentType());
    metricsFormat.write(ctx.res().getOutputStream(), metrics.scrape());
  }

  private void sql(Context ctx) {
    if (sqlRequests == null) {
      answerSql(ctx);
      return;
    }
    long start = System.nanoTime();
    int status = 500;
    try {
      answerSql(ctx);
      status = ctx.statusCode();
    } catch (IllegalArgumentException e) {
      status = 400;  // as the exception handler answers it
      throw e;
    } finally {
      sqlRequests.labelValues(Integer.toString(status))
          .observe((System.nanoTime() - start) / 1e9);
    }
  }

  private void answerSql(Context ctx) {
    String q = ctx.queryParam("q");
    if (q == null || q.isBlank()) {
      error(ctx, 400, "missing query: pass q=SELECT ...");
      return;
    }
    try {
      TableResult result = service.sql(q);
      ctx.json(Json.table(result));
    } catch (QueryRejectedException e) {
      error(ctx, 400, e.getMessage());
    } catch (QueryService.StoreBusyException e) {
      error(ctx, 503, e.getMessage());
    }
  }

  private static DashboardData.View view(Context ctx) {
    return DashboardData.View.parse(
        ctx.queryParam("top"), ctx.queryParam("stopwords"), ctx.queryParam("hashtags"));
  }

  private Map<String, Object> health() {
    Map<String, Object> health = new LinkedHashMap<>();
    Instant started = startedAt.get();
    health.put("status", "ok");
    health.put("startedAt", started == null ? null : started.toString());
    health.put("uptimeSeconds",
        started == null ? 0 : Duration.between(started, Instant.now()).toSeconds());
    health.put("now", Instant.now().toString());
    return health;
  }

  private Map<String, Object> snapshot(DashboardData.View view) {
    Map<String, Object> snapshot = new LinkedHashMap<>();
    snapshot.put("health", health());
    snapshot.putAll(dashboard.snapshot(view));
    return snapshot;
  }

  private void subscribe(SseClient client) {
    DashboardData.View view = view(client.ctx());
    client.keepAlive();
    client.onClose(() -> clients.remove(client));
    sendRetry(client);
    send(client, encode(snapshot(view)));
    // Registered only after the first send so the pusher never writes to it concurrently.
    clients.put(client, view);
  }

  /** One snapshot per distinct view, shared by the pages that asked for it. */
  private void push() {
    try {
      Map<DashboardData.View, String> encoded = new LinkedHashMap<>();
      for (Map.Entry<SseClient, DashboardData.View> entry : clients.entrySet()) {
        String data = encoded.computeIfAbsent(entry.getValue(), v -> encode(snapshot(v)));
        send(entry.getKey(), data);
      }
    } catch (RuntimeException e) {
      // Keep the pusher alive: one bad tick must not end the page's updates.
      LOG.warn("Dashboard snapshot failed", e);
    }
  }

  private void send(SseClient client, String data) {
    if (client.terminated()) {
      clients.remove(client);
      return;
    }
    client.sendEvent("snapshot", data);
  }

  /** Javalin's emitter has no retry field; EventSource reads the raw line all the same. */
  private void sendRetry(SseClient client) {
    try {
      var out = client.ctx().res().getOutputStream();
      out.write(("retry: " + SSE_RETRY_MS + "\n\n").getBytes(StandardCharsets.UTF_8));
      client.ctx().res().flushBuffer();
    } catch (IOException e) {
      client.close();
    }
  }

  private String encode(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void error(Context ctx, int status, String message) {
    ctx.status(HttpStatus.forStatus(status)).json(Map.of("error", message == null ? "" : message));
  }

  /** The first line of a throwable's message, prefixed with its type when that helps. */
  static String oneLine(Throwable e) {
    String message = e.getMessage();
    String first = message == null ? "" : message.strip().lines().findFirst().orElse("");
    return first.isEmpty() ? e.getClass().getSimpleName() : first;
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    Set<Throwable> seen = new java.util.HashSet<>();
    while (cause.getCause() != null && seen.add(cause)) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** The ECharts build from its WebJar, found through the WebJar's own version file. */
  static byte[] loadEcharts() {
    ClassLoader loader = HttpServer.class.getClassLoader();
    String version;
    try (InputStream in = loader.getResourceAsStream(
        "META-INF/maven/org.webjars.npm/echarts/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("ECharts WebJar missing from the classpath");
      }
      Properties props = new Properties();
      props.load(in);
      version = props.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String path = "META-INF/resources/webjars/echarts/" + version + "/dist/echarts.min.js";
    try (InputStream in = loader.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("ECharts WebJar has no " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** For tests: the pages currently subscribed to pushes. */
  int subscribers() {
    return clients.size();
  }
}
