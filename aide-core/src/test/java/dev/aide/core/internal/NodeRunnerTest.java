package dev.aide.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.aide.core.AideException;
import dev.aide.core.Direction;
import dev.aide.core.Journal;
import dev.aide.core.Metric;
import dev.aide.core.MetricReader;
import dev.aide.core.Node;
import dev.aide.core.Stage;
import dev.aide.core.StopReason;
import dev.aide.core.Task;
import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.exec.ExecutorException;
import dev.aide.core.exec.Redactor;
import dev.aide.core.llm.ChatMessage;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmException;
import dev.aide.core.llm.ModelPrice;
import dev.aide.core.llm.ResponseFormat;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.llm.ToolCall;
import dev.aide.core.score.Scorer;
import dev.aide.core.search.Action;
import dev.aide.core.search.SearchPolicies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node pipeline's rules, tested with fakes alone: a scripted coder and reviewer, an executor
 * that returns a given result, and no threads, files or search around them.
 */
class NodeRunnerTest {
  private static final String CODE = "print('metric: 0.7')";

  /** A client that answers from a script, one step per call, and keeps the requests. */
  static final class ScriptedLlm implements LlmClient {
    final Deque<Function<ChatRequest, ChatResponse>> script = new ArrayDeque<>();
    final List<ChatRequest> requests = new ArrayList<>();

    ScriptedLlm then(Function<ChatRequest, ChatResponse> step) {
      script.add(step);
      return this;
    }

    ScriptedLlm thenAnswer(ChatResponse response) {
      return then(request -> response);
    }

    ScriptedLlm thenFail(LlmException e) {
      return then(
          request -> {
            throw e;
          });
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
      requests.add(request);
      Function<ChatRequest, ChatResponse> step = script.poll();
      if (step == null) throw new AssertionError("unexpected call: " + request);
      return step.apply(request);
    }
  }

  /** An executor that returns the given results in turn, or throws, and keeps the requests. */
  static final class FakeExecutor implements Executor {
    final Deque<Function<ExecutionRequest, ExecutionResult>> script = new ArrayDeque<>();
    final List<ExecutionRequest> requests = new ArrayList<>();

    FakeExecutor then(ExecutionResult result) {
      script.add(request -> result);
      return this;
    }

    FakeExecutor thenThrow(RuntimeException e) {
      script.add(
          request -> {
            throw e;
          });
      return this;
    }

    @Override
    public ExecutionResult execute(ExecutionRequest request) {
      requests.add(request);
      Function<ExecutionRequest, ExecutionResult> step = script.poll();
      if (step == null) throw new AssertionError("unexpected execution: " + request);
      return step.apply(request);
    }
  }

  private final ScriptedLlm coder = new ScriptedLlm();
  private final ScriptedLlm reviewer = new ScriptedLlm();
  private final FakeExecutor executor = new FakeExecutor();
  private final Journal journal = new Journal();
  private final List<String> phases = new ArrayList<>();
  private final Streaks streaks = new Streaks();
  private Task task = Task.builder().goal("Predict y").build();
  private Redactor redactor = Redactor.none();
  private Map<String, ModelPrice> prices = Map.of();
  private @Nullable Direction decided;
  private Path workspaces = Path.of("workspaces");

  private NodeRunner runner() {
    SearchEngine.Config config =
        new SearchEngine.Config(
            task,
            coder,
            "coder-model",
            reviewer,
            "reviewer-model",
            executor,
            SearchPolicies.greedy(),
            new SearchEngine.Limits(10, null, null, null, null, null),
            prices,
            1,
            7L,
            Path.of("unused-output"),
            List.of(),
            Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC),
            Map.of(),
            redactor,
            SearchEngine.Sampling.DEFAULT,
            null);
    return new NodeRunner(
        config,
        new Prompts(task, ""),
        journal.readOnlyView(),
        () -> "",
        () -> decided,
        id -> workspaces.resolve(String.valueOf(id)),
        (id, phase) -> phases.add(id + " " + phase),
        streaks,
        task.scorer(),
        null);
  }

  private static ChatResponse text(String text) {
    return new ChatResponse(text, List.of(), FinishReason.STOP, TokenUsage.of(100, 20), "req-c");
  }

  private static ChatResponse codeAnswer(String code) {
    return text("Fit a model.\n\n```python\n" + code + "\n```\n");
  }

  private static String reviewJson(boolean bug, @Nullable Double metric, Boolean lowerIsBetter) {
    return "{\"is_bug\": "
        + bug
        + ", \"summary\": \"The run shows it.\", \"metric\": "
        + metric
        + ", \"lower_is_better\": "
        + lowerIsBetter
        + "}";
  }

  private static ChatResponse review(boolean bug, @Nullable Double metric, Boolean lowerIsBetter) {
    return new ChatResponse(
        "",
        List.of(new ToolCall("call-1", Review.TOOL_NAME, reviewJson(bug, metric, lowerIsBetter))),
        FinishReason.TOOL_CALLS,
        TokenUsage.of(50, 10),
        "req-r");
  }

  private static ExecutionResult ran(String output, int exitCode) {
    return new ExecutionResult(
        output, 0, exitCode, Duration.ofMillis(5), false, null, null, List.of());
  }

  private static ExecutionResult wrote(String output, int exitCode, String... files) {
    return new ExecutionResult(
        output, 0, exitCode, Duration.ofMillis(5), false, null, null, List.of(files));
  }

  private static ExecutionResult ranForLong(String output, int exitCode) {
    return new ExecutionResult(
        output, 0, exitCode, Duration.ofSeconds(30), false, null, null, List.of());
  }

  private static LlmException persistent(LlmException.Kind kind) {
    return new LlmException("refused: " + kind, null, kind, false, false, 400, null);
  }

  private Node draft() {
    return runner().run(0, Action.draft());
  }

  @Test
  void goodDraftPassesEveryStageInOrder() {
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenAnswer(review(false, 0.7, false));

    Node node = draft();

    assertThat(node.isBuggy()).isFalse();
    assertThat(node.stage()).isEqualTo(Stage.DRAFT);
    assertThat(node.plan()).isEqualTo("Fit a model.");
    assertThat(node.code()).isEqualTo(CODE);
    assertThat(node.metric().value()).isEqualTo(0.7);
    assertThat(node.metric().direction()).isEqualTo(Direction.MAXIMIZE);
    assertThat(node.analysis()).isEqualTo("The run shows it.");
    assertThat(node.usage()).isEqualTo(TokenUsage.of(150, 30));
    assertThat(node.warnings()).isEmpty();
    assertThat(node.failure()).isNull();
    assertThat(phases).containsExactly("0 CODING", "0 RUNNING", "0 REVIEWING");
    assertThat(executor.requests.get(0).code()).isEqualTo(CODE);
    assertThat(executor.requests.get(0).workingDir().toString()).contains("workspaces");
  }

  @Test
  void cleanRunWithoutTheExpectedOutputIsBuggyWithTheReasonWhateverTheReviewerSays() {
    task = Task.builder().goal("Predict y").expectedOutput("submission.csv").build();
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(wrote("metric: 0.7\n", 0, "model.pkl", "preds.csv"));
    reviewer.thenAnswer(review(false, 0.7, false));

    Node node = draft();

    assertThat(node.isBuggy()).isTrue();
    assertThat(node.failure())
        .isEqualTo(
            "the run exited cleanly but did not write ./working/submission.csv, the output the"
                + " task expects (it wrote model.pkl, preds.csv)");
    assertThat(node.analysis()).isEqualTo("The run shows it.");
    assertThat(reviewer.requests.get(0).messages().get(1).content())
        .contains("The task expects ./working/submission.csv: it is missing");
  }

  @Test
  void runThatWritesTheExpectedOutputIsScoredAsBefore() {
    task =
        Task.builder()
            .goal("Predict y")
            .expectedOutput("submission.csv")
            .metricReader(MetricReader.line("metric"))
            .build();
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(wrote("metric: 0.7\n", 0, "submission.csv"));
    reviewer.thenAnswer(review(false, 0.7, false));

    Node node = draft();

    assertThat(node.isBuggy()).isFalse();
    assertThat(node.metric().value()).isEqualTo(0.7);
    assertThat(node.failure()).isNull();
    assertThat(coder.requests.get(0).messages().get(1).content())
        .contains("- The program must write ./working/submission.csv; a run that does not write");
  }

  @Test
  void aFailedRunKeepsItsOwnCauseAndIsNotBlamedForTheMissingOutput() {
    task = Task.builder().goal("Predict y").expectedOutput("submission.csv").build();
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("Traceback", 1));
    reviewer.thenAnswer(review(true, null, false));

    Node node = draft();

    assertThat(node.isBuggy()).isTrue();
    assertThat(node.failure()).isNull();
  }

  @Test
  void withoutAReviewAMissingExpectedOutputStillMakesTheNodeBuggy() {
    task =
        Task.builder()
            .goal("Predict y")
            .direction(Direction.MAXIMIZE)
            .expectedOutput("submission.csv")
            .metricReader(MetricReader.line("metric"))
            .build();
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenFail(persistent(LlmException.Kind.CONTEXT_TOO_LONG));

    Node node = draft();

    assertThat(node.isBuggy()).isTrue();
    assertThat(node.failure())
        .startsWith("the run exited cleanly but did not write ./working/submission.csv")
        .contains("(it wrote no files in ./working)")
        .endsWith("; and there is no review (the review call failed: refused: CONTEXT_TOO_LONG)");
  }

  private Task scoredTask(Scorer scorer) {
    return Task.builder()
        .goal("Predict y")
        .direction(Direction.MAXIMIZE)
        .metricReader(MetricReader.line("metric"))
        .scorer(scorer)
        .build();
  }

  @Test
  void withAScorerTheNodesMetricIsTheHarnessScoreAndALargeGapIsFlagged() {
    List<Path> scored = new ArrayList<>();
    task =
        scoredTask(
            working -> {
              scored.add(working);
              return 0.61;
            });
    coder.thenAnswer(codeAnswer("print('metric: 0.99')"));
    executor.then(ran("metric: 0.99\n", 0));
    reviewer.thenAnswer(review(false, 0.98, false));

    Node node = draft();

    assertThat(node.isBuggy()).isFalse();
    assertThat(node.metric().value()).isEqualTo(0.61);
    assertThat(node.printedMetric()).isEqualTo(0.99);
    assertThat(node.reviewerMetric()).isEqualTo(0.98);
    assertThat(scored).containsExactly(workspaces.resolve("0").resolve("working"));
    assertThat(node.warnings())
        .anySatisfy(
            w ->
                assertThat(w)
                    .startsWith(
                        "the program reported 0.99 but the harness scored its predictions"
                            + " 0.61"));
    assertThat(coder.requests.get(0).messages().get(1).content())
        .contains("The harness scores the files the run writes in ./working itself")
        .doesNotContain("a run without one counts as failed");
  }

  @Test
  void aClaimCloseToTheHarnessScoreIsNotFlagged() {
    task = scoredTask(working -> 0.70);
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.71\n", 0));
    reviewer.thenAnswer(review(false, 0.71, false));

    Node node = draft();

    assertThat(node.metric().value()).isEqualTo(0.70);
    assertThat(node.warnings()).isEmpty();
    assertThat(NodeRunner.largeGap(0.99, 0.61)).isTrue();
    assertThat(NodeRunner.largeGap(0.71, 0.70)).isFalse();
    assertThat(NodeRunner.largeGap(0.004, 0.001)).isFalse();
  }

  @Test
  void aRunTheHarnessCannotScoreIsBuggyWithItsReasonEvenWhenItPrintsAMetric() {
    task =
        scoredTask(
            working -> {
              throw new IllegalArgumentException("submission.csv has no row for id 17");
            });
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenAnswer(review(false, 0.7, false));

    Node node = draft();

    assertThat(node.isBuggy()).isTrue();
    assertThat(node.failure())
        .isEqualTo("the harness could not score the run: submission.csv has no row for id 17");
    assertThat(node.printedMetric()).isEqualTo(0.7);
  }

  @Test
  void withAScorerAMissingPrintedMetricIsNoFailure() {
    task = scoredTask(working -> 0.8);
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("done\n", 0));
    reviewer.thenAnswer(review(false, null, false));

    Node node = draft();

    assertThat(node.isBuggy()).isFalse();
    assertThat(node.metric().value()).isEqualTo(0.8);
    assertThat(node.printedMetric()).isNull();
  }

  @Test
  void aFailedRunIsNotScored() {
    task =
        scoredTask(
            working -> {
              throw new AssertionError("scored a failed run");
            });
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("Traceback", 1));
    reviewer.thenAnswer(review(true, null, false));

    Node node = draft();

    assertThat(node.isBuggy()).isTrue();
  }

  @Test
  void withoutAReviewTheHarnessScoreStillScoresTheNode() {
    task = scoredTask(working -> 0.66);
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenFail(persistent(LlmException.Kind.CONTEXT_TOO_LONG));

    Node node = draft();

    assertThat(node.isBuggy()).isFalse();
    assertThat(node.metric().value()).isEqualTo(0.66);
    assertThat(node.warnings())
        .contains(
            "there is no review (the review call failed: refused: CONTEXT_TOO_LONG); the metric"
                + " is the harness's score");
  }

  @Test
  void theReviewPromptListsTheFilesTheRunWroteWithTheirSizes(@TempDir Path tmp) throws Exception {
    workspaces = tmp;
    Path working = Files.createDirectories(tmp.resolve("0/working/preds"));
    Files.writeString(working.resolve("test.csv"), "id,y\n1,0\n");
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(wrote("metric: 0.7\n", 0, "preds/test.csv", "gone.txt"));
    reviewer.thenAnswer(review(false, 0.7, false));

    draft();

    assertThat(reviewer.requests.get(0).messages().get(1).content())
        .contains("# Files the run wrote in ./working\n\n- preds/test.csv (9 B)\n- gone.txt\n");
  }

  @Test
  void theReviewPromptShowsTheStartOfTheExpectedOutputAndItsLength(@TempDir Path tmp)
      throws Exception {
    workspaces = tmp;
    task = Task.builder().goal("Predict y").expectedOutput("submission.csv").build();
    Path working = Files.createDirectories(tmp.resolve("0/working"));
    StringBuilder rows = new StringBuilder("id,y\n");
    for (int i = 0; i < 9; i++) rows.append(i).append(",0.").append(i).append('\n');
    Files.writeString(working.resolve("submission.csv"), rows);
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(wrote("metric: 0.7\n", 0, "submission.csv"));
    reviewer.thenAnswer(review(false, 0.7, false));

    draft();

    assertThat(reviewer.requests.get(0).messages().get(1).content())
        .contains(
            "# The start of ./working/submission.csv\n\n```\nid,y\n0,0.0\n1,0.1\n2,0.2\n3,0.3\n"
                + "... (10 lines in all)\n```");
  }

  @Test
  void asksTheCoderAgainWhenItsAnswerHoldsNoCode() {
    coder.thenAnswer(text("I would fit a model.")).thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenAnswer(review(false, 0.7, false));

    Node node = draft();

    assertThat(node.isBuggy()).isFalse();
    assertThat(node.code()).isEqualTo(CODE);
    assertThat(node.usage()).isEqualTo(TokenUsage.of(250, 50));
    List<ChatMessage> again = coder.requests.get(1).messages();
    assertThat(again.get(again.size() - 2).content()).isEqualTo("I would fit a model.");
    assertThat(again.get(again.size() - 1).content()).contains("held no Python code block");
  }

  @Test
  void asksTheCoderAgainWhenItsAnswerWasCutOff() {
    coder
        .thenAnswer(
            new ChatResponse(
                "```python\nprint(", List.of(), FinishReason.LENGTH, TokenUsage.of(1, 1), null))
        .thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenAnswer(review(false, 0.7, false));

    assertThat(draft().code()).isEqualTo(CODE);
    List<ChatMessage> again = coder.requests.get(1).messages();
    assertThat(again.get(again.size() - 1).content()).contains("cut off");
  }

  @Test
  void nodeIsBuggyWithoutRunningWhenTheCoderNeverGivesCode() {
    for (int i = 0; i <= NodeRunner.CODER_RETRIES; i++) coder.thenAnswer(text("No code."));

    Node node = draft();

    assertThat(node.isBuggy()).isTrue();
    assertThat(node.failure())
        .isEqualTo(
            "the coder's answer held no Python code block in all 4 attempts, so there was no"
                + " code to run");
    assertThat(coder.requests).hasSize(NodeRunner.CODER_RETRIES + 1);
    assertThat(executor.requests).isEmpty();
    assertThat(phases).containsExactly("0 CODING");
  }

  @Test
  void reviewerIsAskedWithASchemaWhenItsBackendRefusesFunctions() {
    coder.thenAnswer(codeAnswer(CODE)).thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0)).then(ran("metric: 0.8\n", 0));
    reviewer
        .thenFail(persistent(LlmException.Kind.TOOLS_UNSUPPORTED))
        .thenAnswer(text("Here it is: " + reviewJson(false, 0.7, false)))
        .thenAnswer(text(reviewJson(false, 0.8, false)));
    NodeRunner runner = runner();

    Node first = runner.run(0, Action.draft());
    Node second = runner.run(1, Action.draft());

    assertThat(first.isBuggy()).isFalse();
    assertThat(first.metric().value()).isEqualTo(0.7);
    assertThat(second.metric().value()).isEqualTo(0.8);
    assertThat(reviewer.requests.get(0).tools()).isNotEmpty();
    assertThat(reviewer.requests.get(0).responseFormat()).isNull();
    for (ChatRequest request : reviewer.requests.subList(1, 3)) { // the schema from then on
      assertThat(request.tools()).isEmpty();
      assertThat(request.toolChoice()).isNull();
      ResponseFormat format = request.responseFormat();
      assertThat(format).isNotNull();
      assertThat(format.name()).isEqualTo(Review.TOOL_NAME);
      assertThat(format.strict()).isTrue();
      assertThat(format.schema())
          .containsEntry("additionalProperties", false)
          .containsEntry("properties", Review.tool().parameters().get("properties"));
      assertThat(request.messages().get(request.messages().size() - 1).content())
          .contains("Reply with only a JSON object");
    }
    assertThat(runner.answerFormat().mode()).isEqualTo(AnswerFormat.Mode.SCHEMA);
    assertThat(runner.answerFormat().switches())
        .singleElement()
        .asString()
        .startsWith("the reviewer's backend refused the submit_review function (refused:")
        .endsWith("asking with a JSON schema as the response format from now on");
  }

  @Test
  void reviewerIsAskedForJsonTextWhenItsBackendRefusesTheSchemaToo() {
    coder.thenAnswer(codeAnswer(CODE)).thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0)).then(ran("metric: 0.8\n", 0));
    reviewer
        .thenFail(persistent(LlmException.Kind.TOOLS_UNSUPPORTED))
        .thenFail(persistent(LlmException.Kind.RESPONSE_FORMAT_UNSUPPORTED))
        .thenAnswer(text(reviewJson(false, 0.7, false)))
        .thenAnswer(text(reviewJson(false, 0.8, false)));
    NodeRunner runner = runner();

    Node first = runner.run(0, Action.draft());
    Node second = runner.run(1, Action.draft());

    assertThat(first.isBuggy()).isFalse();
    assertThat(first.metric().value()).isEqualTo(0.7);
    assertThat(second.metric().value()).isEqualTo(0.8);
    assertThat(reviewer.requests)
        .extracting(r -> !r.tools().isEmpty(), r -> r.responseFormat() != null)
        .containsExactly(
            tuple(true, false), tuple(false, true), tuple(false, false), tuple(false, false));
    assertThat(runner.answerFormat().mode()).isEqualTo(AnswerFormat.Mode.TEXT);
    assertThat(runner.answerFormat().switches())
        .hasSize(2)
        .last()
        .asString()
        .startsWith("the reviewer's backend refused the response format (refused:")
        .endsWith("asking for JSON in plain text from now on");
  }

  @Test
  void reviewerThatIgnoresTheForcedFunctionIsReadAndThenAskedWithASchema() {
    coder.thenAnswer(codeAnswer(CODE)).thenAnswer(codeAnswer(CODE)).thenAnswer(codeAnswer(CODE));
    executor
        .then(ran("metric: 0.7\n", 0))
        .then(ran("metric: 0.8\n", 0))
        .then(ran("metric: 0.9\n", 0));
    reviewer // as Ollama answers a forced tool choice: text, no call
        .thenAnswer(text(reviewJson(false, 0.7, false)))
        .thenAnswer(text(reviewJson(false, 0.8, false)))
        .thenAnswer(text(reviewJson(false, 0.9, false)));
    NodeRunner runner = runner();

    Node first = runner.run(0, Action.draft());
    runner.run(1, Action.draft());
    runner.run(2, Action.draft());

    assertThat(first.metric().value()).isEqualTo(0.7);
    assertThat(reviewer.requests)
        .extracting(r -> !r.tools().isEmpty(), r -> r.responseFormat() != null)
        .containsExactly(tuple(true, false), tuple(false, true), tuple(false, true));
    assertThat(runner.answerFormat().switches())
        .singleElement()
        .asString()
        .contains("called no function although submit_review was forced");
  }

  @Test
  void onlyARefusalOfFunctionsSwitchesTheReviewerToText() {
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenFail(persistent(LlmException.Kind.CONTEXT_TOO_LONG));
    NodeRunner runner = runner();

    Node node = runner.run(0, Action.draft());

    assertThat(node.isBuggy()).isTrue();
    assertThat(node.failure()).isEqualTo("the review call failed: refused: CONTEXT_TOO_LONG");
    assertThat(reviewer.requests).hasSize(1);
    assertThat(runner.answerFormat().mode()).isEqualTo(AnswerFormat.Mode.TOOL);
    assertThat(runner.answerFormat().switches()).isEmpty();
  }

  @Test
  void asksTheReviewerOnceMoreWhenItsAnswerIsUnreadable() {
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenAnswer(text("Looks fine.")).thenAnswer(text("Still fine."));

    Node node = draft();

    assertThat(node.isBuggy()).isTrue();
    assertThat(node.failure()).startsWith("the review could not be read: ");
    assertThat(reviewer.requests).hasSize(2);
  }

  @Test
  void nodeIsBuggyOnANonZeroExitWhateverTheReviewerSays() {
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ranForLong("metric: 0.7\nTraceback", 1));
    reviewer.thenAnswer(review(false, 0.7, false));

    Node node = draft();

    assertThat(node.isBuggy()).isTrue();
    assertThat(node.execution()).isNotNull();
    assertThat(node.execution().exitCode()).isEqualTo(1);
  }

  @Test
  void nodeIsBuggyWhenTheRunTimedOut() {
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(
        new ExecutionResult(
            "metric: 0.7\n", 0, 0, Duration.ofMinutes(60), true, null, null, List.of()));
    reviewer.thenAnswer(review(false, 0.7, false));

    assertThat(draft().isBuggy()).isTrue();
  }

  @Test
  void nodeIsBuggyWhenNoMetricCameBack() {
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("done\n", 0));
    reviewer.thenAnswer(review(false, null, false));

    Node node = draft();

    assertThat(node.isBuggy()).isTrue();
    assertThat(node.metric().direction()).isEqualTo(Direction.MAXIMIZE);
  }

  @Test
  void nodeIsBuggyWhenTheReviewerFindsABug() {
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenAnswer(review(true, 0.7, false));

    assertThat(draft().isBuggy()).isTrue();
  }

  @Test
  void theMetricReaderWinsOverAReviewerWhoDisagreesAndLeavesAWarning() {
    task = task.newBuilder().metricReader(MetricReader.line("metric")).build();
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenAnswer(review(false, 0.9, false));

    Node node = draft();

    assertThat(node.isBuggy()).isFalse();
    assertThat(node.metric().value()).isEqualTo(0.7);
    assertThat(node.warnings())
        .containsExactly("the reviewer reported the metric 0.9 but the output says 0.7");
  }

  @Test
  void aReviewerWhoAgreesWithTheMetricReaderLeavesNoWarning() {
    task = task.newBuilder().metricReader(MetricReader.line("metric")).build();
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenAnswer(review(false, 0.7000000000001, false));

    assertThat(draft().warnings()).isEmpty();
  }

  @Test
  void aSuccessfulRunWhoseOutputHoldsNoMetricForTheReaderIsBuggy() {
    task = task.newBuilder().metricReader(MetricReader.line("metric")).build();
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("score 0.7\n", 0));
    reviewer.thenAnswer(review(false, 0.7, false));

    Node node = draft();

    assertThat(node.isBuggy()).isTrue();
    assertThat(node.failure()).isEqualTo("the output holds no metric for line(metric) to read");
  }

  @Test
  void theMetricReaderAloneScoresANodeWhoseReviewFailedOnceTheDirectionIsKnown() {
    task =
        task.newBuilder()
            .metricReader(MetricReader.line("metric"))
            .direction(Direction.MINIMIZE)
            .build();
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenFail(new LlmException("overloaded", LlmException.Kind.TRANSIENT));

    Node node = draft();

    assertThat(node.isBuggy()).isFalse();
    assertThat(node.metric().value()).isEqualTo(0.7);
    assertThat(node.metric().direction()).isEqualTo(Direction.MINIMIZE);
    assertThat(node.failure()).isNull();
    assertThat(node.warnings())
        .containsExactly(
            "there is no review (the review call failed: overloaded); the metric is the one"
                + " line(metric) read from the output");
  }

  @Test
  void aNodeWhoseReviewFailedIsBuggyWhileTheDirectionIsUnknown() {
    task = task.newBuilder().metricReader(MetricReader.line("metric")).build();
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenFail(new LlmException("overloaded", LlmException.Kind.TRANSIENT));

    Node node = draft();

    assertThat(node.isBuggy()).isTrue();
    assertThat(node.failure()).isEqualTo("the review call failed: overloaded");
  }

  @Test
  void theReviewersDirectionHoldsWhileNothingElseSettlesIt() {
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenAnswer(review(false, 0.7, true));

    Node node = draft();

    assertThat(node.metric().direction()).isEqualTo(Direction.MINIMIZE);
    assertThat(node.warnings()).isEmpty();
  }

  @Test
  void theTasksDirectionWinsOverTheReviewersWithAWarning() {
    task = task.newBuilder().direction(Direction.MINIMIZE).build();
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenAnswer(review(false, 0.7, false));

    Node node = draft();

    assertThat(node.metric().direction()).isEqualTo(Direction.MINIMIZE);
    assertThat(node.warnings())
        .containsExactly(
            "the reviewer said lower_is_better = false, but the run's metric direction is"
                + " MINIMIZE; the node is scored MINIMIZE");
  }

  @Test
  void theDirectionDecidedBeforeTheFirstNodeWinsOverTheReviewers() {
    decided = Direction.MINIMIZE;
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenAnswer(review(false, 0.7, false));

    Node node = draft();

    assertThat(node.metric().direction()).isEqualTo(Direction.MINIMIZE);
    assertThat(node.warnings()).hasSize(1);
  }

  @Test
  void theDirectionTheFirstGoodNodeFixedWinsOverTheReviewers() {
    journal.add(
        Node.builder()
            .id(0)
            .step(0)
            .stage(Stage.DRAFT)
            .metric(Metric.of(0.5, Direction.MINIMIZE))
            .build());
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenAnswer(review(false, 0.7, false));

    Node node = runner().run(1, Action.draft());

    assertThat(node.metric().direction()).isEqualTo(Direction.MINIMIZE);
  }

  @Test
  void theOutputIsRedactedBeforeTheReviewerOrTheJournalSeesIt() {
    redactor = Redactor.none().with(List.of("s3cret-token"));
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("key=s3cret-token\nmetric: 0.7\n", 0));
    reviewer.thenAnswer(review(false, 0.7, false));

    Node node = draft();

    assertThat(node.execution().output()).doesNotContain("s3cret-token").contains("[redacted]");
    assertThat(reviewer.requests.get(0).messages())
        .allSatisfy(m -> assertThat(m.content()).doesNotContain("s3cret-token"));
  }

  @Test
  void anExecutionThatThrowsMakesABuggyNodeWithTheRedactedReason() {
    redactor = Redactor.none().with(List.of("s3cret-token"));
    coder.thenAnswer(codeAnswer(CODE));
    executor.thenThrow(new IllegalStateException("no disk for s3cret-token"));

    Node node = draft();

    assertThat(node.isBuggy()).isTrue();
    assertThat(node.failure())
        .isEqualTo("the execution failed: java.lang.IllegalStateException: no disk for [redacted]");
    assertThat(reviewer.requests).isEmpty();
  }

  @Test
  void aFailureThatEndsTheRunSurfacesAsFatal() {
    LlmException refused =
        new LlmException("bad key", null, LlmException.Kind.AUTHENTICATION, false, true, 401, null);
    coder.thenFail(refused);

    assertThatThrownBy(this::draft)
        .isInstanceOf(NodeRunner.FatalException.class)
        .cause()
        .isSameAs(refused);
  }

  @Test
  void theReviewersRunEndingFailureSurfacesAsFatal() {
    LlmException refused =
        new LlmException("no credit", null, LlmException.Kind.QUOTA, false, true, 402, null);
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenFail(refused);

    assertThatThrownBy(this::draft).cause().isSameAs(refused);
  }

  @Test
  void anExecutorThatCannotWorkSurfacesAsFatal() {
    ExecutorException broken = new ExecutorException("bwrap is missing");
    coder.thenAnswer(codeAnswer(CODE));
    executor.thenThrow(broken);

    assertThatThrownBy(this::draft).cause().isSameAs(broken);
  }

  @Test
  void theSamePersistentCoderFailureThreeTimesInARowEndsTheRun() {
    NodeRunner runner = runner();
    for (int i = 0; i < Streaks.PERSISTENT_LLM_FAILURES; i++) {
      coder.thenFail(persistent(LlmException.Kind.MODEL_NOT_FOUND));
    }
    for (int i = 0; i < Streaks.PERSISTENT_LLM_FAILURES - 1; i++) {
      Node node = runner.run(i, Action.draft());
      assertThat(node.failure()).isEqualTo("the coder call failed: refused: MODEL_NOT_FOUND");
    }

    assertThatThrownBy(() -> runner.run(2, Action.draft()))
        .isInstanceOf(NodeRunner.FatalException.class)
        .cause()
        .isInstanceOfSatisfying(
            AideException.class,
            e -> {
              assertThat(e.stopReason()).isEqualTo(StopReason.LLM_FAILING);
              assertThat(e.getMessage())
                  .startsWith("the coder's LLM calls (model coder-model) failed 3 times in a row")
                  .contains("Check the coder's model name");
            });
  }

  @Test
  void theSameQuickExecutionFailureThreeTimesInARowEndsTheRun() {
    NodeRunner runner = runner();
    for (int i = 0; i < Streaks.SETUP_FAILURES; i++) {
      coder.thenAnswer(codeAnswer(CODE));
      executor.then(ran("", 127));
    }
    for (int i = 0; i < Streaks.SETUP_FAILURES - 1; i++) {
      reviewer.thenAnswer(review(true, null, false));
      assertThat(runner.run(i, Action.draft()).isBuggy()).isTrue();
    }

    assertThatThrownBy(() -> runner.run(2, Action.draft()))
        .cause()
        .isInstanceOfSatisfying(
            AideException.class,
            e -> {
              assertThat(e.stopReason()).isEqualTo(StopReason.EXECUTION_FAILING);
              assertThat(e.getMessage()).contains("exit code 127, no output");
            });
  }

  @Test
  void theStartingSolutionRunsWithoutAskingTheCoder() {
    task = task.newBuilder().startingSolution(CODE).build();
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenAnswer(review(false, 0.7, false));

    Node node = runner().runStartingSolution(0);

    assertThat(node.isBuggy()).isFalse();
    assertThat(node.stage()).isEqualTo(Stage.DRAFT);
    assertThat(node.plan()).isEqualTo("The starting solution given with the task.");
    assertThat(node.code()).isEqualTo(CODE);
    assertThat(coder.requests).isEmpty();
    assertThat(phases).containsExactly("0 RUNNING", "0 REVIEWING");
  }

  @Test
  void aDebugNodeGoesOneDeeperThanItsParentAndIsPricedByModel() {
    prices =
        Map.of(
            "coder-model", ModelPrice.of(1_000_000, 1_000_000),
            "reviewer-model", ModelPrice.of(2_000_000, 2_000_000));
    Node parent =
        Node.builder()
            .id(3)
            .parent(1)
            .step(1)
            .stage(Stage.DEBUG)
            .debugDepth(1)
            .code("raise ValueError")
            .metric(Metric.worst(Direction.MAXIMIZE))
            .buggy(true)
            .build();
    coder.thenAnswer(codeAnswer(CODE));
    executor.then(ran("metric: 0.7\n", 0));
    reviewer.thenAnswer(review(false, 0.7, false));

    Node node = runner().run(4, Action.debug(parent));

    assertThat(node.stage()).isEqualTo(Stage.DEBUG);
    assertThat(node.parents()).containsExactly(3);
    assertThat(node.debugDepth()).isEqualTo(2);
    assertThat(node.cost()).isEqualTo(120 * 1.0 + 60 * 2.0);
    assertThat(coder.requests.get(0).messages().get(1).content()).contains("raise ValueError");
  }
}
