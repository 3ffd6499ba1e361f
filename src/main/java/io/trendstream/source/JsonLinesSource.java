package io.trendstream.source;

import io.trendstream.common.UserError;
import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import io.trendstream.source.live.LiveLines;
import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Replays posts from a file or stdin, one JSON document per line. Input: lines in any format a
 * {@link LineMapper} understands; by default {@link #ANY_POST} ({@link LiveLines#toPost}): our
 * post JSON, Twitter v1.1 tweets, X API v2 tweet objects and Bluesky Jetstream events, plain or
 * gzip-compressed ({@link #GZIP_OR_PLAIN}, told apart by the magic bytes), so a recorded live
 * session ({@code --record FILE}) replays as the same posts. Output: one {@link Post} per good
 * line, in file order. A bad line is reported on the error stream as {@code file:PATH:LINE:
 * reason} ({@code stdin:LINE: reason}), skipped and counted in {@link #skipped()}; blank lines,
 * and lines the mapper maps to {@code null} (Jetstream identity, account and delete events),
 * pass silently.
 *
 * <p>Other line formats or encodings: pass a {@link Decoder} and a {@link LineMapper} to
 * {@link #ofFile(Path, Decoder, LineMapper, PrintStream)} or {@link #ofStream}.
 */
public final class JsonLinesSource implements PostSource {
  /** Maps one non-blank line to a post; null means "not a post, skip silently". */
  @FunctionalInterface
  public interface LineMapper extends Function<String, Post> {
    /** @throws IllegalArgumentException with a short reason when the line is bad */
    @Override
    Post apply(String line);
  }

  /** Wraps the raw byte stream, e.g. {@code GZIPInputStream::new}; progress counts raw bytes. */
  @FunctionalInterface
  public interface Decoder {
    InputStream decode(InputStream raw) throws IOException;
  }

  /** Our post JSON and v1.1 tweets only. */
  public static final LineMapper POST_JSON = PostJson::parse;
  /** Every shape a post line may have, including recorded live sessions; the default. */
  public static final LineMapper ANY_POST = line -> LiveLines.toPost(line).orElse(null);
  public static final Decoder PLAIN = raw -> raw;
  /** Gzip when the stream starts with gzip's magic bytes, else as is; the default. */
  public static final Decoder GZIP_OR_PLAIN = LiveLines::decompressing;
  public static final String STDIN = "stdin";
  private static final int BUFFER = 1 << 16;

  private final String label;
  private final CountingInputStream counted;
  private final long totalBytes;
  private final Decoder decoder;
  /** Opened by the first next(): sniffing gzip reads, and stdin must not block at open. */
  private BufferedReader reader;
  private final LineMapper mapper;
  private final PrintStream errors;
  private long lineNo;
  private long skipped;
  private boolean done;

  private JsonLinesSource(String label, InputStream raw, long totalBytes, Decoder decoder,
      LineMapper mapper, PrintStream errors) {
    this.label = label;
    this.counted = new CountingInputStream(raw);
    this.totalBytes = totalBytes;
    this.decoder = decoder;
    this.mapper = mapper;
    this.errors = errors;
  }

  /** Post lines of any known shape from a plain or gzip file; bad lines reported on stderr. */
  public static JsonLinesSource ofFile(Path file) {
    return ofFile(file, GZIP_OR_PLAIN, ANY_POST, System.err);
  }

  /**
   * @throws UserError with a one-line message when the file is missing or unreadable
   */
  public static JsonLinesSource ofFile(
      Path file, Decoder decoder, LineMapper mapper, PrintStream errors) {
    String label = "file:" + file;
    try {
      if (Files.isDirectory(file)) {
        throw new UserError("cannot read " + label + ": it is a directory");
      }
      long size = Files.size(file);
      return new JsonLinesSource(
          label, Files.newInputStream(file), size, decoder, mapper, errors);
    } catch (NoSuchFileException e) {
      throw new UserError("cannot read " + label + ": no such file");
    } catch (AccessDeniedException e) {
      throw new UserError("cannot read " + label + ": permission denied");
    } catch (IOException e) {
      throw new UserError("cannot read " + label + ": " + reason(e));
    }
  }

  /** Post lines of any known shape from standard input, plain or gzip; bad lines on stderr. */
  public static JsonLinesSource ofStdin() {
    // Closing the source must not close the JVM's stdin (test runners talk over it).
    InputStream keepOpen = new FilterInputStream(System.in) {
      @Override
      public void close() {}
    };
    return ofStream(STDIN, keepOpen, GZIP_OR_PLAIN, ANY_POST, System.err);
  }

  /**
   * Lines from any stream (size unknown, so no progress).
   *
   * @param label prefix of error lines and {@link #describe()}, e.g. {@code stdin}
   */
  public static JsonLinesSource ofStream(
      String label, InputStream in, Decoder decoder, LineMapper mapper, PrintStream errors) {
    return new JsonLinesSource(label, in, -1, decoder, mapper, errors);
  }

  @Override
  public Post next() throws IOException {
    while (!done) {
      if (reader == null) {
        reader = new BufferedReader(
            new InputStreamReader(decoder.decode(counted), StandardCharsets.UTF_8), BUFFER);
      }
      String line = reader.readLine();
      if (line == null) {
        done = true;
        return null;
      }
      lineNo++;
      if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
        line = line.substring(1);
      }
      if (line.isBlank()) {
        continue;
      }
      Post post;
      try {
        post = mapper.apply(line);
      } catch (IllegalArgumentException e) {
        skip(e.getMessage());
        continue;
      } catch (RuntimeException e) {
        // One odd line (a mapper's blind spot) must not end a long replay.
        skip(e.toString());
        continue;
      }
      if (post != null) {
        return post;
      }
    }
    return null;
  }

  private void skip(String reason) {
    skipped++;
    errors.println(label + ":" + lineNo + ": " + reason);
  }

  @Override
  public String describe() {
    return label;
  }

  /** Share of the file's bytes read so far, e.g. {@code 41%}; empty for streams. */
  @Override
  public String progress() {
    if (totalBytes < 0) {
      return "";
    }
    long pct = totalBytes == 0 ? 100 : Math.min(100, counted.count * 100 / totalBytes);
    return pct + "%";
  }

  @Override
  public long skipped() {
    return skipped;
  }

  /** Lines read so far, blank ones included; the number error lines refer to. */
  public long lines() {
    return lineNo;
  }

  @Override
  public void close() throws IOException {
    done = true;
    if (reader != null) {
      reader.close();
    } else {
      counted.close();
    }
  }

  private static String reason(IOException e) {
    String m = e.getMessage();
    return m == null ? e.getClass().getSimpleName() : m;
  }

  /** Counts raw bytes so progress works through decoders such as gzip. */
  private static final class CountingInputStream extends FilterInputStream {
    volatile long count;

    CountingInputStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long s = super.skip(n);
      count += s;
      return s;
    }
  }
}
