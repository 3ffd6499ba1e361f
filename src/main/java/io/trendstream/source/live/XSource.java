package io.trendstream.source.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.common.UserError;
import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * {@code --source x}: X API v2 recent search, polled. Input: {@code GET
 * BASE/2/tweets/search/recent?query=Q&tweet.fields=created_at,lang,public_metrics&max_results=100}
 * with the bearer token from {@code X_BEARER_TOKEN}, every {@code --interval}. Output: posts
 * mapped by {@link XJson}, oldest first, each once: {@code since_id} (the newest id seen so far)
 * limits each poll to new posts, and {@code next_token} pages through a poll's results.
 *
 * <p>Without {@code --since-id} the first poll takes only the newest page, so a start does not
 * drain seven days of history (and the account's monthly post cap). Rate limits: after an answer
 * with {@code x-rate-limit-remaining: 0}, and on HTTP 429, the source waits until
 * {@code x-rate-limit-reset} and says so. Network failures, 5xx and malformed bodies: the same
 * request is retried with exponential backoff, so no page is lost. 401/403 and other 4xx stop
 * the source with a {@link UserError}. The token never appears in messages.
 */
public final class XSource extends AbstractLiveSource {
  public static final String NAME = "x";
  public static final String DEFAULT_BASE_URL = "https://api.x.com";
  public static final String DEFAULT_QUERY = "kafka";
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
  public static final String TOKEN_ENV = "X_BEARER_TOKEN";
  public static final String SEARCH_PATH = "/2/tweets/search/recent";
  public static final String TWEET_FIELDS = "created_at,lang,public_metrics";
  /** The endpoint's maximum page size: fewer requests against a tight rate limit. */
  public static final int MAX_RESULTS = 100;

  /** x-rate-limit-reset has whole seconds and our clock may run early. */
  static final long RESET_MARGIN_MILLIS = 1_000;
  static final long BACKOFF_INITIAL_MILLIS = 1_000;
  static final long BACKOFF_MAX_MILLIS = 60_000;
  /** A 429 without a usable reset header: X's windows are 15 minutes long. */
  static final long RATE_LIMIT_INITIAL_MILLIS = 60_000;
  static final long RATE_LIMIT_MAX_MILLIS = 15 * 60_000;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final int DETAIL_CHARS = 200;

  /**
   * Where and what to search.
   *
   * @param baseUrl API root, {@code /2/tweets/search/recent} is appended
   * @param sinceId resume after this id ({@code --since-id}), or null
   */
  public record Config(
      URI baseUrl, String query, Duration interval, String bearerToken, Long sinceId) {
    public Config {
      Objects.requireNonNull(baseUrl, "baseUrl");
      Objects.requireNonNull(query, "query");
      Objects.requireNonNull(interval, "interval");
      if (bearerToken == null || bearerToken.isBlank()) {
        throw new UserError(
            "the x source needs a bearer token: set " + TOKEN_ENV + " (it is never a flag)");
      }
      String scheme = baseUrl.getScheme();
      if (!"http".equals(scheme) && !"https".equals(scheme)) {
        throw new UserError("--base-url for x must be an http(s) URL, not '" + baseUrl + "'");
      }
      if (query.isBlank()) {
        throw new UserError("--query must not be empty");
      }
      if (interval.isNegative() || interval.isZero()) {
        throw new UserError("--interval must be positive");
      }
    }

    /** Keeps the token out of logs and exception messages. */
    @Override
    public String toString() {
      return "Config[baseUrl=" + baseUrl + ", query=" + query + ", interval=" + interval
          + ", sinceId=" + sinceId + "]";
    }
  }

  private final Config config;
  private final String root;
  private final Backoff backoff = new Backoff(BACKOFF_INITIAL_MILLIS, BACKOFF_MAX_MILLIS);
  private final Backoff rateLimitBackoff =
      new Backoff(RATE_LIMIT_INITIAL_MILLIS, RATE_LIMIT_MAX_MILLIS);
  /** The since_id of the next poll: every post up to it was queued. */
  private volatile long committedSinceId;
  /** Epoch millis before which no request may be sent (rate limit), 0 when none. */
  private long notBefore;

  public XSource(Config config, LiveContext ctx) {
    super(NAME, ctx);
    this.config = config;
    String base = config.baseUrl().toString();
    this.root = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.committedSinceId = config.sinceId() == null ? 0 : config.sinceId();
  }

  @Override
  public String describe() {
    return "x:" + config.query();
  }

  @Override
  void work() throws InterruptedException {
    HttpClient http = HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
    long sinceId = committedSinceId;
    long nextPoll = ctx.clock().millis();
    while (!stopped()) {
      ctx.clock().sleep(nextPoll - ctx.clock().millis());
      nextPoll = ctx.clock().millis() + config.interval().toMillis();
      List<JsonNode> tweets = new ArrayList<>();
      long newest = sinceId;
      String nextToken = null;
      do {
        JsonNode page = fetch(http, sinceId, nextToken);
        page.path("data").forEach(tweets::add);
        newest = Math.max(newest, idOf(page.path("meta").path("newest_id")).orElse(0));
        nextToken = sinceId > 0 ? page.path("meta").path("next_token").asText(null) : null;
      } while (nextToken != null && !stopped());
      if (stopped()) {
        return;
      }
      // Results come newest first; oldest first keeps event time moving forward downstream and
      // makes the largest id taken a safe resume point.
      for (int i = tweets.size() - 1; i >= 0; i--) {
        JsonNode tweet = tweets.get(i);
        events.incrementAndGet();
        newest = Math.max(newest, idOf(tweet.path("id")).orElse(0));
        Post post;
        try {
          post = XJson.toPost(tweet);
        } catch (IllegalArgumentException e) {
          malformed(e.getMessage());
          continue;
        }
        if (!offer(post, post.id(), tweet.toString())) {
          return;
        }
      }
      sinceId = newest;
      committedSinceId = newest;
    }
  }

  /** One page, retried until it arrives; the same since_id and next_token on every retry. */
  private JsonNode fetch(HttpClient http, long sinceId, String nextToken)
      throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(searchUri(sinceId, nextToken))
        .timeout(REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + config.bearerToken())
        .header("Accept", "application/json")
        .GET()
        .build();
    while (true) {
      awaitRateLimit();
      HttpResponse<String> response;
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        errors.incrementAndGet();
        waitSaying(backoff.next(), "X API request failed (" + describe(e) + ")");
        continue;
      }
      int code = response.statusCode();
      noteRateLimit(response.headers());
      if (code == 200) {
        JsonNode body = parseBody(response.body());
        if (body == null) {
          errors.incrementAndGet();
          malformed.incrementAndGet();
          waitSaying(backoff.next(), "X API sent a malformed response body");
          continue;
        }
        backoff.reset();
        rateLimitBackoff.reset();
        return body;
      }
      if (code == 429) {
        long reset = resetMillis(response.headers());
        notBefore = reset > ctx.clock().millis()
            ? reset
            : ctx.clock().millis() + rateLimitBackoff.next();
        continue;
      }
      if (code == 401) {
        throw new UserError("X API refused the bearer token (HTTP 401): set " + TOKEN_ENV
            + " to a valid app bearer token");
      }
      if (code == 403) {
        throw new UserError("X API refused access (HTTP 403" + detail(response.body())
            + "): the app behind " + TOKEN_ENV + " needs access to recent search");
      }
      if (code >= 500) {
        errors.incrementAndGet();
        waitSaying(backoff.next(), "X API answered HTTP " + code);
        continue;
      }
      throw new UserError("X API rejected the search (HTTP " + code + detail(response.body())
          + "): check --query and --since-id");
    }
  }

  URI searchUri(long sinceId, String nextToken) {
    StringBuilder q = new StringBuilder(root)
        .append(SEARCH_PATH)
        .append("?query=").append(encode(config.query()))
        .append("&tweet.fields=").append(TWEET_FIELDS)
        .append("&max_results=").append(MAX_RESULTS);
    if (sinceId > 0) {
      q.append("&since_id=").append(sinceId);
    }
    if (nextToken != null) {
      q.append("&next_token=").append(encode(nextToken));
    }
    return URI.create(q.toString());
  }

  private void awaitRateLimit() throws InterruptedException {
    long wait = notBefore - ctx.clock().millis();
    notBefore = 0;
    if (wait > 0) {
      rateLimitWaits.incrementAndGet();
      waitSaying(wait, "X API rate limit reached, until "
          + Instant.ofEpochMilli(ctx.clock().millis() + wait).truncatedTo(ChronoUnit.SECONDS));
    }
  }

  /** An exhausted window makes the next request wait for its reset instead of earning a 429. */
  private void noteRateLimit(HttpHeaders headers) {
    OptionalLong remaining = headers.firstValueAsLong("x-rate-limit-remaining");
    if (remaining.isPresent() && remaining.getAsLong() <= 0) {
      long reset = resetMillis(headers);
      if (reset > 0) {
        notBefore = reset;
      }
    }
  }

  private static long resetMillis(HttpHeaders headers) {
    try {
      OptionalLong reset = headers.firstValueAsLong("x-rate-limit-reset");
      return reset.isPresent() ? reset.getAsLong() * 1000 + RESET_MARGIN_MILLIS : 0;
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static JsonNode parseBody(String body) {
    try {
      JsonNode n = PostJson.MAPPER.readTree(body);
      return n != null && n.isObject() ? n : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** X's problem text ({@code detail}, {@code title} or the first error), for one line. */
  private static String detail(String body) {
    JsonNode n = parseBody(body);
    if (n == null) {
      return "";
    }
    String d = n.path("detail").asText(
        n.path("title").asText(n.path("errors").path(0).path("message").asText("")));
    d = d.replaceAll("\\s+", " ").trim();
    if (d.length() > DETAIL_CHARS) {
      d = d.substring(0, DETAIL_CHARS) + "...";
    }
    return d.isEmpty() ? "" : ": " + d;
  }

  private static OptionalLong idOf(JsonNode n) {
    try {
      return n.isMissingNode() || n.isNull()
          ? OptionalLong.empty()
          : OptionalLong.of(Long.parseLong(n.asText()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
  }

  @Override
  String resume(Item head, long maxDelivered) {
    long id;
    if (head != null) {
      id = maxDelivered > 0 ? maxDelivered : head.position() - 1;
    } else {
      id = Math.max(committedSinceId, maxDelivered);
    }
    return id > 0 ? "--since-id " + id : "";
  }
}
