package io.trendstream.source.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link WordFilter}, {@link Backoff}, {@link RecentIds}, {@link LiveStatus}. */
class SmallPartsTest {
  @Test
  void filterMatchesWholeWordsInAnyCase() {
    WordFilter f = new WordFilter(List.of("kafka", "München"));
    assertThat(f.keeps("Kafka, again")).isTrue();
    assertThat(f.keeps("#kafka")).isTrue();
    assertThat(f.keeps("MÜNCHEN calling")).isTrue();
    assertThat(f.keeps("kafkaesque")).isFalse();
    assertThat(f.keeps("apache_kafka")).isFalse();
    assertThat(f.keeps("a+b (kafka.*)")).isTrue();
    assertThat(new WordFilter(List.of("a.*")).keeps("abc")).isFalse();
    assertThat(WordFilter.ALL.keeps("anything")).isTrue();
    assertThatThrownBy(() -> new WordFilter(List.of(" ")))
        .hasMessage("--filter needs a non-empty word");
  }

  @Test
  void backoffDoublesUpToItsMaximumAndResets() {
    Backoff b = new Backoff(1_000, 5_000);
    assertThat(List.of(b.next(), b.next(), b.next(), b.next())).containsExactly(
        1_000L, 2_000L, 4_000L, 5_000L);
    b.reset();
    assertThat(b.next()).isEqualTo(1_000L);
  }

  @Test
  void recentIdsForgetTheOldestBeyondCapacity() {
    RecentIds ids = new RecentIds(2);
    assertThat(ids.add(1)).isTrue();
    assertThat(ids.add(1)).isFalse();
    assertThat(ids.add(2)).isTrue();
    assertThat(ids.add(3)).isTrue();
    assertThat(ids.size()).isEqualTo(2);
    assertThat(ids.add(1)).isTrue();
  }

  @Test
  void statusSummaryIsOneLine() {
    assertThat(new LiveStatus(10, 8, 1, 2, 1_500, "--cursor 17").summary())
        .isEqualTo("received 8, duplicates 1, errors 2, backoff 2s, resume --cursor 17");
    assertThat(new LiveStatus(0, 0, 0, 0, 0, "").summary())
        .isEqualTo("received 0, duplicates 0, errors 0, backoff 0s");
  }
}
