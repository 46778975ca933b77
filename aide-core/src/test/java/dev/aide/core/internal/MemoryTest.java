package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import org.junit.jupiter.api.Test;

class MemoryTest {
  private static Node good(int id, double metric) {
    return Node.builder()
        .id(id)
        .step(id)
        .plan("plan " + id + " " + "p".repeat(2_000))
        .analysis("analysis " + id)
        .metric(Metric.of(metric, Direction.MINIMIZE))
        .build();
  }

  private static Node buggy(int id) {
    return Node.builder()
        .id(id)
        .step(id)
        .plan("buggy plan " + id)
        .metric(Metric.worst(Direction.MINIMIZE))
        .buggy(true)
        .build();
  }

  @Test
  void isEmptyWithoutGoodNodes() {
    Journal journal = new Journal();
    journal.add(buggy(0));

    assertThat(Memory.summarize(journal)).isEmpty();
  }

  @Test
  void showsTheBestAndTheMostRecentAndCountsTheRest() {
    Journal journal = new Journal();
    for (int i = 0; i < 100; i++) journal.add(good(i, i == 42 ? 0.001 : 1000 - i));
    journal.add(buggy(100));

    String summary = Memory.summarize(journal, 2, 3);

    // best two (lowest): 42 and 99; most recent three: 97, 98, 99
    assertThat(summary)
        .containsSubsequence("Attempt 42 ", "Attempt 97 ", "Attempt 98 ", "Attempt 99 ")
        .contains("Validation metric: 0.001")
        .contains("Not shown: 96 other working attempt(s) and 1 failed attempt(s).");
    assertThat(summary).doesNotContain("Attempt 0 ", "Attempt 96 ", "buggy plan");
  }

  @Test
  void staysBoundedAsTheJournalGrows() {
    Journal small = new Journal();
    Journal large = new Journal();
    for (int i = 0; i < 10; i++) small.add(good(i, i));
    for (int i = 0; i < 5_000; i++) large.add(good(i, i));

    int bound =
        (Memory.DEFAULT_KEEP_BEST + Memory.DEFAULT_KEEP_RECENT) * (2 * Memory.MAX_TEXT + 200);
    assertThat(Memory.summarize(large).length()).isLessThan(bound);
    assertThat(Memory.summarize(large).length()).isLessThan(Memory.summarize(small).length() + 200);
  }
}
