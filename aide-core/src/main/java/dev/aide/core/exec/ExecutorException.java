package dev.aide.core.exec;

import org.jspecify.annotations.Nullable;

/**
 * Thrown when an executor cannot run code at all, whatever the code: a missing interpreter, a
 * sandbox that cannot start, a workspace that cannot be written. The search stops when it sees one,
 * since no later node could run either. A program that fails is not such a case: that is an
 * ordinary {@link ExecutionResult}.
 */
public class ExecutorException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ExecutorException(String message) {
    super(message);
  }

  public ExecutorException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
