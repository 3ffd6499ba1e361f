package io.trendstream.source.live;

import static io.trendstream.source.live.Jetstream.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.common.UserError;
import io.trendstream.post.Post;
import java.io.BufferedReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BlueskySource} against a Jetstream stand-in speaking real WebSocket on loopback:
 * non-post events, deletes, posts without langs, non-ASCII text, a dropped connection and the
 * reconnect cursor, --filter, --record, and close.
 */
class BlueskySourceTest {
  private static final String ALICE = "did:plc:eygmaihciaxprqvxpfvl6flk";
  private static final String BOB = "did:plc:ewvi7nxzyoun6zhxrhs64oiz";

  private final JetstreamStub stub = new JetstreamStub();
  private final FakeClock clock = new FakeClock(1_750_000_000_000L);
  private final List<String> notices = new CopyOnWriteArrayList<>();
  private BlueskySource source;

  @AfterEach
  void stop() throws Exception {
    if (source != null) {
      source.close();
    }
    stub.close();
  }

  @Test
  void reconnectsAfterADropFromTheLastCursorMinusTheMarginAndSendsNoDuplicates()
      throws Exception {
    List<String> log = List.of(
        Jetstream.identity(at(1), ALICE, "alice.bsky.social"),
        Jetstream.post(at(2), ALICE, "3l3qo2vuowo2a", "Streaming with Kafka today",
            "2024-09-09T19:46:03.102Z", "en"),
        Jetstream.post(at(3), BOB, "3l3qo2vuowo2b", "no language given",
            "not a timestamp"),
        Jetstream.delete(at(4), BOB, "3l3qo2vuowo00"),
        Jetstream.account(at(5), BOB, false),
        Jetstream.post(at(6), ALICE, "3l3qo2vuowo2c", "Grüße aus München 🚀 日本語のテキスト",
            "2024-09-09T19:46:08+02:00", "ja", "en"));
    List<String> after = List.of(
        Jetstream.post(at(7), BOB, "3l3qo2vuowo2d", "depois da queda", "2024-09-09T19:46:09Z",
            "pt-BR"),
        Jetstream.post(at(8), ALICE, "3l3qo2vuowo2e", "last one", "2024-09-09T19:46:10.5Z",
            "en"));
    stub.then((ctx, cursor) -> {
      JetstreamStub.send(ctx, log.subList(0, 5));
      ctx.send("{\"did\":\"did:plc:broken\",\"time_us\":");
      ctx.send(log.get(5));
    }).then((ctx, cursor) -> {
      // A real Jetstream replays everything from the cursor on, then goes live.
      JetstreamStub.send(ctx, log.stream().filter(e -> timeUs(e) >= cursor).toList());
      JetstreamStub.send(ctx, after);
    });
    source = new BlueskySource(new BlueskySource.Config(URI.create(stub.baseUrl()), null),
        context(WordFilter.ALL, Recorder.NONE));

    List<Post> first = Live.take(source, 3);
    Live.await("the last event seen", () -> source.status().resume()
        .equals("--cursor " + (at(6) + 1)), () -> source.status().toString());
    stub.dropAll();
    List<Post> second = Live.take(source, 2);

    assertThat(Stream.concat(first.stream(), second.stream()).toList()).containsExactly(
        post("Mon Sep 09 19:46:03 +0000 2024", ALICE, "3l3qo2vuowo2a",
            "Streaming with Kafka today", "en"),
        // createdAt unusable: the event's time_us, 19:46:02 + 3 s.
        post("Mon Sep 09 19:46:05 +0000 2024", BOB, "3l3qo2vuowo2b", "no language given",
            null),
        post("Mon Sep 09 17:46:08 +0000 2024", ALICE, "3l3qo2vuowo2c",
            "Grüße aus München 🚀 日本語のテキスト", "ja"),
        post("Mon Sep 09 19:46:09 +0000 2024", BOB, "3l3qo2vuowo2d", "depois da queda",
            "pt-BR"),
        post("Mon Sep 09 19:46:10 +0000 2024", ALICE, "3l3qo2vuowo2e", "last one", "en"));
    assertThat(stub.cursors())
        .containsExactly("live", Long.toString(at(6) - BlueskySource.RECONNECT_MARGIN_MICROS));
    assertThat(stub.wantedCollections()).containsOnly("app.bsky.feed.post");
    // 7 on the first connection (one malformed), 3 replayed and 2 new on the second.
    Live.await("every event processed", () -> source.status().events() == 12);
    LiveStatus status = source.status();
    assertThat(status.received()).isEqualTo(5);
    assertThat(status.duplicates()).isEqualTo(1);
    assertThat(status.errors()).isEqualTo(2);
    assertThat(source.skipped()).isEqualTo(1);
    assertThat(clock.sleeps()).containsExactly(BlueskySource.BACKOFF_INITIAL_MILLIS);
    assertThat(notices).anyMatch(n -> n.startsWith("bluesky: Jetstream connection lost"));
    assertThat(notices).anyMatch(n -> n.equals("bluesky: reconnected to Jetstream at cursor "
        + (at(6) - BlueskySource.RECONNECT_MARGIN_MICROS)));
  }

  @Test
  void filterKeepsOnlyPostsContainingTheWord() throws Exception {
    stub.then((ctx, cursor) -> JetstreamStub.send(ctx, List.of(
        Jetstream.post(at(1), ALICE, "a1", "I love KAFKA!", "2024-09-09T19:46:03Z", "en"),
        Jetstream.post(at(2), ALICE, "a2", "a kafkaesque afternoon", "2024-09-09T19:46:04Z"),
        Jetstream.post(at(3), BOB, "b1", "nothing here", "2024-09-09T19:46:05Z"),
        Jetstream.post(at(4), BOB, "b2", "#kafka streams", "2024-09-09T19:46:06Z"))));
    source = new BlueskySource(new BlueskySource.Config(URI.create(stub.baseUrl()), null),
        context(new WordFilter(List.of("kafka")), Recorder.NONE));

    List<Post> posts = Live.take(source, 2);

    assertThat(posts).extracting(Post::text).containsExactly("I love KAFKA!", "#kafka streams");
    Live.await("all four events", () -> source.status().events() == 4);
    assertThat(source.status().received()).isEqualTo(2);
    assertThat(source.describe()).isEqualTo("bluesky:[kafka]");
  }

  @Test
  void startsAtTheGivenCursorAndRecordsWhatReplaysAsTheSamePosts(@TempDir Path dir)
      throws Exception {
    List<String> events = List.of(
        Jetstream.identity(at(10), BOB, "bob.example.com"),
        Jetstream.post(at(11), BOB, "r1", "zażółć gęślą jaźń", "2024-09-09T19:46:13Z", "pl"),
        Jetstream.post(at(12), ALICE, "r2", "plain", "2024-09-09T19:46:14Z"));
    stub.then((ctx, cursor) -> JetstreamStub.send(ctx, events));
    Path file = dir.resolve("bluesky.jsonl");
    source = new BlueskySource(new BlueskySource.Config(URI.create(stub.baseUrl()), at(10)),
        context(WordFilter.ALL, Recorder.open(file)));

    List<Post> live = Live.take(source, 2);
    Live.await("the last event seen",
        () -> source.status().resume().equals("--cursor " + (at(12) + 1)));
    source.close();

    assertThat(stub.cursors()).containsExactly(Long.toString(at(10)));
    assertThat(Files.readAllLines(file)).containsExactly(events.get(1), events.get(2));
    List<Post> replayed = new ArrayList<>();
    try (BufferedReader r = LiveLines.reader(file)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        LiveLines.toPost(line).ifPresent(replayed::add);
      }
    }
    assertThat(replayed).isEqualTo(live);
    assertThat(notices).contains("bluesky: stopped after 2 posts; resume with --cursor "
        + (at(12) + 1));
  }

  @Test
  void closeReportsTheOldestPostNotYetTakenAsTheResumeCursor() throws Exception {
    stub.then((ctx, cursor) -> JetstreamStub.send(ctx, List.of(
        Jetstream.post(at(1), ALICE, "q1", "one", "2024-09-09T19:46:03Z"),
        Jetstream.post(at(2), ALICE, "q2", "two", "2024-09-09T19:46:04Z"),
        Jetstream.post(at(3), ALICE, "q3", "three", "2024-09-09T19:46:05Z"))));
    source = new BlueskySource(new BlueskySource.Config(URI.create(stub.baseUrl()), null),
        context(WordFilter.ALL, Recorder.NONE));

    assertThat(Live.take(source, 1)).extracting(Post::text).containsExactly("one");
    Live.await("all posts queued", () -> source.status().received() == 3);
    source.close();

    assertThat(source.next()).isNull();
    assertThat(notices).contains("bluesky: stopped after 3 posts; resume with --cursor " + at(2));
  }

  @Test
  void aBaseUrlWithoutJetstreamStopsWithOneLine() throws Exception {
    source = new BlueskySource(
        new BlueskySource.Config(URI.create(stub.baseUrl() + "/nothing"), null),
        context(WordFilter.ALL, Recorder.NONE));

    assertThatThrownBy(source::next)
        .isInstanceOf(UserError.class)
        .hasMessage("no Jetstream subscribe endpoint at " + stub.baseUrl()
            + "/nothing (HTTP 404): check --base-url");
  }

  @Test
  void anUnreachableServerIsRetriedWithGrowingBackoffAtTheGivenCursor() throws Exception {
    String base = stub.baseUrl();
    stub.close();
    source = new BlueskySource(new BlueskySource.Config(URI.create(base), at(0)),
        context(WordFilter.ALL, Recorder.NONE));
    source.start();

    Live.await("three failed attempts", () -> source.status().errors() >= 3);
    assertThat(clock.sleeps().subList(0, 3)).containsExactly(1_000L, 2_000L, 4_000L);
    assertThat(source.lastConnectCursor()).isEqualTo(at(0));
    assertThat(notices.get(0)).startsWith("bluesky: cannot connect to Jetstream at " + base);
  }

  @Test
  void nextIsInterruptibleAndReturnsNullAfterClose() throws Exception {
    stub.then((ctx, cursor) -> { });
    source = new BlueskySource(new BlueskySource.Config(URI.create(stub.baseUrl()), null),
        context(WordFilter.ALL, Recorder.NONE));
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread taker = new Thread(() -> {
      try {
        outcome.set(source.next());
      } catch (Exception e) {
        outcome.set(e);
      }
    });
    taker.start();
    Live.await("a connection", () -> stub.cursors().size() == 1);
    taker.interrupt();
    Live.await("next() to give up", () -> outcome.get() != null);
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);

    Live.assertCloseEndsABlockedNext(source);
  }

  @Test
  void anInterruptedNextThrowsInterruptedException() throws Exception {
    stub.then((ctx, cursor) -> { });
    source = new BlueskySource(new BlueskySource.Config(URI.create(stub.baseUrl()), null),
        context(WordFilter.ALL, Recorder.NONE));
    Thread.currentThread().interrupt();
    assertThatThrownBy(source::next).isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
  }

  private LiveContext context(WordFilter filter, Recorder recorder) {
    return new LiveContext(filter, clock, recorder, notices::add);
  }

  private static Post post(String createdAt, String did, String rkey, String text, String lang) {
    return new Post(createdAt, JetstreamJson.postId(did, rkey),
        "at://" + did + "/app.bsky.feed.post/" + rkey, text, 0, 0, false, false, lang);
  }

  private static long timeUs(String event) {
    try {
      return io.trendstream.post.PostJson.MAPPER.readTree(event).get("time_us").asLong();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
