package dev.aide.core.internal;

import dev.aide.core.StopReason;
import dev.aide.core.exec.ExecutionResult;
import dev.aide.core.llm.LlmException;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The failures in a row that stop a run: the coder's and the reviewer's calls that met the same
 * persistent failure, and the executions that failed at once the same way.
 *
 * <p>The scheduler keeps one per search and shares it with its {@link NodeRunner}, which counts
 * every call and execution here. Thread-safe: workers count in the order their calls end.
 */
final class Streaks {
  /**
   * How many calls of one role (coder or reviewer) in a row must meet the same {@linkplain
   * LlmException.Kind#persists() persistent} failure before the search stops with {@link
   * StopReason#LLM_FAILING}.
   */
  static final int PERSISTENT_LLM_FAILURES = 3;

  /**
   * How many executions in a row must fail at once the same way, with no output of their own,
   * before the search stops with {@link StopReason#EXECUTION_FAILING}.
   */
  static final int SETUP_FAILURES = 3;

  /** The longest failed run that counts as failing "at once" for {@link #SETUP_FAILURES}. */
  static final Duration QUICK_FAILURE = Duration.ofSeconds(5);

  final CallStreak coder = new CallStreak();
  final CallStreak reviewer = new CallStreak();
  final ExecutionStreak execution = new ExecutionStreak();

  /**
   * Counts the calls in a row of one role that met the same persistent failure (same kind and
   * status); a successful call, or any other failure, starts the count again. Thread-safe: workers
   * report their calls in the order they end.
   */
  static final class CallStreak {
    private LlmException.@Nullable Kind kind;
    private int status;
    private int count;

    synchronized void succeeded() {
      kind = null;
      count = 0;
    }

    /** Counts {@code e}; returns whether it makes {@link #PERSISTENT_LLM_FAILURES} in a row. */
    synchronized boolean failed(LlmException e) {
      if (!e.kind().persists()) {
        succeeded();
        return false;
      }
      if (e.kind() == kind && e.statusCode() == status) {
        count++;
      } else {
        kind = e.kind();
        status = e.statusCode();
        count = 1;
      }
      return count >= PERSISTENT_LLM_FAILURES;
    }
  }

  /**
   * Counts the executions in a row that failed at once the same way with nothing of the program's
   * own to show: a non-zero exit within {@link #QUICK_FAILURE}, no time-out, no exception the
   * program raised, and the same exit code and output (usually none) as the one before. Any other
   * execution starts the count again, so generated programs that fail in their own ways never reach
   * {@link #SETUP_FAILURES}. Thread-safe.
   */
  static final class ExecutionStreak {
    private @Nullable String signature;
    private int count;

    /** Counts {@code execution}; returns whether it makes {@link #SETUP_FAILURES} in a row. */
    synchronized boolean failedTheSameWay(ExecutionResult execution) {
      boolean setupLike =
          execution.exitCode() != 0
              && !execution.timedOut()
              && execution.errorType() == null
              && execution.duration().compareTo(QUICK_FAILURE) <= 0;
      if (!setupLike) {
        signature = null;
        count = 0;
        return false;
      }
      String now = execution.exitCode() + "\n" + execution.output().strip();
      if (now.equals(signature)) {
        count++;
      } else {
        signature = now;
        count = 1;
      }
      return count >= SETUP_FAILURES;
    }
  }
}
