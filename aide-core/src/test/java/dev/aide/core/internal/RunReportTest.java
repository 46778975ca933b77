package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.StopReason;
import dev.aide.core.Task;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunReportTest {
  private final Journal journal = ReportFixtures.journal();
  private final String report =
      RunReport.markdown(
          ReportFixtures.TASK, journal.nodes(), StopReason.STEPS_DONE, Duration.ofMinutes(10));

  @Test
  void statesTheTaskAndHowItIsScored() {
    assertThat(report)
        .startsWith("# AIDE run report\n\n## Task\n\n> Classify the iris flowers by species\n")
        .contains("- **Evaluation:** Accuracy on a held-out fifth of the data\n")
        .contains("- **Language:** Python\n")
        .contains("- **Direction:** higher is better (decided by the reviewer)\n");
  }

  @Test
  void namesTheBestNodeAndItsLineageBackToTheDraft() {
    assertThat(report)
        .contains("- **Best metric:** 0.81 (higher is better), node 6 (CROSSOVER, step 6)\n")
        .contains(
            "- **Lineage:** node 0 DRAFT (0.7) → node 3 IMPROVE (0.78)"
                + " → node 6 CROSSOVER with node 5 (0.81)\n")
        .contains("- **Nodes:** 9 finished, 6 good, 3 buggy\n")
        .contains("The reviewer on node 6:\n\n> Ran cleanly; accuracy 0.81.\n");
  }

  @Test
  void tablesEachStepWhereTheBestImproved() {
    assertThat(section(report, "How the best improved"))
        .isEqualTo(
            """
            | Step | Node | Stage | Best metric | Change |
            |---:|---:|---|---:|---:|
            | 0 | 0 | DRAFT | 0.7 | first |
            | 2 | 2 | DEBUG | 0.72 | +0.02 |
            | 3 | 3 | IMPROVE | 0.78 | +0.06 |
            | 6 | 6 | CROSSOVER | 0.81 | +0.03 |
            """);
  }

  @Test
  void listsTheTopFiveAttemptsBestFirstWithTheirPlans() {
    String top = section(report, "Top attempts");

    assertThat(headings(top))
        .containsExactly(
            "### 1. Node 6: 0.81 (CROSSOVER, step 6)",
            "### 2. Node 7: 0.8 (IMPROVE, step 7)",
            "### 3. Node 3: 0.78 (IMPROVE, step 3)",
            "### 4. Node 5: 0.75 (IMPROVE, step 5)",
            "### 5. Node 2: 0.72 (DEBUG, step 2)");
    assertThat(top).contains("> Add polynomial features of degree 2\n");
  }

  @Test
  void countsGoodAndBuggyNodesByStage() {
    assertThat(section(report, "Nodes by stage"))
        .isEqualTo(
            """
            | Stage | Good | Buggy | Total |
            |---|---:|---:|---:|
            | DRAFT | 1 | 1 | 2 |
            | IMPROVE | 3 | 1 | 4 |
            | DEBUG | 1 | 1 | 2 |
            | CROSSOVER | 1 | 0 | 1 |
            | **All** | 6 | 3 | 9 |
            """);
  }

  @Test
  void saysWhyNodesWereBuggy() {
    assertThat(section(report, "Why nodes were buggy"))
        .isEqualTo(
            """
            | Reason | Nodes |
            |---|---:|
            | raised ValueError: bad input | 1 |
            | timed out | 1 |
            | the coder returned no code \\| twice | 1 |
            """);
  }

  @Test
  void sumsTokensAndCost() {
    assertThat(section(report, "Tokens and cost"))
        .contains("| Input | 9,000 |\n")
        .contains("| of which cached | 900 |\n")
        .contains("| Output | 1,800 |\n")
        .contains("| of which reasoning | 450 |\n")
        .contains("| **Total** | 10,800 |\n")
        .contains("**Cost:** $0.0900 ");
  }

  @Test
  void reportsWallTimeNodeTimeAndRunTime() {
    assertThat(section(report, "Time"))
        .contains("| Wall time of the search | 10 min 0 s |\n")
        .contains("| Nodes, summed (LLM calls and runs) | 4 min 30 s |\n")
        .contains("| Runs of the code, summed | 1 min 20 s |\n")
        .contains("| Mean per node | 30.0 s |\n");
  }

  @Test
  void saysWhyTheSearchStoppedOrThatItIsStillRunning() {
    assertThat(report)
        .contains(
            "- **Stopped:** the journal reached the number of steps the search was given"
                + " (`STEPS_DONE`)\n");
    String running =
        RunReport.markdown(ReportFixtures.TASK, journal.nodes(), null, Duration.ofSeconds(5));
    assertThat(running).contains("- **Stopped:** not yet; the search was still running");
  }

  @Test
  void escapesHtmlAndPipesFromTheLlm() {
    String top = section(report, "Top attempts");

    assertThat(top).contains("> Tune it | &lt;b>bold&lt;/b> & &lt;/script> more\n");
    assertThat(report).doesNotContain("<b>", "</script>");
  }

  @Test
  void keepsCodeInTheTaskAsCodeWithItsLessThanSigns() {
    Task task =
        Task.builder()
            .goal(
                """
                    indented code first: if a < b: pass

                Predict `y` where `x<3` holds; never <script>.

                ```python
                if a < b:

                    print("<b>")
                ```

                After the block <i>.

                    for i in range(3): print(i < 2)

                \tprint(a < b)  # a tab
                ```
                ```
                    after a fence: x < y
                """)
            .evaluation(
                """
                RMSE, computed as

                ~~~
                rmse = sqrt(mean((y - p) ** 2))  # p < 0 clipped
                ~~~
                """)
            .build();

    String md = RunReport.markdown(task, List.of(), StopReason.CANCELLED, Duration.ZERO);

    assertThat(md)
        .contains(
            """
            ## Task

            >     indented code first: if a < b: pass
            >
            > Predict `y` where `x<3` holds; never &lt;script>.
            >
            > ```python
            > if a < b:
            >
            >     print("<b>")
            > ```
            >
            > After the block &lt;i>.
            >
            >     for i in range(3): print(i < 2)
            >
            >     print(a < b)  # a tab
            > ```
            > ```
            >     after a fence: x < y

            - **Evaluation:**

              > RMSE, computed as
              >
              > ~~~
              > rmse = sqrt(mean((y - p) ** 2))  # p < 0 clipped
              > ~~~

            - **Language:** Python
            """)
        .doesNotContain("<script>", "<i>");
  }

  @Test
  void escapesWhatOnlyLooksLikeCode() {
    Task task =
        Task.builder()
            .goal(
                """
                - a list item
                  continued

                    <b>a paragraph of the item, not code</b>
                An ``unclosed span <u> and `one` <s>, and \\`not a span <q>`.
                ```
                unclosed fence <kept>
                """)
            .evaluation("Lines in a `<cell>` and <em> | piped")
            .build();

    String md = RunReport.markdown(task, List.of(), StopReason.CANCELLED, Duration.ZERO);

    assertThat(md)
        .contains(">     &lt;b>a paragraph of the item, not code&lt;/b>\n")
        .contains("> An ``unclosed span &lt;u> and `one` &lt;s>, and \\`not a span &lt;q>`.\n")
        .contains("> unclosed fence <kept>\n")
        .contains("- **Evaluation:** Lines in a `<cell>` and &lt;em> | piped\n");
  }

  @Test
  void bugReasonsGiveTheExceptionsMessageOrTheFailure() {
    Node raised =
        ReportFixtures.buggy(
            0,
            Stage.DRAFT,
            List.of(),
            "p",
            new dev.aide.core.exec.ExecutionResult(
                "out",
                0,
                1,
                Duration.ofSeconds(1),
                false,
                "KeyError",
                "'SalePrice'\nsecond line",
                List.of()));
    Node exited =
        ReportFixtures.buggy(1, Stage.DRAFT, List.of(), "p", ReportFixtures.run("oops", 2, null))
            .newBuilder()
            .failure("\nthe output holds no metric for accuracy to read")
            .build();
    Node bare =
        ReportFixtures.buggy(2, Stage.DRAFT, List.of(), "p", ReportFixtures.run("", 3, null));
    Node judged = ReportFixtures.buggy(3, Stage.DRAFT, List.of(), "p", null);
    Node long_ =
        judged.newBuilder().id(4).failure("the review call failed: " + "x".repeat(300)).build();

    assertThat(RunReport.bugReason(raised)).isEqualTo("raised KeyError: 'SalePrice'");
    assertThat(RunReport.bugReason(exited))
        .isEqualTo("exited with code 2: the output holds no metric for accuracy to read");
    assertThat(RunReport.bugReason(bare)).isEqualTo("exited with code 3");
    assertThat(RunReport.bugReason(judged)).isEqualTo("the reviewer judged it buggy");
    assertThat(RunReport.bugReason(long_))
        .hasSizeLessThanOrEqualTo(RunReport.REASON_CHARS)
        .startsWith("the review call failed: xxx")
        .endsWith("(cut)");
  }

  @Test
  void wallTimeAddsTheEarlierSessionsToThisOne() {
    RunReport resumed = new RunReport(ReportFixtures.TASK);
    for (Node node : journal.nodes()) resumed.add(node);
    resumed.earlierSessions(Duration.ofMinutes(4));

    String md = resumed.markdown(StopReason.STEPS_DONE, null, Duration.ofSeconds(90));

    assertThat(md)
        .contains(
            "- **Wall time:** 5 min 30 s (this session 1 min 30 s, earlier sessions 4 min 0 s)\n")
        .contains(
            "| Wall time of the search | 5 min 30 s (this session 1 min 30 s, earlier sessions"
                + " 4 min 0 s) |\n");
  }

  @Test
  void busyTimeIsTheUnionOfTheNodesRunningTimes() {
    // 0-30 s, 10-40 s (overlapping), 40-50 s (touching), then a gap and 100-130 s; 5 s out of
    // order.
    List<Node> nodes =
        List.of(
            timed(0, 0, 30),
            timed(1, 100, 130),
            timed(2, 10, 40),
            timed(3, 40, 50),
            timed(4, 20, 25));

    assertThat(RunReport.busyTime(nodes)).isEqualTo(Duration.ofSeconds(80));
    assertThat(RunReport.busyTime(List.of())).isEqualTo(Duration.ZERO);
    assertThat(RunReport.busyTime(journal.nodes())).isEqualTo(Duration.ofSeconds(9 * 30));
  }

  private static Node timed(int id, long fromSecond, long toSecond) {
    return ReportFixtures.good(id, Stage.DRAFT, List.of(), 1, "p")
        .newBuilder()
        .startedAt(ReportFixtures.START.plusSeconds(fromSecond))
        .finishedAt(ReportFixtures.START.plusSeconds(toSecond))
        .build();
  }

  @Test
  void ordersAttemptsByTheLowestMetricWhenLowerIsBetter() {
    List<Node> nodes = ReportFixtures.minimizingDrafts(5.0, 3.0, 4.0, 2.5);
    Task task = ReportFixtures.TASK.newBuilder().direction(Direction.MINIMIZE).build();

    String md = RunReport.markdown(task, nodes, StopReason.CANCELLED, Duration.ZERO);

    assertThat(md)
        .contains("- **Direction:** lower is better (set by the task)\n")
        .contains("- **Best metric:** 2.5 (lower is better), node 3 (DRAFT, step 3)\n")
        .contains("- **Lineage:** node 3 DRAFT (2.5)\n");
    assertThat(headings(section(md, "Top attempts")))
        .extracting(h -> h.substring(0, h.indexOf(':')))
        .containsExactly("### 1. Node 3", "### 2. Node 1", "### 3. Node 2", "### 4. Node 0");
    assertThat(section(md, "How the best improved"))
        .contains("| 1 | 1 | DRAFT | 3 | -2 |\n", "| 3 | 3 | DRAFT | 2.5 | -0.5 |\n");
  }

  @Test
  void reportsARunWithNoNodes() {
    String md =
        RunReport.markdown(
            ReportFixtures.TASK, List.of(), StopReason.CANCELLED, Duration.ofMillis(250));

    assertThat(md)
        .contains("- **Best metric:** none; no node finished\n")
        .contains("- **Nodes:** 0 finished, 0 good, 0 buggy\n")
        .contains("| Wall time of the search | 250 ms |\n")
        .contains("| **Total** | 0 |\n")
        .doesNotContain(
            "## How the best improved",
            "## Top attempts",
            "## Nodes by stage",
            "## Why nodes were buggy",
            "Mean per node");
  }

  @Test
  void reportsARunWhereNoNodeWasGood() {
    List<Node> nodes = journal.buggyNodes();

    String md =
        RunReport.markdown(
            ReportFixtures.TASK, nodes, StopReason.TOO_MANY_FAILURES, Duration.ofHours(2));

    assertThat(md)
        .contains("- **Best metric:** none; no node ran cleanly with a metric (3 buggy)\n")
        .contains("too many nodes in a row were buggy (`TOO_MANY_FAILURES`)")
        .contains("| Wall time of the search | 2 h 00 min |\n")
        .contains("## Why nodes were buggy")
        .doesNotContain("## How the best improved", "## Top attempts", "**Lineage:**");
  }

  @Test
  void staysTheSameSizeAtAnyJournalLength() {
    RunReport incremental = new RunReport(ReportFixtures.TASK);
    int sizeAt1000 = 0;
    for (int id = 0; id < 20_000; id++) {
      Node node =
          id % 2 == 0
              ? ReportFixtures.good(
                  id, id == 0 ? Stage.DRAFT : Stage.IMPROVE, parents(id), id, "plan " + id)
              : ReportFixtures.buggy(id, Stage.DEBUG, List.of(id - 1), "fix", null)
                  .newBuilder()
                  .failure("failure number " + id)
                  .build();
      incremental.add(node);
      if (id == 999) sizeAt1000 = incremental.markdown(null, null, Duration.ZERO).length();
    }

    String md = incremental.markdown(StopReason.STEPS_DONE, null, Duration.ZERO);

    assertThat(md.length()).isLessThan(sizeAt1000 + 2_000).isLessThan(40_000);
    assertThat(md)
        .contains("- **Nodes:** 20000 finished, 10000 good, 10000 buggy\n")
        .contains("- **Best metric:** 19998 (higher is better), node 19998 (IMPROVE, step 19998)")
        .contains("… 9970 more nodes …")
        .contains("The last " + RunReport.PROGRESS_ROWS + " of 10000 improvements.");
    assertThat(section(md, "How the best improved").lines().filter(l -> l.startsWith("| ")))
        .hasSize(RunReport.PROGRESS_ROWS + 1);
    assertThat(section(md, "Why nodes were buggy").lines().filter(l -> l.startsWith("| ")))
        .hasSize(RunReport.MAX_REASONS + 2)
        .anyMatch(l -> l.startsWith("| other reasons | " + (10_000 - RunReport.MAX_REASONS)));
  }

  @Test
  void aNodeAddedTwiceCountsOnce() {
    RunReport twice = new RunReport(ReportFixtures.TASK);
    for (Node node : journal.nodes()) twice.add(node);

    assertThat(twice.add(journal.nodes().get(3))).isFalse();
    assertThat(twice.markdown(StopReason.STEPS_DONE, null, Duration.ofMinutes(10)))
        .isEqualTo(report);
  }

  /**
   * In the chain of {@link #staysTheSameSizeAtAnyJournalLength}: each good node improves the one
   * two before.
   */
  private static List<Integer> parents(int id) {
    return id == 0 ? List.of() : List.of(id - 2);
  }

  /** The body of the section headed {@code ## title}, up to the next blank line. */
  private static String section(String md, String title) {
    String heading = "## " + title + "\n\n";
    int start = md.indexOf(heading);
    assertThat(start).as("section " + title).isNotNegative();
    int from = start + heading.length();
    int end = md.indexOf("\n## ", from);
    String body = end < 0 ? md.substring(from) : md.substring(from, end + 1);
    return body.endsWith("\n\n") ? body.substring(0, body.length() - 1) : body;
  }

  private static List<String> headings(String text) {
    return text.lines().filter(l -> l.startsWith("### ")).toList();
  }
}
