package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TextTest {
  @Test
  void formatsDurationsTheWayAPersonReadsThem() {
    assertThat(Text.duration(Duration.ofMillis(850))).isEqualTo("850 ms");
    assertThat(Text.duration(Duration.ofMillis(4250))).isEqualTo("4.3 s");
    assertThat(Text.duration(Duration.ofSeconds(192))).isEqualTo("3 min 12 s");
    assertThat(Text.duration(Duration.ofMinutes(125))).isEqualTo("2 h 05 min");
    assertThat(Text.duration(Duration.ofSeconds(-3))).isEqualTo("0 ms");
  }

  @Test
  void roughDurationsUseOneWholeUnit() {
    assertThat(Text.roughDuration(Duration.ofMillis(850))).isEqualTo("850 ms");
    assertThat(Text.roughDuration(Duration.ofSeconds(119))).isEqualTo("119 s");
    assertThat(Text.roughDuration(Duration.ofSeconds(150))).isEqualTo("2 min");
    assertThat(Text.roughDuration(Duration.ofMinutes(119))).isEqualTo("119 min");
    assertThat(Text.roughDuration(Duration.ofHours(3).plusMinutes(59))).isEqualTo("3 h");
  }

  @Test
  void abbreviateKeepsSurrogatePairsWhole() {
    assertThat(Text.abbreviate("short", 5)).isEqualTo("short");
    assertThat(Text.abbreviate("abcdefgh", 6)).isEqualTo("abc...");
    assertThat(Text.abbreviate("ab\uD83D\uDE00defgh", 6)).isEqualTo("ab...");
  }

  @Test
  void cutMarksWhereTheTextWasCut() {
    assertThat(Text.cut("  fits  ", 10)).isEqualTo("fits");
    assertThat(Text.cut("x".repeat(40), 20)).isEqualTo("xxxxx ... (cut)");
  }

  @Test
  void cutAtWordDoesNotSplitAWord() {
    assertThat(Text.cutAtWord("  fits  ", 10)).isEqualTo("fits");
    assertThat(Text.cutAtWord("alpha beta gamma delta epsilon", 24))
        .isEqualTo("alpha beta ... (cut)")
        .hasSizeLessThanOrEqualTo(24);
    assertThat(Text.cutAtWord("x".repeat(40), 20)).isEqualTo("xxxxxxxxxx ... (cut)");
  }
}
