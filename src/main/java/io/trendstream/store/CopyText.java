package io.trendstream.store;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * Rows in PostgreSQL's {@code COPY ... FROM STDIN} text format: tab-separated fields, {@code \N}
 * for null, backslash escapes for tab, newline, carriage return and backslash. Input: rows as
 * arrays of plain Java values (String, Number, Boolean, Instant, Timestamp). Output: UTF-8
 * chunks of whole lines, each at most about {@link #CHUNK_CHARS} characters, so a large batch
 * never becomes one giant array.
 */
public final class CopyText {
  static final int CHUNK_CHARS = 1 << 20;

  private CopyText() {}

  /** Encodes every row of {@code rows}, each turned into its fields by {@code fields}. */
  public static <T> List<byte[]> encode(Iterator<T> rows, Function<T, Object[]> fields) {
    List<byte[]> chunks = new ArrayList<>();
    StringBuilder sb = new StringBuilder();
    while (rows.hasNext()) {
      appendRow(sb, fields.apply(rows.next()));
      if (sb.length() >= CHUNK_CHARS) {
        chunks.add(sb.toString().getBytes(StandardCharsets.UTF_8));
        sb.setLength(0);
      }
    }
    if (sb.length() > 0) {
      chunks.add(sb.toString().getBytes(StandardCharsets.UTF_8));
    }
    return chunks;
  }

  static void appendRow(StringBuilder sb, Object[] fields) {
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) {
        sb.append('\t');
      }
      appendValue(sb, fields[i]);
    }
    sb.append('\n');
  }

  private static void appendValue(StringBuilder sb, Object v) {
    if (v == null) {
      sb.append("\\N");
    } else if (v instanceof String s) {
      appendText(sb, s);
    } else if (v instanceof Instant i) {
      sb.append(i);
    } else if (v instanceof Timestamp t) {
      sb.append(t.toInstant());
    } else {
      sb.append(v);
    }
  }

  private static void appendText(StringBuilder sb, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\t' -> sb.append("\\t");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        // PostgreSQL text cannot hold NUL, which a whitespace-split word or a post can.
        case '\0' -> sb.append('\uFFFD');
        default -> sb.append(c);
      }
    }
  }
}
