package io.trendstream.source.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.common.UserError;
import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code --source bluesky}: the Bluesky Jetstream firehose, no account needed. Input: a
 * WebSocket to {@code BASE/subscribe?wantedCollections=app.bsky.feed.post[&cursor=T]} (the JDK's
 * {@link java.net.http.WebSocket}), one JSON event per text message. Output: posts mapped by
 * {@link JetstreamJson} from {@code commit} events with operation {@code create}; identity and
 * account events, deletes and updates only move the cursor.
 *
 * <p>Resuming: every event's {@code time_us} is remembered. After a dropped connection the source
 * reconnects with exponential backoff and {@code cursor} = last {@code time_us} seen minus
 * {@link #RECONNECT_MARGIN_MICROS}, so nothing is missed even if the server had sent events we
 * never read; the replayed posts are dropped as duplicates by id. {@code --cursor T} starts the
 * first connection at exactly T; the flag printed at close starts after the last post taken.
 */
public final class BlueskySource extends AbstractLiveSource {
  public static final String NAME = "bluesky";
  public static final String DEFAULT_BASE_URL = "wss://jetstream2.us-east.bsky.network";
  public static final String SUBSCRIBE_PATH =
      "/subscribe?wantedCollections=" + JetstreamJson.POST_COLLECTION;
  /** Jetstream's advice when switching instances is "a few seconds"; it also covers ours. */
  public static final long RECONNECT_MARGIN_MICROS = 2_000_000;

  static final long BACKOFF_INITIAL_MILLIS = 1_000;
  static final long BACKOFF_MAX_MILLIS = 30_000;
  /** The firehose carries dozens of posts a second; a silent minute means a dead connection. */
  static final long IDLE_MILLIS = 60_000;
  /** A post record is a few KiB; anything far larger is not a Jetstream event. */
  static final int MAX_MESSAGE_CHARS = 1 << 22;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final long CHECK_MILLIS = 200;

  /**
   * Where to connect.
   *
   * @param baseUrl Jetstream root ({@code ws://} or {@code wss://}); {@link #SUBSCRIBE_PATH} is
   *     appended
   * @param cursor {@code --cursor}: Jetstream time in microseconds to start from, or null for live
   */
  public record Config(URI baseUrl, Long cursor) {
    public Config {
      Objects.requireNonNull(baseUrl, "baseUrl");
      String scheme = baseUrl.getScheme();
      if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
        throw new UserError(
            "--base-url for bluesky must be a ws:// or wss:// URL, not '" + baseUrl + "'");
      }
      if (cursor != null && cursor <= 0) {
        throw new UserError("--cursor must be a positive Jetstream time in microseconds");
      }
    }
  }

  private final Config config;
  private final String root;
  private final Backoff backoff = new Backoff(BACKOFF_INITIAL_MILLIS, BACKOFF_MAX_MILLIS);
  /** Largest time_us of any event processed; 0 before the first. */
  private final AtomicLong lastSeenUs = new AtomicLong();
  private final Object messageLock = new Object();
  private volatile WebSocket current;
  private volatile Long lastConnectCursor;

  public BlueskySource(Config config, LiveContext ctx) {
    super(NAME, ctx);
    this.config = config;
    String base = config.baseUrl().toString();
    this.root = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }

  @Override
  public String describe() {
    return "bluesky" + (ctx.filter().words().isEmpty() ? "" : ":" + ctx.filter().words());
  }

  /** The cursor the last connection attempt asked for (null: live), for tests and status. */
  public Long lastConnectCursor() {
    return lastConnectCursor;
  }

  @Override
  void work() throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    boolean reconnecting = false;
    while (!stopped()) {
      Long cursor = connectCursor();
      lastConnectCursor = cursor;
      if (reconnecting) {
        reconnects.incrementAndGet();
      }
      Connection conn = new Connection(reconnecting
          ? "reconnected to Jetstream" + (cursor == null ? "" : " at cursor " + cursor)
          : null);
      CompletableFuture<WebSocket> opening = http.newWebSocketBuilder()
          .connectTimeout(CONNECT_TIMEOUT)
          .buildAsync(subscribeUri(cursor), conn);
      // A connection that opens after close() began must not linger.
      opening.thenAccept(ws -> {
        if (closed()) {
          ws.abort();
        }
      });
      WebSocket ws;
      try {
        ws = opening.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() instanceof CompletionException && e.getCause().getCause()
            != null ? e.getCause().getCause() : e.getCause();
        refuseIfFinal(cause);
        errors.incrementAndGet();
        waitSaying(backoff.next(),
            "cannot connect to Jetstream at " + root + " (" + XSource.describe(cause) + ")");
        reconnecting = true;
        continue;
      } catch (InterruptedException e) {
        opening.cancel(true);
        throw e;
      }
      current = ws;
      String reason = conn.awaitEnd(ws);
      current = null;
      ws.abort();
      if (stopped()) {
        return;
      }
      errors.incrementAndGet();
      if (conn.messages > 0) {
        backoff.reset();
      }
      reconnecting = true;
      waitSaying(backoff.next(), "Jetstream connection lost (" + reason + ")");
    }
  }

  /** A first connection at --cursor; later ones from the last event seen, minus the margin. */
  private Long connectCursor() {
    long seen = lastSeenUs.get();
    if (seen > 0) {
      return Math.max(1, seen - RECONNECT_MARGIN_MICROS);
    }
    return config.cursor();
  }

  URI subscribeUri(Long cursor) {
    return URI.create(root + SUBSCRIBE_PATH + (cursor == null ? "" : "&cursor=" + cursor));
  }

  /** A wrong URL or a refusal will not heal by retrying: stop with one clear line. */
  private void refuseIfFinal(Throwable cause) {
    if (cause instanceof WebSocketHandshakeException h) {
      int code = h.getResponse().statusCode();
      if (code == 401 || code == 403) {
        throw new UserError("Jetstream at " + root + " refused the connection (HTTP " + code
            + "): check --base-url");
      }
      if (code == 404 || code == 400) {
        throw new UserError("no Jetstream subscribe endpoint at " + root + " (HTTP " + code
            + "): check --base-url");
      }
    }
    if (cause instanceof IllegalArgumentException) {
      throw new UserError("--base-url '" + root + "' is not usable: " + cause.getMessage());
    }
  }

  /** One complete text message: runs on the WebSocket's thread, one message at a time. */
  void handle(String message) {
    synchronized (messageLock) {
      events.incrementAndGet();
      JsonNode event;
      try {
        event = PostJson.MAPPER.readTree(message);
      } catch (JsonProcessingException e) {
        malformed("not valid JSON (" + e.getOriginalMessage() + ")");
        return;
      }
      long timeUs;
      Optional<Post> post;
      try {
        timeUs = JetstreamJson.timeUs(event);
        post = JetstreamJson.toPost(event);
      } catch (IllegalArgumentException e) {
        malformed(e.getMessage());
        return;
      }
      try {
        if (post.isPresent() && !offer(post.get(), timeUs, message)) {
          return;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (UserError e) {
        fail(e);
        return;
      }
      // Only after the post is queued: a cursor past a post that was dropped would lose it.
      lastSeenUs.accumulateAndGet(timeUs, Math::max);
    }
  }

  @Override
  void stopTransport() {
    WebSocket ws = current;
    if (ws != null) {
      ws.abort();
    }
  }

  @Override
  String resume(Item head, long maxDelivered) {
    if (head != null && head.position() > 0) {
      return "--cursor " + head.position();
    }
    long seen = lastSeenUs.get();
    if (seen > 0) {
      return "--cursor " + (seen + 1);
    }
    return config.cursor() == null ? "" : "--cursor " + config.cursor();
  }

  /** Receives one connection's messages; {@link #awaitEnd} reports why it ended. */
  private final class Connection implements WebSocket.Listener {
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    /** Said on open, before any message: a reader of the log sees events in order. */
    private final String openNotice;
    private final StringBuilder partial = new StringBuilder();
    private boolean oversized;
    private volatile long messages;
    private volatile long lastMessageAt = ctx.clock().millis();

    Connection(String openNotice) {
      this.openNotice = openNotice;
    }

    @Override
    public void onOpen(WebSocket ws) {
      if (openNotice != null) {
        notice(openNotice);
      }
      ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      if (!oversized) {
        partial.append(data);
        oversized = partial.length() > MAX_MESSAGE_CHARS;
      }
      if (last) {
        messages++;
        lastMessageAt = ctx.clock().millis();
        if (oversized) {
          synchronized (messageLock) {
            events.incrementAndGet();
            malformed("a message of more than " + MAX_MESSAGE_CHARS + " characters");
          }
        } else {
          try {
            handle(partial.toString());
          } catch (RuntimeException e) {
            // One bad message must never end the stream.
            malformed(XSource.describe(e));
          }
        }
        partial.setLength(0);
        oversized = false;
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      if (last) {
        events.incrementAndGet();
        malformed("a binary message (Jetstream sends text unless compression is asked for)");
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      ended.complete("closed by the server, code " + statusCode
          + (reason == null || reason.isBlank() ? "" : ": " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      ended.complete(XSource.describe(error));
    }

    /** Blocks until the connection ends, the source stops, or the stream goes silent. */
    String awaitEnd(WebSocket ws) throws InterruptedException {
      while (true) {
        try {
          return ended.get(CHECK_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          if (stopped()) {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "");
            return "stopped";
          }
          if (ctx.clock().millis() - lastMessageAt > IDLE_MILLIS) {
            return "no events for " + LiveStatus.seconds(IDLE_MILLIS);
          }
        } catch (ExecutionException e) {
          return XSource.describe(e.getCause());
        }
      }
    }
  }
}
