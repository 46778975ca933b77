package dev.aide.core.internal;

import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.llm.TokenUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A small journal for the report tests, scored to maximise accuracy.
 *
 * <pre>
 * root ─ 0 DRAFT 0.70 ─ 3 IMPROVE 0.78 ─┬ 4 IMPROVE buggy (timed out) ─ 8 DEBUG buggy (no code)
 *      │                                └ 6 CROSSOVER of 3 and 5, 0.81 (best) ─ 7 IMPROVE 0.80
 *      └ 1 DRAFT buggy (ValueError) ─ 2 DEBUG 0.72 ─ 5 IMPROVE 0.75
 * </pre>
 *
 * Each node's step equals its id; node 7 carries hostile code, output and plan.
 */
final class ReportFixtures {
  static final Instant START = Instant.parse("2026-01-05T09:00:00Z");
  static final String HOSTILE_CODE =
      "print(\"</script><script>alert(1)</script>\")\n# <!-- comment --> & \u2028 done";
  static final String HOSTILE_OUTPUT =
      "<img src=x onerror=\"document.body.dataset.pwned=1\"></SCRIPT >";
  static final String HOSTILE_PLAN = "Tune it | <b>bold</b> & </script> more";

  static final Task TASK =
      Task.builder()
          .goal("Classify the iris flowers by species")
          .evaluation("Accuracy on a held-out fifth of the data")
          .build();

  private ReportFixtures() {}

  static Journal journal() {
    Journal journal = new Journal();
    journal.add(good(0, Stage.DRAFT, List.of(), 0.70, "Logistic regression on all four features"));
    journal.add(
        buggy(1, Stage.DRAFT, List.of(), "A random forest", run("Traceback...", 1, "ValueError")));
    journal.add(good(2, Stage.DEBUG, List.of(1), 0.72, "Encode the species labels first"));
    journal.add(good(3, Stage.IMPROVE, List.of(0), 0.78, "Add polynomial features of degree 2"));
    ExecutionResult timeout =
        new ExecutionResult(
            "training...", 0, -1, Duration.ofSeconds(10), true, null, null, List.of());
    journal.add(buggy(4, Stage.IMPROVE, List.of(3), "Grid search over C", timeout));
    journal.add(good(5, Stage.IMPROVE, List.of(2), 0.75, "Scale the features"));
    journal.add(good(6, Stage.CROSSOVER, List.of(3, 5), 0.81, "Polynomial features, scaled"));
    journal.add(
        good(7, Stage.IMPROVE, List.of(6), 0.80, HOSTILE_PLAN)
            .newBuilder()
            .code(HOSTILE_CODE)
            .execution(run(HOSTILE_OUTPUT, 0, null))
            .warnings(List.of("the reviewer reported 0.9 but the output says 0.8"))
            .build());
    journal.add(
        buggy(8, Stage.DEBUG, List.of(4), "Use fewer folds", null)
            .newBuilder()
            .code("")
            .failure("the coder returned no code | twice")
            .build());
    return journal;
  }

  /** Good drafts 0, 1, ... with these metrics, lower being better. */
  static List<Node> minimizingDrafts(double... values) {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      nodes.add(
          good(i, Stage.DRAFT, List.of(), 1, "plan " + i)
              .newBuilder()
              .metric(Metric.of(values[i], Direction.MINIMIZE))
              .build());
    }
    return nodes;
  }

  static Node good(int id, Stage stage, List<Integer> parents, double metric, String plan) {
    return node(id, stage, parents, plan)
        .metric(Metric.of(metric, Direction.MAXIMIZE))
        .execution(run("accuracy: " + metric, 0, null))
        .analysis("Ran cleanly; accuracy " + metric + ".")
        .build();
  }

  static Node buggy(
      int id, Stage stage, List<Integer> parents, String plan, @Nullable ExecutionResult run) {
    return node(id, stage, parents, plan)
        .metric(Metric.worst(Direction.MAXIMIZE))
        .buggy(true)
        .execution(run)
        .analysis("The run failed.")
        .build();
  }

  private static Node.Builder node(int id, Stage stage, List<Integer> parents, String plan) {
    Instant started = START.plusSeconds(60L * id);
    return Node.builder()
        .id(id)
        .step(id)
        .stage(stage)
        .parents(parents)
        .debugDepth(stage == Stage.DEBUG ? 1 : 0)
        .plan(plan)
        .code("import sklearn  # node " + id + "\n")
        .usage(new TokenUsage(1000, 200, 100, 50))
        .cost(0.01)
        .startedAt(started)
        .finishedAt(started.plusSeconds(30));
  }

  static ExecutionResult run(String output, int exitCode, @Nullable String errorType) {
    return new ExecutionResult(
        output,
        0,
        exitCode,
        Duration.ofSeconds(10),
        false,
        errorType,
        errorType == null ? null : "bad input",
        exitCode == 0 ? List.of("submission.csv") : List.of());
  }
}
