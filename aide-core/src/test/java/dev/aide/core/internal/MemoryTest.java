package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.exec.ExecutionResult;
import java.time.Duration;
import java.util.List;
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

  private static Node buggy(int id, String analysis, String failure) {
    return buggy(id).newBuilder().analysis(analysis).failure(failure).build();
  }

  @Test
  void isEmptyOnlyWhileTheJournalIs() {
    assertThat(Memory.summarize(new Journal())).isEmpty();
  }

  @Test
  void showsFailedAttemptsWithTheirCausesWhenNothingHasSucceeded() {
    Journal journal = new Journal();
    journal.add(buggy(0, "The column 'species' does not exist.", null));
    journal.add(
        buggy(1)
            .newBuilder()
            .execution(
                new ExecutionResult(
                    "Traceback ...\nModuleNotFoundError: No module named 'xgboost'",
                    0,
                    1,
                    Duration.ofSeconds(1),
                    false,
                    "ModuleNotFoundError",
                    "No module named 'xgboost'",
                    List.of()))
            .build());
    journal.add(buggy(2, "", "the coder call failed: HTTP 500\nretry later"));

    String summary = Memory.summarize(journal);

    assertThat(summary)
        .containsSubsequence(
            "Failed attempts",
            "Attempt 0 (draft)\nDesign: buggy plan 0\nFailed: The column 'species' does not exist.",
            "Attempt 1 (draft)\nDesign: buggy plan 1\n"
                + "Failed: it raised ModuleNotFoundError: No module named 'xgboost'",
            "Attempt 2 (draft)\nDesign: buggy plan 2\n"
                + "Failed: the coder call failed: HTTP 500 retry later\n")
        .doesNotContain("Working attempts", "Not shown");
  }

  @Test
  void showsTheMostRecentFailuresAndCountsTheOthers() {
    Journal journal = new Journal();
    for (int i = 0; i < 10; i++) journal.add(buggy(i, "cause " + i, null));

    String summary = Memory.summarize(journal, 5, 5, 3);

    assertThat(summary)
        .contains("The most recent failed attempts")
        .containsSubsequence("Failed: cause 7", "Failed: cause 8", "Failed: cause 9")
        .contains("Not shown: 0 other working attempt(s) and 7 other failed attempt(s).")
        .doesNotContain("cause 6");
  }

  @Test
  void showsTheBestAndTheMostRecentThenTheFailuresAndCountsTheRest() {
    Journal journal = new Journal();
    for (int i = 0; i < 100; i++) journal.add(good(i, i == 42 ? 0.001 : 1000 - i));
    journal.add(buggy(100, "It crashed.", null));
    journal.add(buggy(101, "It crashed again.", null));

    String summary = Memory.summarize(journal, 2, 3, 1);

    // best two (lowest): 42 and 99; most recent three: 97, 98, 99; the last failure: 101
    assertThat(summary)
        .containsSubsequence(
            "Working attempts",
            "Attempt 42 ",
            "Attempt 97 ",
            "Attempt 98 ",
            "Attempt 99 ",
            "failed attempts",
            "Attempt 101 (draft)\nDesign: buggy plan 101\nFailed: It crashed again.")
        .contains("Validation metric: 0.001")
        .contains("Not shown: 96 other working attempt(s) and 1 other failed attempt(s).");
    assertThat(summary).doesNotContain("Attempt 0 ", "Attempt 96 ", "Attempt 100 ");
  }

  @Test
  void stripsALeadingPlanLabelAndCutsAtAWordBoundary() {
    Journal journal = new Journal();
    journal.add(
        good(0, 1).newBuilder().plan("Plan: Use a random forest. " + "trees ".repeat(400)).build());
    journal.add(buggy(1).newBuilder().plan("**Plan:** Use kNN.").build());

    String summary = Memory.summarize(journal);

    assertThat(summary)
        .contains("Design: Use a random forest. trees trees", "Design: Use kNN.\n")
        .contains("trees ... (cut)")
        .doesNotContain("Plan:", "tre ... (cut)", "tree ... (cut)");
  }

  @Test
  void staysBoundedAsTheJournalGrows() {
    Journal small = new Journal();
    Journal large = new Journal();
    for (int i = 0; i < 10; i++) small.add(good(i, i));
    for (int i = 0; i < 10; i++) small.add(buggy(10 + i, "x".repeat(2_000), null));
    for (int i = 0; i < 5_000; i++) large.add(good(i, i));
    for (int i = 0; i < 5_000; i++) large.add(buggy(5_000 + i, "x".repeat(2_000), null));

    int bound =
        (Memory.DEFAULT_KEEP_BEST + Memory.DEFAULT_KEEP_RECENT) * (2 * Memory.MAX_TEXT + 200)
            + Memory.DEFAULT_KEEP_FAILED * (2 * Memory.MAX_FAILED_TEXT + 200);
    assertThat(Memory.summarize(large).length()).isLessThan(bound);
    assertThat(Memory.summarize(large).length()).isLessThan(Memory.summarize(small).length() + 200);
  }

  @Test
  void namesTheHarnesssScoreAsSuchBesideWhatTheProgramPrinted() {
    Journal journal = new Journal();
    journal.add(good(0, 0.999484004127967).newBuilder().printedMetric(0.9937).build());
    journal.add(good(1, 1.0));

    String scored = Memory.summarize(journal, true);

    assertThat(scored)
        .contains("Harness's score: 0.999484 (the program printed 0.9937)\n")
        .contains("Harness's score: 1\n")
        .doesNotContain("Validation metric");
    assertThat(Memory.summarize(journal)).contains("Validation metric: 0.999484\n");
  }
}
