package io.trendstream.source.live;

import io.javalin.Javalin;
import io.javalin.websocket.WsConnectContext;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiConsumer;

/**
 * A Jetstream stand-in on loopback: a real WebSocket endpoint at {@code /subscribe} (Javalin on
 * Jetty 11). Each connection runs the next script given to {@link #then}; the stub records the
 * query each client connected with and can drop every open connection without a close frame.
 */
public final class JetstreamStub implements AutoCloseable {
  private final Javalin app;
  private final List<String> cursors = new CopyOnWriteArrayList<>();
  private final List<String> collections = new CopyOnWriteArrayList<>();
  private final List<WsConnectContext> open = new CopyOnWriteArrayList<>();
  private final BlockingQueue<BiConsumer<WsConnectContext, Long>> scripts =
      new LinkedBlockingQueue<>();

  public JetstreamStub() {
    app = Javalin.create(c -> c.showJavalinBanner = false)
        .ws("/subscribe", ws -> ws.onConnect(ctx -> {
          String cursor = ctx.queryParam("cursor");
          cursors.add(cursor == null ? "live" : cursor);
          collections.add(String.valueOf(ctx.queryParam("wantedCollections")));
          open.add(ctx);
          BiConsumer<WsConnectContext, Long> script = scripts.poll();
          if (script != null) {
            script.accept(ctx, cursor == null ? null : Long.parseLong(cursor));
          }
        }))
        .start("127.0.0.1", 0);
  }

  /** What the next connection does: sends events, given the cursor it asked for (or null). */
  public JetstreamStub then(BiConsumer<WsConnectContext, Long> script) {
    scripts.add(script);
    return this;
  }

  public String baseUrl() {
    return "ws://127.0.0.1:" + app.port();
  }

  /** The cursor of each connection so far, {@code live} when none was given. */
  public List<String> cursors() {
    return List.copyOf(cursors);
  }

  public List<String> wantedCollections() {
    return List.copyOf(collections);
  }

  /** Cuts every open connection at the TCP level, as a crashed server or a network would. */
  public void dropAll() {
    for (WsConnectContext ctx : open) {
      ctx.session.disconnect();
    }
    open.clear();
  }

  public static void send(WsConnectContext ctx, List<String> events) {
    events.forEach(ctx::send);
  }

  @Override
  public void close() {
    app.stop();
  }
}
