package io.trendstream.serve;

import java.util.Set;

/**
 * Words the dashboard hides from "top words" and "trends" unless the user asks for them: the
 * most common English function words, a few Spanish, Portuguese and French ones (the languages
 * most often seen in public posts after English), and Twitter noise ({@code rt}, {@code amp}).
 * Input: nothing. Output: lower-case words; the dashboard compares {@code lower(word)}.
 */
public final class StopWords {
  public static final Set<String> WORDS = Set.of(
      // English
      "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
      "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
      "by", "can", "could", "did", "do", "does", "doing", "don't", "down", "during", "each", "few",
      "for", "from", "further", "get", "got", "had", "has", "have", "having", "he", "her", "here",
      "hers", "herself", "him", "himself", "his", "how", "i", "i'm", "if", "in", "into", "is",
      "it", "it's", "its", "itself", "just", "let", "like", "me", "more", "most", "my", "myself",
      "no", "nor", "not", "now", "of", "off", "on", "once", "one", "only", "or", "other", "our",
      "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such",
      "than", "that", "that's", "the", "their", "theirs", "them", "themselves", "then", "there",
      "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "us",
      "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why",
      "will", "with", "would", "you", "you're", "your", "yours", "yourself", "yourselves",
      // Spanish, Portuguese, French (only words that are not also English ones above)
      "de", "la", "que", "el", "en", "y", "los", "se", "del", "las", "un", "por", "con", "una",
      "su", "para", "es", "al", "lo", "como", "pero", "mas", "más", "o", "e", "da", "em",
      "um", "uma", "os", "não", "le", "les", "et", "des", "du", "est", "pas", "je", "il", "qui",
      // Twitter noise
      "rt", "amp", "via");

  private StopWords() {}
}
