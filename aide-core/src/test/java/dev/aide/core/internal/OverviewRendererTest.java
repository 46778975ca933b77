package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OverviewRendererTest {
  @Test
  void humanSizeRoundsUpToTheNextUnitInsteadOfPrinting1000() {
    assertThat(OverviewRenderer.humanSize(0)).isEqualTo("0 B");
    assertThat(OverviewRenderer.humanSize(999)).isEqualTo("999 B");
    assertThat(OverviewRenderer.humanSize(999_960)).isEqualTo("1.0 MB");
    assertThat(OverviewRenderer.humanSize(1_500_000_000L)).isEqualTo("1.5 GB");
  }

  @Test
  void fenceIsLongerThanAnyRunOfBackticksInTheBody() {
    assertThat(OverviewRenderer.fenceFor("no ticks")).isEqualTo("```");
    assertThat(OverviewRenderer.fenceFor("Example:\n```python\nprint(1)\n```\n")).isEqualTo("````");
    assertThat(OverviewRenderer.fenceFor("`````")).isEqualTo("``````");
  }

  @Test
  void quotesValuesWithEscapesAndBlanksOutOtherControlCharacters() {
    assertThat(OverviewRenderer.quote("a\"b\\c\n\r\t\u0001"))
        .isEqualTo("\"a\\\"b\\\\c\\n\\r\\t \"");
  }
}
