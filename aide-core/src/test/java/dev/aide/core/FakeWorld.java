package dev.aide.core;

import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.llm.ChatMessage;
import dev.aide.core.llm.ChatRequest;
import dev.aide.core.llm.ChatResponse;
import dev.aide.core.llm.FinishReason;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.ReviewProtocol;
import dev.aide.core.llm.TokenUsage;
import dev.aide.core.llm.ToolCall;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A deterministic world for end-to-end tests: a scripted coder, an in-memory executor and a
 * reviewer that reads the metric from the output.
 *
 * <p>Code is a tiny language: {@code score = 0.5} sets the metric the run prints, and a line {@code
 * raise ValueError} makes the run fail. Drafts come from a script; an improvement adds 0.1 to the
 * parent's score; a debug removes the {@code raise} line, unless the script says the first fix of a
 * chain fails too.
 */
final class FakeWorld {
  private static final Pattern SCORE = Pattern.compile("score = ([0-9.]+)");
  private static final Pattern PRINTED = Pattern.compile("metric: ([0-9.]+)");

  private final List<String> drafts;
  private final boolean firstFixFails;
  private final AtomicInteger draftIndex = new AtomicInteger();
  final AtomicInteger coderCalls = new AtomicInteger();
  final AtomicInteger reviewerCalls = new AtomicInteger();
  final AtomicInteger directionCalls = new AtomicInteger();
  final AtomicInteger executions = new AtomicInteger();
  final List<ChatRequest> coderRequests = Collections.synchronizedList(new ArrayList<>());

  /**
   * @param drafts the scores of successive drafts; "bug" for a draft that raises
   * @param firstFixFails whether the first debug of a chain leaves the bug in
   */
  FakeWorld(List<String> drafts, boolean firstFixFails) {
    this.drafts = List.copyOf(drafts);
    this.firstFixFails = firstFixFails;
  }

  static String code(double score, boolean bug) {
    return "score = "
        + String.format(Locale.ROOT, "%.2f", score)
        + (bug ? "\nraise ValueError" : "");
  }

  static String answer(String plan, String code) {
    return plan + "\n\n```python\n" + code + "\n```\n";
  }

  LlmClient coder() {
    return request -> {
      coderCalls.incrementAndGet();
      coderRequests.add(request);
      String system = request.messages().get(0).content();
      String user = request.messages().get(1).content();
      String code;
      String plan;
      if (system.contains("combines their strengths")) {
        double first = score(section(user, "First solution"));
        double second = score(section(user, "Second solution"));
        code = code(Math.max(first, second) + 0.05, false);
        plan = "Combine both.";
      } else if (system.contains("improving a working solution")) {
        double parent = score(previousSolution(user));
        code = code(parent + 0.1, false);
        plan = "Improve the parent by 0.1.";
      } else if (system.contains("previous solution")) {
        String previous = previousSolution(user);
        boolean stillBuggy = firstFixFails && !previous.contains("fixed = 1");
        code = code(score(previous), stillBuggy) + (stillBuggy ? "\nfixed = 1" : "");
        plan = stillBuggy ? "Try a fix that does not work." : "Remove the raise.";
      } else {
        int i = draftIndex.getAndIncrement();
        String spec = drafts.get(Math.min(i, drafts.size() - 1));
        boolean bug = spec.equals("bug");
        code = code(bug ? 0.3 : Double.parseDouble(spec), bug);
        plan = "Draft number " + i + ".";
      }
      return new ChatResponse(
          answer(plan, code), List.of(), FinishReason.STOP, TokenUsage.of(100, 20), "req-c");
    };
  }

  /** Answers the call that settles the metric's direction before the first node, if it is one. */
  static @Nullable ChatResponse directionAnswer(ChatRequest request, boolean lowerIsBetter) {
    if (!isDirectionCall(request)) return null;
    return new ChatResponse(
        "",
        List.of(
            new ToolCall(
                "call-d",
                ReviewProtocol.DIRECTION_TOOL,
                "{\"lower_is_better\": " + lowerIsBetter + ", \"reason\": \"the fake says so\"}")),
        FinishReason.TOOL_CALLS,
        TokenUsage.of(30, 5),
        "req-d");
  }

  /** Whether {@code request} asks which way the metric is better. */
  static boolean isDirectionCall(ChatRequest request) {
    return request.messages().get(0).content().contains("whether a lower or a higher value");
  }

  LlmClient reviewer() {
    return request -> {
      ChatResponse direction = directionAnswer(request, false);
      if (direction != null) {
        directionCalls.incrementAndGet();
        return direction;
      }
      reviewerCalls.incrementAndGet();
      String user = request.messages().get(request.messages().size() - 1).content();
      String output = section(user, "Execution output");
      Matcher m = PRINTED.matcher(output);
      String args =
          m.find()
              ? "{\"is_bug\": false, \"summary\": \"It printed the metric.\", \"metric\": "
                  + m.group(1)
                  + ", \"lower_is_better\": false}"
              : "{\"is_bug\": true, \"summary\": \"It raised ValueError.\", \"metric\": null,"
                  + " \"lower_is_better\": false}";
      return new ChatResponse(
          "",
          List.of(new ToolCall("call-1", ReviewProtocol.REVIEW_TOOL, args)),
          FinishReason.TOOL_CALLS,
          TokenUsage.of(50, 10),
          "req-r");
    };
  }

  Executor executor() {
    return request -> {
      if (isProbe(request)) return run(request);
      executions.incrementAndGet();
      return run(request);
    };
  }

  /** The packages the fake interpreter reports to the probe a search runs before its first node. */
  static final String PROBE_OUTPUT =
      "aide-probe python 3.11.2\n"
          + "aide-probe installed numpy 1.26.4\n"
          + "aide-probe installed pandas 2.1.4\n"
          + "aide-probe installed scikit-learn 1.4.2\n"
          + "aide-probe missing xgboost\n"
          + "aide-probe missing torch\n";

  /** Whether {@code request} is the probe of the interpreter's packages, not a node's run. */
  static boolean isProbe(ExecutionRequest request) {
    return request.fileName().equals("aide_probe.py");
  }

  /** Wraps {@code executor} so that the interpreter probe gets {@link #PROBE_OUTPUT}. */
  static Executor answeringProbe(Executor executor) {
    return request ->
        isProbe(request)
            ? ExecutionResult.of(PROBE_OUTPUT, 0, Duration.ofMillis(5))
            : executor.execute(request);
  }

  static ExecutionResult run(ExecutionRequest request) {
    if (isProbe(request)) return ExecutionResult.of(PROBE_OUTPUT, 0, Duration.ofMillis(5));
    String code = request.code();
    if (code.contains("raise ValueError")) {
      return new ExecutionResult(
          "Traceback (most recent call last):\n  File \"solution.py\", line 2\nValueError",
          0,
          1,
          Duration.ofMillis(5),
          false,
          "ValueError",
          "",
          List.of());
    }
    try {
      Files.writeString(request.workingDir().resolve("submission.csv"), "id,y\n1," + score(code));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ExecutionResult(
        "training...\nmetric: " + String.format(Locale.ROOT, "%.2f", score(code)) + "\n",
        0,
        0,
        Duration.ofMillis(5),
        false,
        null,
        null,
        List.of("submission.csv"));
  }

  static double score(String code) {
    Matcher m = SCORE.matcher(code);
    if (!m.find()) throw new IllegalArgumentException("no score in " + code);
    return Double.parseDouble(m.group(1));
  }

  private static String previousSolution(String user) {
    String section = section(user, "Previous");
    int start = section.indexOf("```python\n");
    int end = section.indexOf("\n```", start + 1);
    return section.substring(start + "```python\n".length(), end);
  }

  /** Returns the text of the section whose title starts with title, up to the next section. */
  static String section(String prompt, String title) {
    int start = prompt.indexOf("# " + title);
    if (start < 0) throw new IllegalArgumentException("no section " + title + " in\n" + prompt);
    int next = prompt.indexOf("\n# ", start + 1);
    return next < 0 ? prompt.substring(start) : prompt.substring(start, next);
  }

  static ChatMessage lastUser(ChatRequest request) {
    return request.messages().get(request.messages().size() - 1);
  }
}
