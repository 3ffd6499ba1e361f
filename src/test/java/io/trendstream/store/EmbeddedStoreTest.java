package io.trendstream.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.trendstream.testing.IntegrationTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded server itself: durable settings and fresh data dirs, on real PostgreSQL. */
@IntegrationTest
class EmbeddedStoreTest {

  @Test
  void commitsAreFlushedToDiskUnlikeZonkysTestDefaults(@TempDir Path dir) throws Exception {
    try (EmbeddedStore store = new EmbeddedStore(dir.resolve("pg"), 0).start();
        Connection c = DriverManager.getConnection(store.url());
        Statement s = c.createStatement()) {
      assertThat(show(s, "fsync")).isEqualTo("on");
      assertThat(show(s, "synchronous_commit")).isEqualTo("on");
      assertThat(show(s, "listen_addresses")).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void aFreshDataDirStartsFromTheTemplateAndKeepsItsOwnData(@TempDir Path dir) throws Exception {
    try (EmbeddedStore first = new EmbeddedStore(dir.resolve("a"), 0).start();
        Connection c = DriverManager.getConnection(first.url());
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE only_in_a (x int)");
    }
    Path template;
    try (Stream<Path> dirs = Files.list(
        Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg"))) {
      template = dirs.filter(p -> p.getFileName().toString().startsWith("trendstream-template-")
          && !p.getFileName().toString().contains(".tmp-")).findFirst().orElseThrow();
    }
    assertThat(template.resolve("postgresql.conf")).exists();
    // The template is a stopped server: no marks of a running one, which would refuse a start.
    assertThat(template.resolve("postmaster.pid")).doesNotExist();
    assertThat(template.resolve("postmaster.opts")).doesNotExist();
    assertThat(template.resolve("epg-lock")).doesNotExist();

    try (EmbeddedStore second = new EmbeddedStore(dir.resolve("b"), 0).start();
        Connection c = DriverManager.getConnection(second.url());
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_a'");
      rs.next();
      assertThat(rs.getInt(1)).as("a table of another data dir").isZero();
      s.execute("CREATE TABLE only_in_b (x int)");
    }
    // Restarted on its own data dir, it keeps what it had.
    try (EmbeddedStore again = new EmbeddedStore(dir.resolve("b"), 0).start();
        Connection c = DriverManager.getConnection(again.url());
        Statement s = c.createStatement()) {
      ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_b'");
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  private static String show(Statement s, String setting) throws Exception {
    ResultSet rs = s.executeQuery("SHOW " + setting);
    rs.next();
    return rs.getString(1);
  }
}
