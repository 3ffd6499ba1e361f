package io.trendstream.testing;

import io.trendstream.store.EmbeddedStore;
import io.trendstream.store.LiveStore;
import io.trendstream.store.StoreSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real serving store for tests: one embedded PostgreSQL per test JVM (started on first use,
 * stopped at exit), and a fresh database with the live tables for each caller, so tests never
 * see each other's rows.
 */
public final class TestStore {
  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static EmbeddedStore server;

  private TestStore() {}

  /** The shared server. */
  public static synchronized EmbeddedStore server() {
    if (server == null) {
      try {
        server = new EmbeddedStore(Files.createTempDirectory("trendstream-pg"), 0).start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      EmbeddedStore s = server;
      Runtime.getRuntime().addShutdownHook(new Thread(s::close, "test-store-stop"));
    }
    return server;
  }

  /** A new, empty database prepared as the job prepares its store. */
  public static LiveStore fresh(String name) {
    return fresh(name, StoreSettings.DEFAULT);
  }

  public static LiveStore fresh(String name, StoreSettings settings) {
    Urls urls = freshDatabase(name);
    LiveStore store = new LiveStore(urls.writer(), urls.reader(), settings);
    store.prepare();
    return store;
  }

  /** A database's JDBC URLs: the owner's, and the read-only role's. */
  public record Urls(String writer, String reader) {}

  /** A new, empty database, for a job in another process to prepare (--store URL). */
  public static Urls freshDatabase(String name) {
    String db = (name.replaceAll("[^A-Za-z0-9]", "_") + "_" + DATABASES.incrementAndGet())
        .toLowerCase(Locale.ROOT);
    EmbeddedStore s = server();
    s.createDatabase(db);
    return new Urls(s.url(db, EmbeddedStore.SUPERUSER),
        s.url(db, io.trendstream.store.StoreTables.READER_ROLE));
  }
}
