package dev.aide.testkit;

import dev.aide.core.exec.ExecutionRequest;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.exec.Executor;
import dev.aide.core.exec.ExecutorException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Executor} that runs nothing: it answers each request with a scripted result, or with a
 * function of the request, and records the requests it got.
 *
 * <pre>{@code
 * FakeExecutor executor = FakeExecutor.answering(request ->
 *     request.code().contains("import torch")
 *         ? FakeExecutor.failure("ModuleNotFoundError: No module named 'torch'", 1)
 *         : FakeExecutor.success("metric: 0.81\n"));
 * }</pre>
 *
 * <p>A search of a Python task first probes its interpreter for the installed packages (a request
 * to run {@value #PROBE_FILE}); this executor answers that probe with a failure itself, so the
 * prompts say the packages are unknown, and neither records it nor spends a scripted result on it.
 *
 * <p>Thread-safe: the engine's workers may call it at once. The function is called from their
 * threads, outside any lock, so it must be thread-safe itself.
 */
public final class FakeExecutor implements Executor {
  /** The file name of the search's interpreter probe, which this executor does not run. */
  static final String PROBE_FILE = "aide_probe.py";

  private final @Nullable Function<ExecutionRequest, ExecutionResult> answer;
  private final Deque<ExecutionResult> queue;
  private final int queued;
  private final List<ExecutionRequest> requests = new ArrayList<>();

  private FakeExecutor(
      @Nullable Function<ExecutionRequest, ExecutionResult> answer, List<ExecutionResult> queue) {
    this.answer = answer;
    this.queue = new ArrayDeque<>(queue);
    this.queued = queue.size();
  }

  /** Returns an executor that answers each request with {@code answer}, a function of it. */
  public static FakeExecutor answering(Function<ExecutionRequest, ExecutionResult> answer) {
    return new FakeExecutor(Objects.requireNonNull(answer, "answer"), List.of());
  }

  /**
   * Returns an executor that answers with {@code results}, one per request in order; a request
   * after the last gets an {@link ExecutorException} that says the script ran out.
   */
  public static FakeExecutor returning(ExecutionResult... results) {
    List<ExecutionResult> list = new ArrayList<>();
    for (ExecutionResult result : Arrays.asList(results)) {
      list.add(Objects.requireNonNull(result, "result"));
    }
    return new FakeExecutor(null, list);
  }

  /** Returns an executor whose every run succeeds and prints {@code output}. */
  public static FakeExecutor printing(String output) {
    ExecutionResult result = success(output);
    return answering(request -> result);
  }

  /** Returns the result of a run that exited with 0 after printing {@code output}. */
  public static ExecutionResult success(String output) {
    return ExecutionResult.of(output, 0, Duration.ofMillis(1));
  }

  /**
   * Returns the result of a run that exited with {@code exitCode} after printing {@code output}.
   */
  public static ExecutionResult failure(String output, int exitCode) {
    return ExecutionResult.of(output, exitCode, Duration.ofMillis(1));
  }

  /**
   * {@inheritDoc}
   *
   * @throws ExecutorException when the scripted results are used up, or as the function throws
   */
  @Override
  public ExecutionResult execute(ExecutionRequest request) {
    Objects.requireNonNull(request, "request");
    if (request.fileName().equals(PROBE_FILE)) {
      return failure("FakeExecutor runs no interpreter probe", 1);
    }
    ExecutionResult next;
    int number;
    synchronized (this) {
      requests.add(request);
      number = requests.size();
      next = answer == null ? queue.poll() : null;
    }
    if (answer != null) {
      return Objects.requireNonNull(
          answer.apply(request), "the fake executor's function returned null for run " + number);
    }
    if (next == null) {
      throw new ExecutorException(
          "FakeExecutor has no result for run "
              + number
              + " (workspace "
              + request.workspace()
              + "): its "
              + queued
              + " scripted result(s) are used up. Give more to returning(...), or use"
              + " answering(...).");
    }
    return next;
  }

  /** Returns the requests this executor got so far, in the order they arrived. */
  public synchronized List<ExecutionRequest> requests() {
    return List.copyOf(requests);
  }
}
