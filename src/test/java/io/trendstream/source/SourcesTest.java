package io.trendstream.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.trendstream.common.UserError;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void syntheticEventTimeKeepsPaceWithTheRate() {
    SyntheticSource a = (SyntheticSource) Sources.open("synthetic", 1, 10, Vocabulary.SMALL);
    for (int i = 0; i < 10; i++) {
      a.next();
    }
    String eleventh = a.next().createdAt();
    SyntheticSource b = (SyntheticSource) Sources.open("synthetic", 1, 10, Vocabulary.SMALL);
    assertThat(eleventh).isNotEqualTo(b.next().createdAt());
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
