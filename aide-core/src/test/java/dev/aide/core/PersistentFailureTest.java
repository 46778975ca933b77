package dev.aide.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.llm.LlmClient;
import dev.aide.core.llm.LlmException;
import dev.aide.core.llm.LlmException.Kind;
import dev.aide.core.search.GreedyPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules that stop a search whose LLM calls or executions keep failing the same way. */
class PersistentFailureTest {
  @TempDir Path tmp;

  private final Task task = Task.builder().goal("Predict y").direction(Direction.MAXIMIZE).build();
  private final FakeWorld world = new FakeWorld(List.of("0.50", "0.60", "0.40"), false);

  private Aide.Builder aide() {
    return Aide.builder()
        .coder(world.coder(), "m")
        .reviewer(world.reviewer(), "m")
        .executor(world.executor())
        .policy(GreedyPolicy.builder().debugProb(0).build())
        .seed(3)
        .steps(10)
        .outputDir(tmp.resolve("run"));
  }

  private static LlmException failure(String message, Kind kind, int status) {
    return new LlmException(message, null, kind, false, false, status, "req-1");
  }

  /** A client that fails with the given exceptions in turn (null: answer as {@code fallback}). */
  private static LlmClient scripted(
      LlmClient fallback, AtomicInteger calls, LlmException... script) {
    return request -> {
      int i = calls.getAndIncrement();
      if (i < script.length && script[i] != null) throw script[i];
      return fallback.chat(request);
    };
  }

  private List<String> journalLines() throws Exception {
    return Files.readAllLines(tmp.resolve("run/journal.jsonl"));
  }

  @Test
  void modelTheServerDoesNotKnowStopsTheSearchAfterThreeCallsAndNamesTheModel() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    LlmClient unknownModel =
        request -> {
          calls.incrementAndGet();
          throw failure("404 the model 'gpt-9' does not exist", Kind.MODEL_NOT_FOUND, 404);
        };

    assertThatThrownBy(() -> aide().coder(unknownModel, "gpt-9").build().run(task))
        .isInstanceOfSatisfying(
            AideException.class, e -> assertThat(e.stopReason()).isEqualTo(StopReason.LLM_FAILING))
        .hasMessageContaining("coder's LLM calls (model gpt-9) failed 3 times in a row")
        .hasMessageContaining("MODEL_NOT_FOUND, HTTP 404")
        .hasMessageContaining("the model 'gpt-9' does not exist")
        .hasMessageContaining("--coder-model")
        .hasMessageContaining("2 finished node(s)");
    assertThat(calls).hasValue(3);
    assertThat(journalLines()).hasSize(2);
  }

  @Test
  void endpointThatStaysUnreachableStopsTheSearchAndNamesTheUrl() {
    LlmClient down =
        request -> {
          throw failure(
              "cannot reach http://localhost:9/v1: connection refused", Kind.UNREACHABLE, 0);
        };

    assertThatThrownBy(() -> aide().coder(down, "m").build().run(task))
        .isInstanceOfSatisfying(
            AideException.class, e -> assertThat(e.stopReason()).isEqualTo(StopReason.LLM_FAILING))
        .hasMessageContaining("http://localhost:9/v1")
        .hasMessageContaining("LLM server is running");
  }

  @Test
  void reviewerCallsAreCountedOnTheirOwnSoASucceedingCoderDoesNotHideThem() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    LlmClient overflowing =
        request -> {
          calls.incrementAndGet();
          throw failure(
              "400 this model's maximum context length is 8192 tokens", Kind.CONTEXT_TOO_LONG, 400);
        };

    assertThatThrownBy(() -> aide().reviewer(overflowing, "small").build().run(task))
        .isInstanceOfSatisfying(
            AideException.class, e -> assertThat(e.stopReason()).isEqualTo(StopReason.LLM_FAILING))
        .hasMessageContaining("reviewer's LLM calls (model small)")
        .hasMessageContaining("maximum context length is 8192")
        .hasMessageContaining("larger context");
    // one call per node: a context overflow does not switch the reviewer to JSON text
    assertThat(calls).hasValue(3);
    assertThat(journalLines()).hasSize(2);
  }

  @Test
  void successfulCallStartsTheCountAgain() {
    AtomicInteger calls = new AtomicInteger();
    LlmException notFound = failure("404 no such model", Kind.MODEL_NOT_FOUND, 404);
    LlmClient flaky = scripted(world.coder(), calls, notFound, notFound, null, notFound, notFound);

    Result result = aide().coder(flaky, "m").steps(6).build().run(task);

    assertThat(result.stopReason()).isEqualTo(StopReason.STEPS_DONE);
    assertThat(result.journal().nodes())
        .extracting(Node::isBuggy)
        .containsExactly(true, true, false, true, true, false);
  }

  @Test
  void differentFailureStartsTheCountAgain() {
    AtomicInteger calls = new AtomicInteger();
    LlmException notFound = failure("404 no such model", Kind.MODEL_NOT_FOUND, 404);
    LlmException notFound400 = failure("400 model not found", Kind.MODEL_NOT_FOUND, 400);
    LlmException down = failure("cannot reach the server", Kind.UNREACHABLE, 0);
    LlmException busy = failure("503 overloaded", Kind.TRANSIENT, 503);
    LlmClient mixed =
        scripted(
            world.coder(),
            calls,
            notFound,
            notFound,
            down,
            down,
            notFound,
            notFound,
            notFound400,
            busy,
            notFound);

    Result result = aide().coder(mixed, "m").steps(10).build().run(task);

    assertThat(result.stopReason()).isEqualTo(StopReason.STEPS_DONE);
    assertThat(result.journal().nodes()).filteredOn(Node::isBuggy).hasSize(9);
  }

  @Test
  void failureThatNeedNotPersistNeverStopsTheSearch() {
    LlmClient flaky =
        request -> {
          throw failure("the answer was flagged by moderation", Kind.CONTENT_FILTERED, 400);
        };

    Result result = aide().coder(flaky, "m").steps(5).build().run(task);

    assertThat(result.stopReason()).isEqualTo(StopReason.STEPS_DONE);
    assertThat(result.journal().nodes())
        .hasSize(5)
        .allSatisfy(n -> assertThat(n.isBuggy()).isTrue());
  }

  /** An executor that returns the given results in turn, then the last one again. */
  private static Executor results(ExecutionResult... script) {
    AtomicInteger runs = new AtomicInteger();
    return request -> script[Math.min(runs.getAndIncrement(), script.length - 1)];
  }

  private static ExecutionResult quickFailure(String output, int exitCode) {
    return ExecutionResult.of(output, exitCode, Duration.ofMillis(3));
  }

  @Test
  void interpreterThatCannotRunStopsTheSearchAndNamesTheCommand() throws Exception {
    Executor falseInterpreter = results(quickFailure("", 1));

    assertThatThrownBy(() -> aide().executor(falseInterpreter).build().run(task))
        .isInstanceOfSatisfying(
            AideException.class,
            e -> assertThat(e.stopReason()).isEqualTo(StopReason.EXECUTION_FAILING))
        .hasMessageContaining("the last 3 executions all failed at once the same way")
        .hasMessageContaining("exit code 1, no output")
        .hasMessageContaining("`python3 solution.py` cannot run")
        .hasMessageContaining("--python")
        .hasMessageContaining("2 finished node(s)");
    assertThat(journalLines()).hasSize(2);
  }

  @Test
  void identicalOutputOfAnInterpreterThatCannotStartStopsTheSearch() {
    Executor broken =
        results(
            quickFailure(
                "python3: error while loading shared libraries: libpython3.11.so.1.0", 127));

    assertThatThrownBy(() -> aide().executor(broken).build().run(task))
        .isInstanceOfSatisfying(
            AideException.class,
            e -> assertThat(e.stopReason()).isEqualTo(StopReason.EXECUTION_FAILING))
        .hasMessageContaining("exit code 127")
        .hasMessageContaining("libpython3.11.so.1.0");
  }

  @Test
  void programsThatFailInTheirOwnWaysNeverStopTheSearch() {
    ExecutionResult raised =
        new ExecutionResult(
            "Traceback (most recent call last):\nModuleNotFoundError: No module named 'lightgbm'",
            0,
            1,
            Duration.ofMillis(40),
            false,
            "ModuleNotFoundError",
            "No module named 'lightgbm'",
            List.of());
    ExecutionResult timedOut =
        new ExecutionResult("", 0, 137, Duration.ofMillis(3), true, null, null, List.of());
    ExecutionResult slow = ExecutionResult.of("", 1, Duration.ofMinutes(2));
    Executor varied =
        results(
            raised,
            raised,
            raised,
            quickFailure("", 1),
            quickFailure("", 2),
            quickFailure("", 1),
            quickFailure("error a", 1),
            quickFailure("error b", 1),
            timedOut,
            timedOut,
            timedOut,
            slow,
            slow,
            slow);

    Result result = aide().executor(varied).steps(14).build().run(task);

    assertThat(result.stopReason()).isEqualTo(StopReason.STEPS_DONE);
    assertThat(result.journal().nodes())
        .hasSize(14)
        .allSatisfy(n -> assertThat(n.isBuggy()).isTrue());
  }

  @Test
  void successfulRunStartsTheExecutionCountAgain() {
    AtomicInteger runs = new AtomicInteger();
    Executor sometimes =
        request -> {
          int i = runs.getAndIncrement();
          return i == 2 || i == 5 ? FakeWorld.run(request) : quickFailure("", 1);
        };

    Result result = aide().executor(sometimes).steps(7).build().run(task);

    assertThat(result.stopReason()).isEqualTo(StopReason.STEPS_DONE);
    assertThat(result.journal().goodNodes()).hasSize(2);
  }
}
