package io.trendstream.source.live;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code --filter WORD}: keeps posts whose text contains any of the words. Input: post text;
 * output: keep or drop. A word matches whole, case-insensitively (Unicode), wherever it is not
 * inside a longer word: {@code kafka} keeps "Kafka, again" and "#kafka" but not "kafkaesque".
 * No words keeps everything.
 */
public final class WordFilter {
  public static final WordFilter ALL = new WordFilter(List.of());

  private final List<String> words;
  private final Pattern pattern;

  public WordFilter(List<String> words) {
    this.words = List.copyOf(words);
    for (String w : this.words) {
      if (w.isBlank()) {
        throw new IllegalArgumentException("--filter needs a non-empty word");
      }
    }
    this.pattern = this.words.isEmpty()
        ? null
        : Pattern.compile(
            "(?<![\\p{L}\\p{N}_])(?:"
                + this.words.stream().map(Pattern::quote).collect(Collectors.joining("|"))
                + ")(?![\\p{L}\\p{N}_])",
            Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  }

  public boolean keeps(String text) {
    return pattern == null || pattern.matcher(text).find();
  }

  public List<String> words() {
    return words;
  }
}
