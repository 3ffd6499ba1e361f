package io.trendstream.common;

import java.util.HashSet;
import java.util.Set;

/**
 * Turning exceptions and figures into the one-line text users and logs see: a
 * {@link UserError} is printed on one line, and a Spark or Kafka message often is not.
 */
public final class Messages {
  private Messages() {}

  /** The first line of {@code text}, stripped; "" for null. */
  public static String firstLine(String text) {
    String t = text == null ? "" : text.strip();
    int nl = t.indexOf('\n');
    return nl < 0 ? t : t.substring(0, nl);
  }

  /**
   * The message of the innermost cause, which names what actually went wrong (the outer ones
   * of Kafka's and Spark's exceptions say only "failed to ..."); its class's simple name when
   * it has none.
   */
  public static String rootMessage(Throwable e) {
    Throwable t = e;
    Set<Throwable> seen = new HashSet<>();
    // The set guards against a cause chain that loops back on itself.
    while (t.getCause() != null && seen.add(t)) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }

  /** {@code d}, or 0 for NaN and infinity (Spark's rates before any input) in printed figures. */
  public static double finite(double d) {
    return Double.isFinite(d) ? d : 0;
  }
}
