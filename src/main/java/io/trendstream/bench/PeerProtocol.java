package io.trendstream.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the bench ({@link PeerEngines}) and its peer engines' child JVM
 * ({@code io.trendstream.peers.PeerMain}, src/peers) say to each other; java.base only, as both
 * sides load it. Input of the child: one request a line on its stdin, fields split by tabs:
 * {@code count <job> <topic> <tokenizer> <result file>}, then {@code quit}. Output: one line a
 * request on its stdout, {@code ok <cpu nanoseconds of the child during the run>} or
 * {@code error <one line>}, after {@code ready} once at start; the counts go to the result file
 * ({@link #writeCounts}).
 */
public final class PeerProtocol {
  /** The child's entry point, by name: the product never links against the peers. */
  public static final String MAIN_CLASS = "io.trendstream.peers.PeerMain";
  public static final String READY = "ready";
  public static final String COUNT = "count";
  public static final String QUIT = "quit";
  public static final String OK = "ok";
  public static final String ERROR = "error";
  public static final String SEPARATOR = "\t";

  /** The jobs the child runs: a peer engine's kind and, for Flink, its state backend. */
  public static final String KAFKA_STREAMS = "kafka_streams";
  public static final String FLINK_RUNNING = "flink_running";
  public static final String FLINK_WINDOWED = "flink_windowed";
  /** Flink's default state backend (objects on the heap) and the RocksDB one. */
  public static final String HASHMAP = "hashmap";
  public static final String ROCKSDB = "rocksdb";

  private PeerProtocol() {}

  /** The key of one (window, word) in every engine's windowed result and the reference's. */
  public static String windowKey(long windowStartEpochSecond, String word) {
    return windowStartEpochSecond + "|" + word;
  }

  /**
   * Counts as a file: their number, then key and count each (a key as its UTF-8 length and
   * bytes: whitespace tokens may hold any character, a line format would need escapes).
   */
  public static void writeCounts(Path file, Map<String, Long> counts) throws IOException {
    try (DataOutputStream out = new DataOutputStream(
        new BufferedOutputStream(Files.newOutputStream(file), 1 << 16))) {
      out.writeInt(counts.size());
      for (Map.Entry<String, Long> e : counts.entrySet()) {
        byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
        out.writeInt(key.length);
        out.write(key);
        out.writeLong(e.getValue());
      }
    }
  }

  public static Map<String, Long> readCounts(Path file) throws IOException {
    try (DataInputStream in = new DataInputStream(
        new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      int n = in.readInt();
      Map<String, Long> counts = new HashMap<>(Math.max(16, n * 4 / 3 + 1));
      for (int i = 0; i < n; i++) {
        byte[] key = new byte[in.readInt()];
        in.readFully(key);
        counts.put(new String(key, StandardCharsets.UTF_8), in.readLong());
      }
      if (in.read() != -1) {
        throw new EOFException("trailing bytes after " + n + " counts in " + file);
      }
      return counts;
    }
  }
}
