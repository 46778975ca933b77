package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aide.core.Direction;
import dev.aide.core.Language;
import dev.aide.core.Metric;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.llm.ChatMessage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptsTest {
  private final Task task =
      Task.builder()
          .goal("Predict the species of each iris")
          .evaluation("accuracy")
          .instructions("Use scikit-learn only.")
          .timeout(Duration.ofMinutes(10))
          .build();
  private final Prompts prompts = new Prompts(task, "iris.csv (4.5 kB), 150 rows x 5 columns");

  private final Node good =
      Node.builder()
          .id(3)
          .step(3)
          .plan("Logistic regression.")
          .code("print('metric: 0.9')")
          .execution(ExecutionResult.of("metric: 0.9", 0, Duration.ofSeconds(2)))
          .metric(Metric.of(0.9, Direction.MAXIMIZE))
          .build();

  private final Node buggy =
      Node.builder()
          .id(4)
          .step(4)
          .stage(Stage.DEBUG)
          .parent(2)
          .debugDepth(1)
          .code("import sklearn\nraise KeyError('species')")
          .analysis("The column name is wrong.")
          .execution(
              new ExecutionResult(
                  "Traceback (most recent call last):\nKeyError: 'species'",
                  0,
                  1,
                  Duration.ofMillis(300),
                  false,
                  "KeyError",
                  "'species'",
                  List.of()))
          .metric(Metric.worst(Direction.MAXIMIZE))
          .buggy(true)
          .build();

  @Test
  void draftHasTheNamedSectionsInOrder() {
    List<ChatMessage> messages = prompts.draft("Attempt 1 (draft)\nDesign: kNN");

    assertThat(messages)
        .extracting(ChatMessage::role)
        .containsExactly(ChatMessage.Role.SYSTEM, ChatMessage.Role.USER);
    assertThat(messages.get(0).content()).contains("implement it in Python");
    assertThat(messages.get(1).content())
        .containsSubsequence(
            "# Task\n\nPredict the species of each iris",
            "# Evaluation\n\naccuracy",
            "# Extra instructions\n\nUse scikit-learn only.",
            "# Memory of earlier attempts\n\nAttempt 1 (draft)",
            "# Response format",
            "# Solution guidelines",
            "# Implementation guidelines",
            "finish within 10 min",
            "# Environment",
            "# Data overview\n\niris.csv (4.5 kB)");
  }

  @Test
  void emptySectionsAreLeftOut() {
    Prompts bare = new Prompts(Task.builder().goal("Go").build(), "");

    String user = bare.draft("").get(1).content();
    assertThat(user).doesNotContain("# Evaluation", "# Memory", "# Data overview", "# Extra");
  }

  @Test
  void firstDraftIsAFirstSolutionWithoutMemoryOrAskingToDiffer() {
    List<ChatMessage> messages = prompts.draft("", 0);
    String all = messages.get(0).content() + messages.get(1).content();

    assertThat(all).contains("first solution");
    assertThat(all.toLowerCase(java.util.Locale.ROOT))
        .doesNotContain("# memory", "differ", "earlier attempt", "another", "unlike");
    assertThat(prompts.draft("")).isEqualTo(messages);
  }

  @Test
  void laterDraftIsAnotherIndependentDraftThatSeesTheMemory() {
    String memory =
        "Failed attempts (avoid repeating their mistakes):\n\n"
            + "Attempt 0 (draft)\nFailed: it raised KeyError";
    List<ChatMessage> messages = prompts.draft(memory, 2);
    String user = messages.get(1).content();

    assertThat(messages.get(0).content())
        .contains("another independent solution", "unlike the earlier attempts in the memory")
        .doesNotContain("first");
    assertThat(user)
        .containsSubsequence(
            "# Memory of earlier attempts\n\nFailed attempts",
            "Attempt 0 (draft)\nFailed: it raised KeyError",
            "# Solution guidelines",
            "2 drafts came before this one: write another independent",
            "different approach from the earlier attempts listed in the memory",
            "mistakes that made the failed ones fail")
        .doesNotContain("first solution");
  }

  @Test
  void aDraftIsToldOfFailedOnesOnlyWhenTheMemoryShowsSome() {
    String working = "Working attempts:\n\nAttempt 0 (draft)\nValidation metric: 0.9\n";
    String user = prompts.draft(working, 1).get(1).content();

    assertThat(user)
        .contains("different approach from the earlier attempts listed in the memory.")
        .doesNotContain("mistakes", "failed");
  }

  @Test
  void laterDraftWithNothingInTheMemoryIsNotAskedToDiffer() {
    // e.g. a second worker's draft, started before any node finished
    List<ChatMessage> messages = prompts.draft("", 1);
    String all = messages.get(0).content() + messages.get(1).content();

    assertThat(all).contains("1 draft came before this one").doesNotContain("first solution");
    assertThat(all.toLowerCase(java.util.Locale.ROOT))
        .doesNotContain("# memory", "differ", "earlier attempt", "unlike");
  }

  @Test
  void improveNamesTheAttemptItImprovesAndShowsItsCodeAndTheMemory() {
    List<ChatMessage> messages = prompts.improve(good, "memory text");
    String user = messages.get(1).content();

    assertThat(messages.get(0).content())
        .contains("improving a working solution (attempt 3, metric 0.9) to the task below");
    assertThat(user)
        .containsSubsequence(
            "# Memory of earlier attempts\n\nmemory text",
            "# Previous solution (attempt 3, metric 0.9)\n\n```python\nprint('metric: 0.9')\n```",
            "# Improvement guidelines",
            "differ from those already tried in the memory");
    assertThat(prompts.improve(good, "").get(1).content())
        .doesNotContain("# Memory", "differ", "in the memory");
  }

  @Test
  void debugShowsTheCodeItsOutputAndTheError() {
    String user = prompts.debug(buggy).get(1).content();

    assertThat(user)
        .containsSubsequence(
            "# Previous (buggy) solution",
            "raise KeyError('species')",
            "# Execution output",
            "KeyError: 'species'",
            "exited with code 1",
            "It raised KeyError: 'species'.",
            "# Reviewer's findings\n\nThe column name is wrong.",
            "# Bug-fix guidelines");
    assertThat(user).doesNotContain("# Memory");
  }

  @Test
  void longOutputIsCutInTheMiddle() {
    String output = "HEAD" + "x".repeat(20_000) + "TAIL";
    String report =
        Prompts.executionReport(ExecutionResult.of(output, 0, Duration.ofSeconds(1)), null);

    assertThat(report).contains("HEAD", "TAIL", "characters cut");
    assertThat(report.length()).isLessThan(Prompts.MAX_OUTPUT_CHARS + 300);
  }

  @Test
  void timeoutIsReported() {
    ExecutionResult timedOut =
        new ExecutionResult("", 0, 137, Duration.ofMinutes(10), true, null, null, List.of());

    assertThat(Prompts.executionReport(timedOut, null)).contains("stopped at its time limit");
  }

  @Test
  void reviewAsksForTheFunctionOrForJson() {
    String withTool = prompts.review("print(1)", good.execution(), true).get(1).content();
    String withoutTool = prompts.review("print(1)", good.execution(), false).get(1).content();

    assertThat(withTool).contains("Call the function submit_review", "metric: 0.9");
    assertThat(withoutTool).contains("Reply with only a JSON object", "\"is_bug\"");
  }

  @Test
  void reviewSaysWhichWayIsBetterWhenTheTaskFixesIt() {
    String open = prompts.review("print(1)", good.execution(), true).get(1).content();
    Prompts fixed = new Prompts(task.newBuilder().direction(Direction.MINIMIZE).build(), "");
    String review = fixed.review("print(1)", good.execution(), true).get(1).content();

    assertThat(open).contains("- lower_is_better: true if a lower metric is better");
    assertThat(review)
        .contains("- lower_is_better: true (the task fixes it: lower is better).")
        .doesNotContain("true if a lower metric is better");
  }

  @Test
  void reviewListsTheFirstFiftyFilesTheRunWroteWithTheSizesKnown() {
    List<String> files = new java.util.ArrayList<>();
    for (int i = 0; i < 53; i++) files.add(String.format("fold%02d.csv", i));
    ExecutionResult run =
        new ExecutionResult("metric: 0.9", 0, 0, Duration.ofSeconds(1), false, null, null, files);

    String user =
        prompts
            .review("print(1)", run, java.util.Map.of("fold00.csv", 1500L), true)
            .get(1)
            .content();

    assertThat(user)
        .containsSubsequence(
            "# Execution output",
            "# Files the run wrote in ./working\n\n- fold00.csv (1.5 kB)\n- fold01.csv\n",
            "- fold49.csv\n... and 3 more files",
            "# Instructions")
        .doesNotContain("fold50.csv", "The task expects");
    assertThat(prompts.review("print(1)", good.execution(), true).get(1).content())
        .contains("# Files the run wrote in ./working\n\n(none)");
  }

  @Test
  void reviewSaysWhetherTheExpectedOutputIsThere() {
    Prompts expecting = new Prompts(task.newBuilder().expectedOutput("submission.csv").build(), "");
    ExecutionResult with =
        new ExecutionResult(
            "", 0, 0, Duration.ofSeconds(1), false, null, null, List.of("submission.csv"));

    assertThat(expecting.review("print(1)", with, true).get(1).content())
        .contains("- submission.csv\nThe task expects ./working/submission.csv: it is there.");
    assertThat(expecting.review("print(1)", good.execution(), true).get(1).content())
        .contains(
            "(none)\nThe task expects ./working/submission.csv: it is missing, so the run counts"
                + " as failed.");
  }

  @Test
  void everyCoderPromptSaysFirmlyWhichFileTheProgramMustWrite() {
    Prompts expecting =
        new Prompts(task.newBuilder().expectedOutput("preds/submission.csv").build(), "");
    String line =
        "- The program must write ./working/preds/submission.csv; a run that does not write it"
            + " counts as failed, whatever it prints.";

    assertThat(expecting.draft("").get(1).content()).contains(line);
    assertThat(expecting.improve(good, "").get(1).content()).contains(line);
    assertThat(expecting.debug(buggy).get(1).content()).contains(line);
    assertThat(expecting.crossover(good, good, "").get(1).content()).contains(line);
    assertThat(prompts.draft("").get(1).content()).doesNotContain("The program must write");
  }

  @Test
  void debugOfARunThatRanButCountsAsFailedSaysWhy() {
    Node missing =
        good.newBuilder()
            .metric(Metric.worst(Direction.MAXIMIZE))
            .buggy(true)
            .failure("the run exited cleanly but did not write ./working/submission.csv")
            .build();

    assertThat(prompts.debug(missing).get(1).content())
        .contains(
            "exited with code 0.\nIt counts as failed: the run exited cleanly but did not write"
                + " ./working/submission.csv.");
  }

  @Test
  void directionAsksForTheFunctionOrForJsonFromTheTaskAloneWithoutCodeOrData() {
    String withTool = prompts.direction(true).get(1).content();
    String withoutTool = prompts.direction(false).get(1).content();

    assertThat(withTool)
        .contains(task.goal(), "Call the function set_metric_direction", "lower_is_better")
        .doesNotContain("iris.csv");
    assertThat(withoutTool).contains("Reply with only a JSON object", "\"lower_is_better\"");
  }

  @Test
  void followsTheTasksLanguage() {
    Prompts java = new Prompts(task.newBuilder().language(Language.JAVA).build(), "");

    String user = java.draft("").get(1).content();
    assertThat(java.draft("").get(0).content()).contains("implement it in Java");
    assertThat(user).contains("```java", "`java Main.java`", "named Main");
    assertThat(java.askAgainForCode("held no Java code block").content()).contains("```java");
  }

  @Test
  void theReviewerIsToldWhichPrintedLineIsTheMetricWhenTheTaskReadsOne() {
    Task byLine =
        task.newBuilder().metricReader(dev.aide.core.MetricReader.line("accuracy")).build();
    ExecutionResult run =
        new ExecutionResult(
            "accuracy: 0.9\n", 0, 0, java.time.Duration.ofSeconds(1), false, null, null, List.of());

    String withReader = new Prompts(byLine, "").review("print(1)", run, true).get(1).content();
    String without = prompts.review("print(1)", run, true).get(1).content();

    assertThat(withReader)
        .contains("- metric: the validation metric the program printed on a line like `accuracy:")
        .contains("(the last such line counts)");
    assertThat(without)
        .contains("- metric: the validation metric the program printed, as a number")
        .doesNotContain("last such line");
  }

  @Test
  void theCoderIsToldToPrintTheLineTheTasksMetricReaderReads() {
    Task byLine =
        task.newBuilder().metricReader(dev.aide.core.MetricReader.line("accuracy")).build();
    String user = new Prompts(byLine, "").draft("").get(1).content();
    assertThat(user)
        .contains("exactly in this form: `accuracy: 0.8123`")
        .doesNotContain("metric: 0.8123");
    assertThat(dev.aide.core.MetricReader.line("accuracy").read("accuracy: 0.8123"))
        .hasValue(0.8123);

    assertThat(new Prompts(byLine, "").direction(true).get(1).content())
        .contains("from a line like `accuracy: 0.8123`")
        .doesNotContain("line(accuracy)");

    Task byJson =
        task.newBuilder().metricReader(dev.aide.core.MetricReader.jsonField("rmse")).build();
    String json = new Prompts(byJson, "").draft("").get(1).content();
    assertThat(json).contains("`{\"rmse\": 0.8123}`");
    assertThat(dev.aide.core.MetricReader.jsonField("rmse").read("{\"rmse\": 0.8123}"))
        .hasValue(0.8123);

    Task custom =
        task.newBuilder().metricReader(output -> java.util.OptionalDouble.empty()).build();
    assertThat(new Prompts(custom, "").draft("").get(1).content())
        .contains("e.g. `metric: 0.8123`");
    assertThat(prompts.draft("").get(1).content()).contains("e.g. `metric: 0.8123`");
  }

  private static String environment(Prompts prompts) {
    String user = prompts.draft("").get(1).content();
    int start = user.indexOf("# Environment\n\n") + "# Environment\n\n".length();
    int end = user.indexOf("\n\n#", start);
    return end < 0 ? user.substring(start).strip() : user.substring(start, end);
  }

  @Test
  void pythonEnvironmentListsExactlyThePackagesTheProbeSawImport() {
    InterpreterProbe.Packages packages =
        new InterpreterProbe.Packages(
            "3.11.2",
            List.of(
                new InterpreterProbe.Installed("numpy", "1.26.4"),
                new InterpreterProbe.Installed("pandas", "2.1.4"),
                new InterpreterProbe.Installed("scikit-learn", "1.4.2")),
            List.of("xgboost", "lightgbm", "torch"));
    Prompts probed = new Prompts(task, "", () -> packages);

    assertThat(environment(probed))
        .isEqualTo(
            "Python 3.11.2. Installed: numpy 1.26.4, pandas 2.1.4, scikit-learn 1.4.2; not"
                + " installed: xgboost, lightgbm, torch. Use only the installed packages and the"
                + " standard library; do not install packages.");
    for (Node parent : List.of(good, buggy)) {
      assertThat(probed.improve(parent, "").get(1).content()).contains("not installed: xgboost");
      assertThat(probed.debug(parent).get(1).content()).contains("not installed: xgboost");
    }
  }

  @Test
  void pythonEnvironmentPromisesNoPackageWhenTheyAreUnknown() {
    assertThat(environment(prompts))
        .startsWith("Python 3. Which packages are installed is unknown")
        .contains("say in the plan which packages the solution needs")
        .doesNotContain("xgboost", "torch", "may be installed");
    InterpreterProbe.Packages bare =
        new InterpreterProbe.Packages("3.12.1", List.of(), List.of("numpy"));
    assertThat(environment(new Prompts(task, "", () -> bare)))
        .startsWith("Python 3.12.1. Installed: none of the common packages; not installed: numpy.");
  }

  @Test
  void otherLanguagesKeepTheirEnvironmentText() {
    InterpreterProbe.Packages packages =
        new InterpreterProbe.Packages("3.11.2", List.of(), List.of("numpy"));
    Task java = task.newBuilder().language(Language.JAVA).build();
    assertThat(environment(new Prompts(java, "", () -> packages)))
        .startsWith("A JDK runs the single source file directly");
    Task bash = task.newBuilder().language(Language.BASH).build();
    assertThat(environment(new Prompts(bash, "", () -> packages)))
        .isEqualTo("The program is run as `bash solution.sh`.");
  }
}
