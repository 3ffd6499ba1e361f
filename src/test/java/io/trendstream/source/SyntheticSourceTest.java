package io.trendstream.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import io.trendstream.post.TwitterTime;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class SyntheticSourceTest {
  private static final long START = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();

  private static List<Post> take(SyntheticSource s, int n) {
    List<Post> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(s.next());
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(Vocabulary.class)
  void sameSeedAndStartGiveIdenticalPosts(Vocabulary v) {
    List<Post> a = take(new SyntheticSource(7, START, 100, v), 5000);
    List<Post> b = take(new SyntheticSource(7, START, 100, v), 5000);
    List<Post> c = take(new SyntheticSource(8, START, 100, v), 5000);
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }

  /**
   * The benchmark's figures were measured on this feed: its posts must stay exactly the same,
   * draw for draw, whatever the other vocabularies add. The digest was taken before they existed.
   */
  @Test
  void smallVocabularyIsTheOriginalFeed() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    SyntheticSource s = new SyntheticSource(42, START, 100);
    assertThat(s.vocabulary()).isEqualTo(Vocabulary.SMALL);
    for (int i = 0; i < 20_000; i++) {
      sha.update((PostJson.toJson(s.next()) + "\n").getBytes(StandardCharsets.UTF_8));
    }
    assertThat(HexFormat.of().formatHex(sha.digest()))
        .isEqualTo("39df1432fceada950a09f594641fc474e0cca976b787c4a97f6ca2395f049ce5");
  }

  @Test
  void vocabulariesOfOneSeedAreDifferentFeeds() {
    List<Post> small = take(new SyntheticSource(7, START, 100, Vocabulary.SMALL), 1000);
    List<Post> realistic = take(new SyntheticSource(7, START, 100, Vocabulary.REALISTIC), 1000);
    List<Post> stress = take(new SyntheticSource(7, START, 100, Vocabulary.STRESS), 1000);
    assertThat(realistic).isNotEqualTo(small).isNotEqualTo(stress);
    assertThat(new SyntheticSource(7, START, 100, Vocabulary.REALISTIC).describe())
        .isEqualTo("synthetic(seed=7, vocabulary=realistic)");
  }

  /**
   * Distinct lowercased whitespace tokens (how the 2,042 real tweets were counted) at 100 k and
   * 200 k posts; Heaps' law V = K * N^b fitted through the two extrapolates to 1 M posts, where
   * the targets are set. The words tokenizer's count ({@code word_counts}) grows too: small's is
   * a fixed 2,507 (its posts are pinned above). ICU segmentation is the slow part, so the words
   * tokenizer sees the first 50 k posts only.
   */
  @ParameterizedTest
  @CsvSource({
      // vocabulary, lowercased at 200 k min, max, at 1 M min, max, words at 50 k min
      "realistic,   85000,  130000,  250000,  450000,  20000",
      "stress,     450000,  650000, 1600000, 2800000, 120000"})
  void longTailVocabulariesReachTheirTargetsAndKeepGrowing(String name, int min200k,
      int max200k, int min1m, int max1m, int minWords50k) {
    SyntheticSource s = new SyntheticSource(42, START, 1000, Vocabulary.of(name));
    VocabularyCount.Distinct d = new VocabularyCount.Distinct(true).take(s, 50_000);
    int words50k = d.words.size();
    d.withWords = false;
    int at100k = d.take(s, 50_000).lowercased.size();
    int at200k = d.take(s, 100_000).lowercased.size();
    double b = Math.log((double) at200k / at100k) / Math.log(2);
    double at1m = at200k * Math.pow(5, b);

    assertThat(at200k).as("%s: distinct at 200 k posts", name).isBetween(min200k, max200k);
    assertThat(at1m).as("%s: extrapolated to 1 M posts (b = %.2f)", name, b)
        .isBetween((double) min1m, (double) max1m);
    // Growth does not stall: twice the posts, clearly more words (b >= 0.55).
    assertThat(at200k).as("%s: 200 k vs 100 k posts", name).isGreaterThan(at100k * 146 / 100);
    assertThat(words50k).as("%s: words tokenizer at 50 k posts", name)
        .isGreaterThan(minWords50k);
  }

  @ParameterizedTest
  @EnumSource(Vocabulary.class)
  void postsAreMultilingualWithHashtagsMentionsAndUrls(Vocabulary v) {
    List<Post> posts = take(new SyntheticSource(42, START, 100, v), 20_000);
    Map<String, Integer> byLang = new HashMap<>();
    posts.forEach(p -> byLang.merge(p.lang(), 1, Integer::sum));
    assertThat(byLang.keySet()).containsExactlyInAnyOrder("en", "es", "ja", "de", "fr", "pt");
    assertThat(byLang.values()).allSatisfy(n -> assertThat(n).isGreaterThan(1000));
    assertThat(posts).anySatisfy(p -> assertThat(p.text()).contains("@"));
    assertThat(posts).anySatisfy(p -> assertThat(p.text()).contains("https://t.co/"));
    assertThat(posts).anySatisfy(p -> assertThat(p.text()).contains("#"));
    // Japanese sentences are written without spaces: the sentence part has none.
    assertThat(posts).filteredOn(p -> p.lang().equals("ja"))
        .allSatisfy(p -> assertThat(sentence(p.text())).doesNotContain(" ").isNotEmpty())
        .anySatisfy(p -> assertThat(p.text()).containsPattern("\\p{IsHan}|\\p{IsKatakana}"));
    // Every post survives the wire format.
    posts.subList(0, 200).forEach(p -> assertThat(PostJson.parse(PostJson.toJson(p))).isEqualTo(p));
  }

  /** The text without a leading mention and trailing emoji/hashtag/URL parts. */
  private static String sentence(String text) {
    String s = text.startsWith("@") ? text.substring(text.indexOf(' ') + 1) : text;
    int space = s.indexOf(' ');
    return space < 0 ? s : s.substring(0, space);
  }

  @ParameterizedTest
  @EnumSource(Vocabulary.class)
  void trendsRiseAndFallInTurn(Vocabulary v) {
    int block = 500;
    int blocks = SyntheticSource.TREND_CYCLE / block;
    SyntheticSource s = new SyntheticSource(42, START, 100, v);
    int[][] counts = new int[SyntheticSource.TRENDS.size()][blocks];
    for (int b = 0; b < blocks; b++) {
      for (int i = 0; i < block; i++) {
        String text = s.next().text();
        for (int t = 0; t < SyntheticSource.TRENDS.size(); t++) {
          if (text.contains(SyntheticSource.TRENDS.get(t).hashtag())) {
            counts[t][b]++;
          }
        }
      }
    }
    int previousPeak = -1;
    for (int t = 0; t < counts.length; t++) {
      int[] c = counts[t];
      int peak = argMax(c);
      int expectedPeak = (SyntheticSource.FIRST_PEAK + t * SyntheticSource.TREND_SPACING) / block;
      assertThat(peak).as("peak block of trend %d", t)
          .isBetween(expectedPeak - 1, expectedPeak + 1);
      assertThat(peak).isGreaterThan(previousPeak);
      previousPeak = peak;
      // Rises: several times more posts at the peak than four blocks before; falls likewise.
      int before = c[Math.floorMod(peak - 4, blocks)];
      int after = c[Math.floorMod(peak + 4, blocks)];
      assertThat(c[peak]).as("trend %d at peak vs before/after", t)
          .isGreaterThan(100)
          .isGreaterThan(5 * before)
          .isGreaterThan(5 * after);
    }
  }

  private static int argMax(int[] a) {
    int best = 0;
    for (int i = 1; i < a.length; i++) {
      if (a[i] > a[best]) {
        best = i;
      }
    }
    return best;
  }

  @ParameterizedTest
  @EnumSource(Vocabulary.class)
  void streamStartsQuiet(Vocabulary v) {
    SyntheticSource s = new SyntheticSource(3, START, 100, v);
    long trending = take(s, 500).stream().filter(SyntheticSourceTest::isTrending).count();
    assertThat(trending).isLessThan(25);
  }

  private static boolean isTrending(Post p) {
    return SyntheticSource.TRENDS.stream().anyMatch(t -> p.text().contains(t.hashtag()));
  }

  @Test
  void rejectsNonPositiveRate() {
    assertThatThrownBy(() -> new SyntheticSource(1, START, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void vocabularyNamesParseAndUnknownOnesNameTheValidOnes() {
    assertThat(Vocabulary.of(" Realistic")).isEqualTo(Vocabulary.REALISTIC);
    assertThat(Vocabulary.STRESS.flagValue()).isEqualTo("stress");
    assertThatThrownBy(() -> Vocabulary.of("huge"))
        .hasMessage("unknown vocabulary 'huge' (expected: small, realistic, stress)");
  }
}
