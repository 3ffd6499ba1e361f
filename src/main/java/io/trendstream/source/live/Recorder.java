package io.trendstream.source.live;

import io.trendstream.common.UserError;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/**
 * {@code --record FILE}: the raw payloads a live source received, one JSON line each, for replay
 * through {@code file:FILE} ({@link LiveLines}). Input: each payload that became a post (a
 * Jetstream event line, or one X v2 tweet object); output: a UTF-8 JSON-lines file, gzip when the
 * name ends in {@code .gz}. Only payloads that became posts are written (after {@code --filter}
 * and duplicate removal), so the replay yields the posts of the live run. Thread-safe.
 */
public final class Recorder implements AutoCloseable {
  /** Records nothing. */
  public static final Recorder NONE = new Recorder(null, null);

  /** Flush at least this often so a killed run leaves a usable file. */
  private static final int FLUSH_EVERY = 100;

  private final Path file;
  private BufferedWriter out;
  private int unflushed;

  private Recorder(Path file, BufferedWriter out) {
    this.file = file;
    this.out = out;
  }

  /** @throws UserError when the file cannot be created */
  public static Recorder open(Path file) {
    try {
      OutputStream raw = Files.newOutputStream(file);
      // syncFlush: each flush makes everything so far decompressible even without the trailer.
      OutputStream stream = file.getFileName().toString().endsWith(".gz")
          ? new GZIPOutputStream(raw, 1 << 16, true)
          : raw;
      return new Recorder(file, new BufferedWriter(
          new OutputStreamWriter(stream, StandardCharsets.UTF_8), 1 << 16));
    } catch (IOException e) {
      throw new UserError("cannot write --record file " + file + ": " + e.getMessage());
    }
  }

  /**
   * Appends one payload as one line (it must not contain a raw newline, which JSON never does).
   *
   * @throws UncheckedIOException when the file cannot be written (disk full)
   */
  public synchronized void record(String payload) {
    if (out == null) {
      return;
    }
    try {
      out.write(payload);
      out.write('\n');
      if (++unflushed >= FLUSH_EVERY) {
        out.flush();
        unflushed = 0;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write --record file " + file, e);
    }
  }

  public synchronized void flush() throws IOException {
    if (out != null) {
      out.flush();
      unflushed = 0;
    }
  }

  @Override
  public synchronized void close() throws IOException {
    if (out != null) {
      try {
        out.close();
      } finally {
        out = null;
      }
    }
  }
}
