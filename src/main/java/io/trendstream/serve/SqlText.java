package io.trendstream.serve;

import java.util.Locale;

/**
 * Reads just enough of a PostgreSQL statement to refuse, with a clear message, what the SQL API
 * never runs: more than one statement, or a statement that is not a query. The database's
 * read-only role is what makes the API safe; this only turns its errors into plain words.
 * Knows PostgreSQL's quoting: '...' and E'...' strings, "identifiers", $tag$ dollar quotes$tag$,
 * -- and nested block comments.
 */
final class SqlText {
  private SqlText() {}

  /**
   * The statement without trailing semicolons and whitespace.
   *
   * @throws IllegalArgumentException when it holds more than one statement or none
   */
  static String single(String sql) {
    String s = sql.strip();
    while (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1).strip();
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("empty query: send one SELECT statement");
    }
    int i = 0;
    int n = s.length();
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\'') {
        boolean escapes = i > 0 && (s.charAt(i - 1) == 'E' || s.charAt(i - 1) == 'e');
        i = skipQuoted(s, i, '\'', escapes);
      } else if (c == '"') {
        i = skipQuoted(s, i, '"', false);
      } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
        int nl = s.indexOf('\n', i);
        i = nl < 0 ? n : nl + 1;
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        i = skipBlockComment(s, i);
      } else if (c == '$' && dollarTag(s, i) != null) {
        String tag = dollarTag(s, i);
        int end = s.indexOf(tag, i + tag.length());
        i = end < 0 ? n : end + tag.length();
      } else if (c == ';') {
        throw new IllegalArgumentException(
            "one statement per request: send a single SELECT without ';' in between");
      } else {
        i++;
      }
    }
    return s;
  }

  /** The statement's first keyword, lowercased ("" when it starts with something else). */
  static String firstKeyword(String sql) {
    String s = sql.strip();
    while (s.startsWith("(") || s.startsWith("--") || s.startsWith("/*")) {
      if (s.startsWith("(")) {
        s = s.substring(1).strip();
      } else if (s.startsWith("--")) {
        int nl = s.indexOf('\n');
        s = nl < 0 ? "" : s.substring(nl + 1).strip();
      } else {
        s = s.substring(Math.min(s.length(), skipBlockComment(s, 0))).strip();
      }
    }
    int end = 0;
    while (end < s.length() && Character.isLetter(s.charAt(end))) {
      end++;
    }
    return s.substring(0, end).toLowerCase(Locale.ROOT);
  }

  private static int skipQuoted(String s, int start, char quote, boolean backslashEscapes) {
    int i = start + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (backslashEscapes && c == '\\') {
        i += 2;
      } else if (c == quote) {
        if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
          i += 2; // a doubled quote stands for itself
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return i;
  }

  private static int skipBlockComment(String s, int start) {
    int depth = 0;
    int i = start;
    while (i < s.length()) {
      if (s.startsWith("/*", i)) {
        depth++;
        i += 2;
      } else if (s.startsWith("*/", i)) {
        depth--;
        i += 2;
        if (depth == 0) {
          return i;
        }
      } else {
        i++;
      }
    }
    return i;
  }

  /** {@code $$} or {@code $tag$} starting at {@code i}, else null (a $1 parameter, say). */
  private static String dollarTag(String s, int i) {
    int j = i + 1;
    while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
      if (j == i + 1 && Character.isDigit(s.charAt(j))) {
        return null;
      }
      j++;
    }
    return j < s.length() && s.charAt(j) == '$' ? s.substring(i, j + 1) : null;
  }
}
