package io.trendstream.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.post.Post;
import io.trendstream.post.PostJson;
import io.trendstream.post.TwitterTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SyntheticSourceTest {
  private static final long START = Instant.parse("2026-03-01T12:00:00Z").toEpochMilli();

  private static List<Post> take(SyntheticSource s, int n) {
    List<Post> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(s.next());
    }
    return out;
  }

  @Test
  void sameSeedAndStartGiveIdenticalPosts() {
    List<Post> a = take(new SyntheticSource(7, START, 100), 5000);
    List<Post> b = take(new SyntheticSource(7, START, 100), 5000);
    List<Post> c = take(new SyntheticSource(8, START, 100), 5000);
    assertThat(a).isEqualTo(b);
    assertThat(a).isNotEqualTo(c);
  }

  @Test
  void idsIncreaseAndEventTimeAdvancesOneSecondPerRatePosts() {
    List<Post> posts = take(new SyntheticSource(1, START, 50), 1000);
    for (int i = 1; i < posts.size(); i++) {
      assertThat(posts.get(i).id()).isGreaterThan(posts.get(i - 1).id());
    }
    for (Post p : posts) {
      assertThat(p.idStr()).isEqualTo(Long.toString(p.id()));
    }
    // Realistic start times give snowflake-sized ids, beyond a double's exact range.
    assertThat(posts.get(0).id()).isGreaterThan(1L << 53);
    assertThat(TwitterTime.parse(posts.get(0).createdAt())).isEqualTo(Instant.ofEpochMilli(START));
    assertThat(TwitterTime.parse(posts.get(49).createdAt())).isEqualTo(Instant.ofEpochMilli(START));
    assertThat(TwitterTime.parse(posts.get(50).createdAt()))
        .isEqualTo(Instant.ofEpochMilli(START + 1000));
    assertThat(TwitterTime.parse(posts.get(999).createdAt()))
        .isEqualTo(Instant.ofEpochMilli(START + 19_000));
  }

  @Test
  void postsAreMultilingualWithHashtagsMentionsAndUrls() {
    List<Post> posts = take(new SyntheticSource(42, START, 100), 20_000);
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

  @Test
  void trendsRiseAndFallInTurn() {
    int block = 500;
    int blocks = SyntheticSource.TREND_CYCLE / block;
    SyntheticSource s = new SyntheticSource(42, START, 100);
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

  @Test
  void streamStartsQuiet() {
    SyntheticSource s = new SyntheticSource(3, START, 100);
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
}
