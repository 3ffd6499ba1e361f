package io.trendstream.pipeline;

import com.ibm.icu.text.BreakIterator;
import com.ibm.icu.util.ULocale;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Splits a post's text into the words the counts are kept for. Input: raw post text. Output:
 * tokens, in order.
 *
 * <ul>
 *   <li>{@link #WORDS} (default): lowercased; URLs dropped; punctuation around words stripped;
 *       {@code #hashtags} and {@code @mentions} kept whole; runs of scripts written without
 *       spaces (Japanese, Chinese, Thai...) split into words with ICU's dictionary-based
 *       BreakIterator.
 *   <li>{@link #WHITESPACE}: the original demo's {@code split(text, ' ')}: single spaces only,
 *       case kept, and the empty strings between double spaces count too. The job runs it as
 *       Spark's built-in {@code split}, so {@link #tokenize} here is the reference for tests.
 * </ul>
 */
public enum Tokenizer {
  WORDS,
  WHITESPACE;

  /** Dictionary segmentation is stateful and not thread-safe: one iterator per thread. */
  private static final ThreadLocal<BreakIterator> BREAKER =
      ThreadLocal.withInitial(() -> BreakIterator.getWordInstance(ULocale.ROOT));

  /** Parses a {@code --tokenizer} value. */
  public static Tokenizer of(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown tokenizer '" + name + "' (expected: words, whitespace)");
    }
  }

  public String flagValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  public List<String> tokenize(String text) {
    return Arrays.asList(tokenArray(text));
  }

  /** {@link #tokenize} into an array: the Spark functions' hot path. */
  public String[] tokenArray(String text) {
    if (text == null) {
      return new String[0];
    }
    if (this == WHITESPACE) {
      // String.split(" ", -1) is exactly Spark's split(text, ' ') with its default limit -1.
      return text.split(" ", -1);
    }
    List<String> out = new ArrayList<>();
    words(text, out);
    return out.toArray(new String[0]);
  }

  private static void words(String text, List<String> out) {
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && isSpace(text.charAt(i))) {
        i++;
      }
      int end = i;
      while (end < n && !isSpace(text.charAt(end))) {
        end++;
      }
      if (end > i && !isUrl(text, i, end)) {
        chunk(text, i, end, out);
      }
      i = end;
    }
  }

  /** A chunk is the text between white space; it may hold several tokens ("yes!!no"). */
  private static void chunk(String s, int from, int to, List<String> out) {
    int p = from;
    while (p < to) {
      int cp = s.codePointAt(p);
      int start = p;
      boolean prefixed = false;
      if ((cp == '#' || cp == '@') && p + 1 < to && isWordStart(s.codePointAt(p + 1))) {
        prefixed = true;
        p++;
      } else if (!isWordStart(cp)) {
        p += Character.charCount(cp);
        continue;
      }
      boolean spaceless = false;
      while (p < to) {
        int c = s.codePointAt(p);
        if (isWordChar(c)) {
          spaceless |= isSpacelessScript(c);
          p += Character.charCount(c);
        } else if (isJoiner(c) && p + 1 < to && isWordChar(s.codePointAt(p + 1))) {
          p += Character.charCount(c);
        } else {
          break;
        }
      }
      String token = s.substring(start, p).toLowerCase(Locale.ROOT);
      if (spaceless && !prefixed) {
        segment(token, out);
      } else {
        out.add(token);
      }
    }
  }

  private static void segment(String token, List<String> out) {
    BreakIterator it = BREAKER.get();
    it.setText(token);
    int start = it.first();
    for (int end = it.next(); end != BreakIterator.DONE; start = end, end = it.next()) {
      if (it.getRuleStatus() != BreakIterator.WORD_NONE) {
        out.add(token.substring(start, end));
      }
    }
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\u3000' || c == '\u00a0'
        || Character.isWhitespace(c);
  }

  private static boolean isUrl(String s, int from, int to) {
    char c = s.charAt(from);
    if (c != 'h' && c != 'H' && c != 'w' && c != 'W') {
      return false;  // case-insensitive regionMatches costs more than the rest of the chunk
    }
    return s.regionMatches(true, from, "http://", 0, 7)
        || s.regionMatches(true, from, "https://", 0, 8)
        || s.regionMatches(true, from, "www.", 0, 4);
  }

  private static boolean isWordChar(int cp) {
    if (cp < 0x80) {
      return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9')
          || cp == '_';
    }
    if (Character.isLetterOrDigit(cp)) {
      return true;
    }
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK;
  }

  /**
   * A mark only continues a word: alone, e.g. the emoji variation selector U+FE0F after a
   * symbol, it is no word.
   */
  private static boolean isWordStart(int cp) {
    if (cp < 0x80) {
      return isWordChar(cp);
    }
    return Character.isLetterOrDigit(cp);
  }

  /** Kept inside a word only, so "don't", "e-mail" and "3.5" stay whole. */
  private static boolean isJoiner(int cp) {
    return cp == '\'' || cp == '\u2019' || cp == '-' || cp == '.';
  }

  private static boolean isSpacelessScript(int cp) {
    if (cp < 0x0E00) {
      return false;
    }
    Character.UnicodeScript script = Character.UnicodeScript.of(cp);
    switch (script) {
      case HAN:
      case HIRAGANA:
      case KATAKANA:
      case THAI:
      case LAO:
      case KHMER:
      case MYANMAR:
        return true;
      default:
        return false;
    }
  }
}
