package io.trendstream.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.common.UserError;
import io.trendstream.post.TwitterTime;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SourcesTest {
  @TempDir Path dir;

  @Test
  void opensEachValidForm() throws Exception {
    try (PostSource s = Sources.open("synthetic", 42, 100, Vocabulary.STRESS)) {
      assertThat(s).isInstanceOfSatisfying(SyntheticSource.class,
          synthetic -> assertThat(synthetic.vocabulary()).isEqualTo(Vocabulary.STRESS));
      assertThat(s.next()).isNotNull();
    }
    Path sample = JsonLinesSourceTest.sample();
    try (PostSource s = Sources.open("file:" + sample, 42, 0, Vocabulary.SMALL)) {
      assertThat(s.describe()).isEqualTo("file:" + sample);
      assertThat(s.next().idStr()).isEqualTo("536946943952707584");
    }
    try (PostSource s = Sources.open("stdin", 42, 0, Vocabulary.SMALL)) {
      assertThat(s.describe()).isEqualTo("stdin");
    }
  }

  /**
   * Paced at {@code rate} posts/s, synthetic posts must carry the wall-clock time they are sent
   * at: the first one now, and one second more every {@code rate} posts (unpaced, rate 0: every
   * {@link Sources#UNPACED_POSTS_PER_EVENT_SECOND}). Measured over 20 s of event time; created_at
   * has whole seconds, hence a second either way.
   */
  @ParameterizedTest
  @ValueSource(doubles = {10, 250, 0})
  void syntheticEventTimeKeepsPaceWithTheRate(double rate) {
    double perSecond = rate > 0 ? rate : Sources.UNPACED_POSTS_PER_EVENT_SECOND;
    Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    SyntheticSource source = (SyntheticSource) Sources.open("synthetic", 1, rate, Vocabulary.SMALL);
    Instant after = Instant.now();
    List<Instant> times = new ArrayList<>();
    for (int i = 0; i <= 20 * perSecond; i++) {
      times.add(TwitterTime.parse(source.next().createdAt()));
    }
    assertThat(times.get(0)).as("the first post's time").isBetween(before, after);
    assertThat(Duration.between(times.get(0), times.get(times.size() - 1)))
        .as("event time spanned by %s posts at %s/s", times.size() - 1, perSecond)
        .isBetween(Duration.ofSeconds(19), Duration.ofSeconds(21));
  }

  @Test
  void unknownFormsNameTheValidOnes() {
    assertThatThrownBy(() -> Sources.open("kafka:foo", 1, 0, Vocabulary.SMALL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown source 'kafka:foo'; valid forms: synthetic, file:PATH, stdin, x, "
            + "bluesky");
    assertThatThrownBy(() -> Sources.check("file:"))
        .hasMessageContaining("needs a path");
    assertThatThrownBy(() -> Sources.check(""))
        .hasMessageContaining("valid forms");
  }

  @Test
  void liveNamesAreValidFormsOpenedWithTheirOwnFlags() {
    Sources.check("x");
    Sources.check("bluesky");
    assertThat(Sources.isLive("x")).isTrue();
    assertThat(Sources.isLive("bluesky")).isTrue();
    assertThat(Sources.isLive("synthetic")).isFalse();
    assertThat(Sources.isLive("file:x")).isFalse();
    assertThatThrownBy(() -> Sources.open("bluesky", 1, 0, Vocabulary.SMALL))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'bluesky' is a live source");
  }

  @Test
  void missingFileIsAUserError() {
    assertThatThrownBy(
        () -> Sources.open("file:" + dir.resolve("x.jsonl"), 1, 0, Vocabulary.SMALL))
        .isInstanceOf(UserError.class)
        .hasMessageEndingWith("x.jsonl: no such file");
  }
}
