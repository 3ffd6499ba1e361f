package io.trendstream.source.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Replay of recorded live sessions through {@code file:PATH} and {@code stdin}. Input: lines of
 * any of the shapes a source may have written: our post JSON, X v1.1 tweets, X v2 tweet objects
 * (an X {@code --record} file) and Bluesky Jetstream events (a Bluesky {@code --record} file or
 * a raw Jetstream capture), plain or gzip-compressed. Output: one {@link Post} per post line.
 */
public final class LiveLines {
  private static final int GZIP_MAGIC_1 = 0x1f;
  private static final int GZIP_MAGIC_2 = 0x8b;
  private static final int BUFFER = 1 << 16;

  private LiveLines() {}

  /**
   * Maps one line.
   *
   * @return the post, or empty for a Jetstream event that is not a post (identity, account,
   *     delete): such lines are expected in a capture and are not errors
   * @throws IllegalArgumentException with a short reason when the line is not JSON or not a post
   */
  public static Optional<Post> toPost(String line) {
    JsonNode n;
    try {
      n = PostJson.MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    if (JetstreamJson.isEvent(n)) {
      return JetstreamJson.toPost(n);
    }
    if (XJson.isTweetV2(n)) {
      return Optional.of(XJson.toPost(n));
    }
    return Optional.of(PostJson.fromNode(n));
  }

  /**
   * Wraps a stream so gzip data is decompressed and anything else passes through unchanged,
   * decided by the two magic bytes {@code 1f 8b}; concatenated gzip members are read as one. A
   * gzip stream cut short (the recording of a killed run has no trailer) ends where it was cut
   * instead of failing: a cut last line then fails to parse and is skipped like any bad line.
   */
  public static InputStream decompressing(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, BUFFER);
    buffered.mark(2);
    int b1 = buffered.read();
    int b2 = buffered.read();
    buffered.reset();
    if (b1 == GZIP_MAGIC_1 && b2 == GZIP_MAGIC_2) {
      return new CutTolerant(new GZIPInputStream(buffered, BUFFER));
    }
    return buffered;
  }

  /** A UTF-8 line reader over {@link #decompressing(InputStream)}. */
  public static BufferedReader reader(InputStream in) throws IOException {
    return new BufferedReader(
        new InputStreamReader(decompressing(in), StandardCharsets.UTF_8), BUFFER);
  }

  /** A UTF-8 line reader over a plain or gzip file. */
  public static BufferedReader reader(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    try {
      return reader(in);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /** Reads an unexpected end of the compressed data as the end of the stream. */
  private static final class CutTolerant extends FilterInputStream {
    CutTolerant(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (EOFException e) {
        return -1;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (EOFException e) {
        return -1;
      }
    }
  }
}
